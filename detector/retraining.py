"""Retraining on the user's labels, and the gate a candidate must pass to replace the active model.

The candidate is fitted on the shipped corpus (less its held-out slice) plus the user's labels,
which weigh more: they are the user's own mail. It is then judged on data it never saw:

- the corpus's held-out slice, which no model, shipped or retrained, is ever trained on;
- the user's labels, each scored by a candidate fitted without it (grouped cross-validation);
  the active model is scored only on labels it was not trained on, and the candidate on the
  same ones, so both are measured on the same held-out data.

The candidate is promoted only when it is not worse than the active model on all of that data
in precision and in F1, not worse in F1 on the user's labels, and not worse by more than
:data:`CORPUS_TOLERANCE` on the corpus slice alone. The second rule is what stops a poisoned or careless label set: flipped labels can make
a candidate agree with them better than the active model does, but not with the corpus.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from detector.classifier import Model, classify_many, document
from detector.corpus import LabeledMail, groups
from detector.errors import MessageError
from detector.evaluation import Metrics, metrics
from detector.labels import Label
from detector.message import parse
from detector.training import RANDOM_STATE, fit, split_holdout

__all__ = [
    "CORPUS_TOLERANCE",
    "USER_WEIGHT",
    "Comparison",
    "Figures",
    "Retrained",
    "compare",
    "train_candidate",
    "user_mails",
]

log = logging.getLogger(__name__)
# A user label counts as this many corpus messages: a handful of the user's own mail must be
# able to move the model, but not a single label outweigh a whole template family.
USER_WEIGHT = 5.0
# How much worse on the corpus slice a candidate may be (about one message in the slice's
# ~130 rejections): the user's mail may differ from ours, but not contradict it.
CORPUS_TOLERANCE = 0.01
MAX_FOLDS = 5


@dataclass(frozen=True)
class Figures:
    """One model's held-out figures: corpus slice, user labels, and both together."""

    corpus: Metrics
    user: Metrics | None
    combined: Metrics

    def as_dict(self) -> dict[str, Any]:
        """Plain figures for the model metadata."""
        return {
            "corpus_holdout": self.corpus.as_dict(),
            "user_labels": self.user.as_dict() if self.user else None,
            **self.combined.as_dict(),
        }


@dataclass(frozen=True)
class Retrained:
    """A candidate with what it is judged by: its held-out probabilities."""

    model: Model
    holdout: list[LabeledMail]
    holdout_probs: np.ndarray
    user: list[LabeledMail]
    user_probs: np.ndarray | None
    corpus_counts: dict[str, int]
    user_counts: dict[str, int]


@dataclass(frozen=True)
class Comparison:
    """The gate's verdict, with the figures that decided it."""

    candidate: Figures
    active: Figures
    user_judged: int
    promote: bool
    reasons: tuple[str, ...]


def user_mails(labels: Iterable[Label]) -> tuple[list[LabeledMail], list[str]]:
    """The labels as training mail; labels whose bytes no longer parse are reported, not used."""
    mails: list[LabeledMail] = []
    failed: list[str] = []
    for label in labels:
        try:
            message = parse(label.raw)
        except MessageError as err:
            failed.append(f"{label.origin}: {err}")
            continue
        truth = {"family": f"user:{label.key}", "digest": label.digest}
        mails.append(LabeledMail(Path(label.origin), message, int(label.rejection), truth))
    return mails, failed


def train_candidate(
    corpus: Sequence[LabeledMail],
    user: Sequence[LabeledMail],
    *,
    threshold: float,
    version: str,
) -> Retrained:
    """Fit the candidate and score, without leakage, everything the gate will judge it on."""
    train, holdout = split_holdout(corpus)
    weights = [1.0] * len(train) + [USER_WEIGHT] * len(user)
    model = fit([*train, *user], threshold=threshold, version=version, weights=weights)
    holdout_probs = _probabilities(model, holdout)
    user_probs = _user_out_of_fold(train, list(user), threshold)
    return Retrained(
        model=model,
        holdout=holdout,
        holdout_probs=holdout_probs,
        user=list(user),
        user_probs=user_probs,
        corpus_counts=_counts(train),
        user_counts=_counts(user),
    )


def _user_out_of_fold(
    train: list[LabeledMail], user: list[LabeledMail], threshold: float
) -> np.ndarray | None:
    """Each user label's probability from a candidate fitted without it (nor its sender)."""
    ids = groups(user)
    y = np.array([m.label for m in user])
    smallest = min(int(y.sum()), int(len(y) - y.sum()))
    n = min(MAX_FOLDS, len(set(ids)), smallest if smallest >= 2 else MAX_FOLDS)
    if n < 2:
        return None  # every label from one sender: nothing can be held out of it
    splitter: Any = (
        StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=RANDOM_STATE)
        if smallest >= 2
        else GroupKFold(n_splits=n)
    )
    probs = np.zeros(len(user))
    for train_idx, test_idx in splitter.split(np.zeros(len(user)), y, ids):
        fold_user = [user[i] for i in train_idx]
        weights = [1.0] * len(train) + [USER_WEIGHT] * len(fold_user)
        model = fit([*train, *fold_user], threshold=threshold, weights=weights)
        probs[test_idx] = _probabilities(model, [user[i] for i in test_idx])
    return probs


def compare(candidate: Retrained, active: Model) -> Comparison:
    """Judge the candidate against the active model on the same held-out data."""
    seen = set(active.metadata.get("label_digests") or ())
    unseen = [i for i, m in enumerate(candidate.user) if m.truth.get("digest") not in seen]
    judged = unseen if candidate.user_probs is not None else []
    users = [candidate.user[i] for i in judged]
    cand_user = (
        [bool(candidate.user_probs[i] >= candidate.model.threshold) for i in judged]
        if (candidate.user_probs is not None)
        else []
    )
    cand_corpus = [bool(p >= candidate.model.threshold) for p in candidate.holdout_probs]
    act_corpus = [
        v.is_rejection for v in classify_many(active, [m.message for m in candidate.holdout])
    ]
    act_user = [v.is_rejection for v in classify_many(active, [m.message for m in users])]
    cand = _figures(candidate.holdout, cand_corpus, users, cand_user)
    act = _figures(candidate.holdout, act_corpus, users, act_user)
    reasons = _reasons(cand, act)
    return Comparison(cand, act, len(users), promote=not reasons, reasons=tuple(reasons))


def _figures(
    holdout: list[LabeledMail], on_corpus: list[bool], user: list[LabeledMail], on_user: list[bool]
) -> Figures:
    corpus = metrics([m.label for m in holdout], on_corpus)
    user_m = metrics([m.label for m in user], on_user) if user else None
    combined = metrics([m.label for m in [*holdout, *user]], [*on_corpus, *on_user])
    return Figures(corpus, user_m, combined)


def _reasons(cand: Figures, act: Figures) -> list[str]:
    """Why the candidate may not be promoted; empty when it may."""
    reasons = []
    for name in ("precision", "f1"):
        # Compared at the three decimals they are reported with: a difference nobody is shown
        # (one message in thousands) is not "worse".
        c, a = round(getattr(cand.combined, name), 3), round(getattr(act.combined, name), 3)
        if c < a:
            reasons.append(f"{name} on all held-out data would drop from {a:.3f} to {c:.3f}")
        if cand.user is not None and act.user is not None and name == "f1":
            # The user's own labels are the point of retraining: they may not get worse either.
            c, a = round(cand.user.f1, 3), round(act.user.f1, 3)
            if c < a:
                reasons.append(f"f1 on your labels would drop from {a:.3f} to {c:.3f}")
        c, a = round(getattr(cand.corpus, name), 3), round(getattr(act.corpus, name), 3)
        if c < a - CORPUS_TOLERANCE:
            reasons.append(
                f"{name} on the corpus held-out slice would drop from {a:.3f} to {c:.3f} "
                f"(more than {CORPUS_TOLERANCE:.2f}; do some labels contradict the corpus?)"
            )
    return reasons


def _probabilities(model: Model, mails: Sequence[LabeledMail]) -> np.ndarray:
    """Unrounded, as :func:`classify_many` compares them with the threshold."""
    if not mails:
        return np.zeros(0)
    return np.asarray(model.pipeline.predict_proba([document(m.message) for m in mails])[:, 1])


def _counts(mails: Sequence[LabeledMail]) -> dict[str, int]:
    positive = sum(m.label for m in mails)
    return {"rejection": positive, "not_rejection": len(mails) - positive}
