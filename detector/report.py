"""What ``gracious evaluate`` measures, and the text it prints: classifier figures and extraction.

Scoring and rendering are apart: :func:`cross_validate_corpus` and :func:`score_labeled` return
an :class:`Evaluation`, which :func:`format_evaluation` turns into text and
:func:`detector.htmlreport.render_report` into a page, so the cross-validation runs once for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from detector.classifier import Model, classify_many
from detector.corpus import LabeledMail, corpus_dir, groups, load_labeled
from detector.evaluation import Metrics, extraction_scores, format_metrics, metrics
from detector.facts import extract
from detector.training import out_of_fold

__all__ = [
    "Evaluation",
    "cross_validate_corpus",
    "evaluate_corpus",
    "evaluate_labeled",
    "format_evaluation",
    "score_labeled",
]


@dataclass(frozen=True)
class Evaluation:
    """Held-out probabilities and predictions for one labeled set, with what they were made at.

    ``predictions`` are kept as made rather than recomputed from ``probabilities``: a labeled
    folder's probabilities are the verdicts' rounded ones, and the figures must match what
    ``gracious classify`` decides.
    """

    title: str
    threshold: float
    mails: tuple[LabeledMail, ...]
    probabilities: tuple[float, ...]
    predictions: tuple[bool, ...]
    failed: tuple[tuple[Path, str], ...] = ()
    # The corpus text has only ever listed misclassified files, a labeled folder also its
    # extraction misses; kept so the text stays as it was.
    lists_extraction_misses: bool = True

    def __post_init__(self) -> None:
        if not len(self.mails) == len(self.probabilities) == len(self.predictions):
            raise ValueError("mails, probabilities and predictions differ in length")

    @property
    def labels(self) -> list[int]:
        """1 for a labeled rejection, 0 otherwise, in the order of ``mails``."""
        return [m.label for m in self.mails]

    @property
    def metrics(self) -> Metrics:
        """The confusion counts at ``threshold``."""
        return metrics(self.labels, self.predictions)

    def misclassified(self) -> list[tuple[LabeledMail, float]]:
        """Each mail whose prediction disagrees with its label, with its probability."""
        return [
            (mail, p)
            for mail, p, pred in zip(self.mails, self.probabilities, self.predictions, strict=True)
            if bool(mail.label) != pred
        ]


def cross_validate_corpus(corpus: Path | None, *, threshold: float) -> Evaluation:
    """Grouped, stratified 5-fold cross-validation on the training corpus."""
    root = corpus or corpus_dir()
    mails, failed = load_labeled(root)
    probs = [float(p) for p in out_of_fold(mails)]
    n_groups = len(set(groups(mails)))
    return Evaluation(
        title=(
            f"Corpus {root} ({len(mails)} messages, {n_groups} groups): stratified 5-fold "
            "cross-validation, grouped by template family and sender"
        ),
        threshold=threshold,
        mails=tuple(mails),
        probabilities=tuple(probs),
        predictions=tuple(p >= threshold for p in probs),
        failed=tuple(failed),
        lists_extraction_misses=False,
    )


def score_labeled(root: Path, model: Model) -> Evaluation:
    """The current model on a labeled folder it was never trained on."""
    mails, failed = load_labeled(root)
    verdicts = classify_many(model, [x.message for x in mails])
    return Evaluation(
        title=(
            f"Labeled folder {root} ({len(mails)} messages), model {model.version}, "
            f"threshold {model.threshold}"
        ),
        threshold=model.threshold,
        mails=tuple(mails),
        probabilities=tuple(v.probability for v in verdicts),
        predictions=tuple(v.is_rejection for v in verdicts),
        failed=tuple(failed),
    )


def format_evaluation(evaluation: Evaluation, *, misses: bool = False) -> str:
    """The figures, unparsable files, extraction accuracy and, with ``misses``, the misses."""
    lines = [format_metrics(evaluation.title, evaluation.metrics)]
    lines += _failed(evaluation.failed)
    lines += _extraction(evaluation.mails, misses=misses and evaluation.lists_extraction_misses)
    if misses:
        lines += _misclassified(evaluation)
    return "\n".join(lines)


def evaluate_corpus(corpus: Path | None, *, threshold: float, misses: bool = False) -> str:
    """:func:`cross_validate_corpus` as text."""
    return format_evaluation(cross_validate_corpus(corpus, threshold=threshold), misses=misses)


def evaluate_labeled(root: Path, model: Model, *, misses: bool = False) -> str:
    """:func:`score_labeled` as text."""
    return format_evaluation(score_labeled(root, model), misses=misses)


def _failed(failed: tuple[tuple[Path, str], ...]) -> list[str]:
    return (
        [f"  could not parse {len(failed)} files"] + [f"    {p}: {e}" for p, e in failed]
        if failed
        else []
    )


def _extraction(mails: tuple[LabeledMail, ...], *, misses: bool) -> list[str]:
    rows = [(x, extract(x.message)) for x in mails if x.label == 1 and x.truth]
    if not rows:
        return []
    scores, missed = extraction_scores(rows)
    lines = [f"Extraction on {len(rows)} labeled rejections (accuracy per field)"]
    lines += [
        f"  {s.field:<14} {s.accuracy:6.1%}  ({s.correct}/{s.total})" for s in scores if s.total
    ]
    if misses:
        lines.append("Extraction misses (file, field, labeled, extracted)")
        lines += [f"  {f}  {name}: {want!r} -> {got!r}" for f, name, want, got in missed]
    return lines


def _misclassified(evaluation: Evaluation) -> list[str]:
    lines = ["Misclassified (file, labeled, probability, subject)"]
    for mail, p in evaluation.misclassified():
        label = "rejection" if mail.label else "not_rejection"
        lines.append(f"  {mail.path.name}  {label}  p={p:.2f}  {mail.message.subject[:70]}")
    return lines
