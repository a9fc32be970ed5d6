"""The rejection classifier: one function builds the pipeline, pure functions score messages.

The model reads the subject and the *new* text of a mail (quotes and signature removed), with
addresses, links and digits masked so it learns wording rather than particular senders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from detector.message import Message

__all__ = ["Model", "Verdict", "build_pipeline", "classify", "classify_many", "document"]

MAX_CHARS = 3000
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Verdict:
    """Whether a message is a job-application rejection, and how sure the model is."""

    is_rejection: bool
    probability: float


@dataclass(frozen=True)
class Model:
    """A fitted pipeline with the threshold it is used at and where it came from."""

    pipeline: Any
    threshold: float = 0.5
    version: str = "unversioned"
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)


def document(message: Message) -> str:
    """The text the model sees for ``message``: subject and new body text, masked."""
    text = f"{message.subject}\n{message.text or message.body}"[:MAX_CHARS]
    text = _URL.sub(" xurlx ", text)
    text = _EMAIL.sub(" xemailx ", text)
    return _DIGITS.sub("0", text)


def build_pipeline(*, random_state: int = 0) -> Pipeline:
    """Word and character n-gram TF-IDF into a linear SVM with sigmoid-calibrated probabilities.

    Character n-grams carry the model across inflected languages (Bewerbung/Bewerbungen) and
    misspellings; calibration makes the probability mean what it says, so a threshold is meaningful.
    """
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_df=0.9)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 4), min_df=2, sublinear_tf=True, max_df=0.9
                ),
            ),
        ]
    )
    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=random_state)
    return Pipeline(
        [
            ("features", features),
            ("classifier", CalibratedClassifierCV(svm, method="sigmoid", cv=5)),
        ]
    )


def classify(model: Model, message: Message) -> Verdict:
    """Score one message."""
    return classify_many(model, [message])[0]


def classify_many(model: Model, messages: Sequence[Message]) -> list[Verdict]:
    """Score many messages in one call: vectorizing a batch is far cheaper than one at a time."""
    if not messages:
        return []
    docs = [document(m) for m in messages]
    probs = model.pipeline.predict_proba(docs)[:, 1]
    return [Verdict(bool(p >= model.threshold), round(float(p), 4)) for p in probs]
