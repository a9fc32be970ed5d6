"""Why the model scored one message as it did: the phrases of that message that weighed most.

The classifier is linear under its calibration: the score of a message is the sum, over its
features, of TF-IDF value times weight, plus an intercept, and the probability is a monotone
function of that score. So each feature's share of the score is exact, not estimated. The weights
are the mean of the five cross-validation SVMs inside :class:`CalibratedClassifierCV`, whose
probabilities the pipeline averages.

Character n-grams carry most of the score but read badly (``"gret"``, ``" we "``). They are
folded into the words of the message they were cut from (``char_wb`` never crosses a word), so a
reader sees ``regret`` carrying its word weight and its character evidence together. An n-gram
found in several words is shared between them by how often it occurs in each; that split is the
one approximation here, and the total stays exact. Word bigrams are shown as they are.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from detector.classifier import Model, classify, document
from detector.errors import ModelError
from detector.message import Message

__all__ = ["Explanation", "Phrase", "explain", "format_explanation"]

# The masks document() puts in the text, shown as what they stand for.
_MASKS = ((re.compile(r"xemailx"), "<email>"), (re.compile(r"xurlx"), "<link>"))
_NUMBER = re.compile(r"(?<![^\W\d_])0(?![^\W\d_])")  # a masked number not inside a word
_EDGE_PUNCTUATION = re.compile(r"^[^\w<>]+|[^\w<>]+$")


@dataclass(frozen=True)
class Phrase:
    """A word or word pair of the message and its share of the score (positive: rejection)."""

    text: str
    weight: float


@dataclass(frozen=True)
class Explanation:
    """The verdict, the score it comes from, and the phrases that pushed it each way.

    ``score`` is ``baseline`` plus every phrase's weight, not only the ones listed; the
    calibrated probability rises with the score and is near 0.5 at 0. ``baseline`` is the model's
    lean before reading a word: a message with little telling wording is decided by it.
    """

    is_rejection: bool
    probability: float
    score: float
    baseline: float
    toward: tuple[Phrase, ...]
    against: tuple[Phrase, ...]


@dataclass(frozen=True)
class _Linear:
    """What explain needs from the pipeline, checked once."""

    features: Any
    names: list[str]
    weights: np.ndarray
    intercept: float
    kinds: dict[str, Any]  # transformer name -> the fitted vectorizer


def explain(model: Model, message: Message, *, top: int = 8) -> Explanation:
    """The ``top`` phrases of ``message`` that pushed most toward a rejection, and most against."""
    linear = _linear(model.pipeline)
    text = document(message)
    try:
        row = linear.features.transform([text]).tocsr()
    except Exception as err:  # a vectorizer that cannot read text is a broken model
        raise ModelError(
            f"the model cannot vectorize a message: {type(err).__name__}: {err}"
        ) from err
    shares: dict[str, float] = defaultdict(float)
    folds: dict[str, Callable[[str], dict[str, float]]] = {}
    for index, value in zip(row.indices, row.data, strict=True):
        contribution = float(value) * float(linear.weights[index])
        name = linear.names[index]
        kind, _, term = name.partition("__")
        vectorizer = linear.kinds.get(kind)
        if getattr(vectorizer, "analyzer", None) == "char_wb":
            if kind not in folds:
                folds[kind] = _owners(vectorizer, text)
            for word, part in folds[kind](term).items():
                shares[_readable(word)] += contribution * part
        else:
            shares[_readable(term if vectorizer is not None else name)] += contribution
    verdict = classify(model, message)
    ranked = sorted((Phrase(t, w) for t, w in shares.items()), key=lambda p: (-p.weight, p.text))
    return Explanation(
        is_rejection=verdict.is_rejection,
        probability=verdict.probability,
        score=linear.intercept + sum(shares.values()),
        baseline=linear.intercept,
        toward=tuple(p for p in ranked if p.weight > 0)[:top],
        against=tuple(p for p in reversed(ranked) if p.weight < 0)[:top],
    )


def format_explanation(expl: Explanation) -> list[str]:
    """Human lines: the verdict, then one line per phrase, ``+`` toward rejection, ``-`` against."""
    verdict = "rejection" if expl.is_rejection else "not a rejection"
    lines = [
        f"{verdict} (probability {expl.probability:.3f}; "
        f"score {expl.score:+.3f} = baseline {expl.baseline:+.3f} "
        f"+ phrases {expl.score - expl.baseline:+.3f})"
    ]
    width = max((len(p.text) for p in (*expl.toward, *expl.against)), default=0) + 2
    for title, sign, phrases in (
        ("toward rejection:", "+", expl.toward),
        ("against:", "-", expl.against),
    ):
        lines.append(title)
        for phrase in phrases:
            quoted = f'"{phrase.text}"'
            lines.append(f"  {sign} {quoted:<{width}}  {phrase.weight:+.3f}")
        if not phrases:
            lines.append("  (none)")
    return lines


def _linear(pipeline: Any) -> _Linear:
    """The features and mean SVM weights, or a ModelError saying the model is not of that shape."""
    try:
        features = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["classifier"].calibrated_classifiers_
        svms = [c.estimator for c in calibrated]
        coefs = np.asarray([svm.coef_ for svm in svms], dtype=float)
        intercepts = np.asarray([svm.intercept_ for svm in svms], dtype=float)
        names = [str(n) for n in features.get_feature_names_out()]
        kinds = dict(features.transformer_list)
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        raise ModelError(
            "the model is not a fitted TF-IDF and calibrated linear pipeline, so it cannot be "
            f"explained ({type(err).__name__}: {err})"
        ) from err
    if not svms or coefs.ndim != 3 or coefs.shape[1] != 1 or coefs.shape[2] != len(names):
        raise ModelError(
            f"the model's weights (shape {coefs.shape}) do not match its {len(names)} features "
            "of a two-class classifier, so it cannot be explained"
        )
    return _Linear(features, names, coefs[:, 0, :].mean(axis=0), float(intercepts.mean()), kinds)


def _owners(vectorizer: Any, text: str) -> Callable[[str], dict[str, float]]:
    """For each character n-gram of ``text``: the words it came from, with their share of it."""
    words = Counter(vectorizer.build_preprocessor()(text).split())
    analyze = vectorizer.build_analyzer()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for word, times in words.items():
        for gram in analyze(word):
            counts[gram][word] += times

    def owners(gram: str) -> dict[str, float]:
        found = counts.get(gram)
        if not found:  # cannot happen for char_wb; keep the n-gram itself rather than lose it
            return {gram: 1.0}
        total = sum(found.values())
        return {word: n / total for word, n in found.items()}

    return owners


def _readable(term: str) -> str:
    """The term with masks spelled out and the punctuation a whitespace split left on it removed."""
    for pattern, shown in _MASKS:
        term = pattern.sub(shown, term)
    term = _NUMBER.sub("<number>", term)
    return _EDGE_PUNCTUATION.sub("", term) or term
