"""Fitting the classifier and measuring it honestly: grouped cross-validation, held-out only."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from detector.classifier import Model, build_pipeline, document
from detector.corpus import LabeledMail, groups

__all__ = ["fit", "out_of_fold"]

RANDOM_STATE = 0


def fit(mails: Sequence[LabeledMail], *, threshold: float = 0.5, version: str = "dev") -> Model:
    """Fit a fresh pipeline on every mail given."""
    pipeline = build_pipeline(random_state=RANDOM_STATE)
    pipeline.fit([document(m.message) for m in mails], np.array([m.label for m in mails]))
    return Model(pipeline=pipeline, threshold=threshold, version=version)


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
