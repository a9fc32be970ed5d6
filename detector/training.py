"""Fitting the classifier and measuring it honestly: grouped cross-validation, held-out only."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from detector.classifier import Model, build_pipeline, document
from detector.corpus import LabeledMail, groups

__all__ = ["HOLDOUT_SHARE", "fit", "in_holdout", "out_of_fold", "split_holdout"]

RANDOM_STATE = 0
# The share of corpus groups no model ever trains on: the shipped model and every retrained one
# are compared on it, so a candidate is never judged on mail the incumbent has memorised.
HOLDOUT_SHARE = 0.2


def fit(
    mails: Sequence[LabeledMail],
    *,
    threshold: float = 0.5,
    version: str = "dev",
    weights: Sequence[float] | None = None,
) -> Model:
    """Fit a fresh pipeline on every mail given; ``weights`` let the user's own labels count more."""
    pipeline = build_pipeline(random_state=RANDOM_STATE)
    docs = [document(m.message) for m in mails]
    y = np.array([m.label for m in mails])
    if weights is None:
        pipeline.fit(docs, y)
    else:
        pipeline.fit(docs, y, classifier__sample_weight=np.asarray(weights, dtype=float))
    return Model(pipeline=pipeline, threshold=threshold, version=version)


def split_holdout(
    mails: Sequence[LabeledMail],
) -> tuple[list[LabeledMail], list[LabeledMail]]:
    """The training part and the held-out slice of a corpus (see :func:`in_holdout`).

    A corpus too small for a slice with both classes on both sides (a test's dozen messages)
    is all training part, with an empty slice.
    """
    held = in_holdout(mails)
    train = [m for m, h in zip(mails, held, strict=True) if not h]
    holdout = [m for m, h in zip(mails, held, strict=True) if h]
    if any({m.label for m in part} != {0, 1} for part in (train, holdout)):
        return list(mails), []
    return train, holdout


def in_holdout(mails: Sequence[LabeledMail]) -> list[bool]:
    """Whether each corpus mail is in the fixed held-out slice.

    Whole groups (template family and sender domain) are held out, chosen by a hash of the
    group's first family name: the same slice on every machine and every run, and it only
    changes for the groups that a corpus edit touches.
    """
    ids = groups(list(mails))
    names: dict[int, str] = {}
    for gid, mail in zip(ids, mails, strict=True):
        names[gid] = min(names.get(gid, mail.family), mail.family)
    cut = int(HOLDOUT_SHARE * 1000)
    held = {
        gid: int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % 1000 < cut
        for gid, name in names.items()
    }
    return [held[gid] for gid in ids]


def out_of_fold(mails: Sequence[LabeledMail], *, n_splits: int = 5) -> np.ndarray:
    """Each mail's rejection probability from a model that never saw its family or sender.

    Stratified by label and grouped by template family and sender domain (see
    :func:`detector.corpus.groups`), so near-duplicates never sit on both sides of a split.
    """
    docs = [document(m.message) for m in mails]
    y = np.array([m.label for m in mails])
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=RANDOM_STATE)
    probs = np.zeros(len(mails))
    for train_idx, test_idx in folds.split(docs, y, groups(list(mails))):
        pipeline = build_pipeline(random_state=RANDOM_STATE)
        pipeline.fit([docs[i] for i in train_idx], y[train_idx])
        probs[test_idx] = pipeline.predict_proba([docs[i] for i in test_idx])[:, 1]
    return probs
