"""``gracious train``: fit on the shipped corpus and write the model, its metadata and its card."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from detector.classifier import Model, classify_many
from detector.corpus import LabeledMail, corpus_dir, corpus_hash, load_labeled
from detector.errors import ModelError
from detector.evaluation import Metrics, choose_threshold, metrics
from detector.modelfile import environment, write_model
from detector.training import fit, out_of_fold, split_holdout

__all__ = ["model_card", "train_from_corpus"]

log = logging.getLogger(__name__)


def train_from_corpus(
    out_dir: Path,
    *,
    corpus: Path | None = None,
    threshold: float | None = None,
    cross_validate: bool = True,
) -> Model:
    """Fit on the corpus less its held-out slice, write the model to ``out_dir``, return it.

    The held-out slice (:func:`in_holdout`) is never trained on, so the figures on it are a
    true test, and a retrained model can later be compared with this one on it fairly. With
    ``cross_validate`` the threshold is chosen on grouped 5-fold out-of-fold probabilities of
    the training part (see :func:`choose_threshold`), never on the held-out slice. Without,
    ``threshold`` (or 0.5).
    """
    root = corpus or corpus_dir()
    everything, failed = load_labeled(root)
    if failed:
        raise ModelError(f"{len(failed)} corpus files do not parse, first: {failed[0]}")
    mails, holdout = split_holdout(everything)
    cv: Metrics | None = None
    labels = [m.label for m in mails]
    if cross_validate:
        probs = list(out_of_fold(mails))
        threshold = threshold or choose_threshold(labels, probs)
        cv = metrics(labels, [bool(p >= threshold) for p in probs])
    threshold = threshold or 0.5
    version = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    model = fit(mails, threshold=threshold, version=version)
    verdicts = classify_many(model, [m.message for m in holdout])
    tested = metrics([m.label for m in holdout], [v.is_rejection for v in verdicts])
    meta = {
        **_metadata(root, mails, cv),
        "holdout": {"messages": len(holdout), **tested.as_dict()} if holdout else None,
        "threshold": threshold,
        "version": version,
    }
    write_model(model, out_dir, meta, model_card(meta))
    return Model(model.pipeline, model.threshold, model.version, meta)


def _metadata(root: Path, mails: list[LabeledMail], cv: Metrics | None) -> dict[str, Any]:
    counts = Counter("rejection" if m.label else "not_rejection" for m in mails)
    languages = Counter(str(m.truth.get("language", "?")) for m in mails)
    return {
        **environment(),
        "corpus_hash": corpus_hash(root),
        "corpus_counts": dict(sorted(counts.items())),
        "corpus_languages": dict(sorted(languages.items())),
        "families": len({m.family for m in mails}),
        "cross_validation": (
            {
                "method": "StratifiedGroupKFold(5) by template family and sender domain",
                **cv.as_dict(),
            }
            if cv
            else None
        ),
    }


def model_card(meta: dict[str, Any]) -> str:
    """The model card written beside the model: what it is, what it saw, how well it does."""
    cv = meta.get("cross_validation") or {}
    held = meta.get("holdout") or {}
    figures = (
        f"| data | precision | recall | F1 |\n|---|---|---|---|\n"
        f"| 5-fold CV on the training part | {cv['precision']:.3f} | {cv['recall']:.3f} | "
        f"{cv['f1']:.3f} |\n"
        if cv
        else "Not cross-validated (rebuilt on the user's machine).\n"
    )
    if held:
        if not cv:
            figures += "\n| data | precision | recall | F1 |\n|---|---|---|---|\n"
        figures += (
            f"| held-out slice ({held['messages']} messages, never trained on) | "
            f"{held['precision']:.3f} | {held['recall']:.3f} | {held['f1']:.3f} |\n\n"
            f"Confusion on the held-out slice (rejection positive): {held['confusion']}\n"
        )
    return f"""# Model card: gracious rejection classifier

## What it does
Decides whether an email tells the recipient that their job, internship, apprenticeship,
graduate-scheme or academic-post application will not go forward. Output: a calibrated
probability; the mail counts as a rejection at or above the threshold ({meta.get("threshold")}).

## Model
Word (1-2) and character (3-4, within word boundaries) n-gram TF-IDF over the subject and the
*new* text of the mail (quoted replies and signature removed; addresses, links and digits masked),
into a linear SVM (class-balanced) with sigmoid calibration (5-fold). scikit-learn
{meta.get("sklearn_version")}, saved with skops {meta.get("skops_version")}; loading trusts only
the types listed in `detector/modelfile.py`.

## Training data
The corpus shipped in `detector/corpus/` (hash `{meta.get("corpus_hash")}`), written by the
gracious team: trained on {meta.get("corpus_counts")} in {meta.get("families")} template families
(the held-out slice excluded);
languages {meta.get("corpus_languages")}. No real user mail.

## Evaluation
A fixed fifth of the corpus, by whole template families and sender domains, is held out and
never trained on; the threshold is chosen by stratified 5-fold cross-validation on the rest,
grouped the same way, so that no family or sender is on both sides of a split:

{figures}
Measure on mail you did not write with `gracious evaluate --labeled DIR`.

## Limits
- Trained on the languages listed above; mail in other languages falls back to shared
  character n-grams and is less reliable.
- A mail that only links to a portal message ("you have a new message") without the text cannot
  be recognised.
- The candidate's own mail that uses rejection wording may be misread; gracious only drafts, the
  user always reviews.

Created {meta.get("created")} with Python {meta.get("python_version")}.
"""
