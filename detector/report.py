"""The text ``gracious evaluate`` prints: classifier figures and extraction accuracy."""

from __future__ import annotations

from pathlib import Path

from detector.classifier import Model, classify_many
from detector.corpus import LabeledMail, corpus_dir, groups, load_labeled
from detector.evaluation import extraction_scores, format_metrics, metrics
from detector.facts import extract
from detector.training import out_of_fold

__all__ = ["evaluate_corpus", "evaluate_labeled"]


def evaluate_corpus(corpus: Path | None, *, threshold: float, misses: bool = False) -> str:
    """Grouped, stratified 5-fold cross-validation on the training corpus."""
    root = corpus or corpus_dir()
    mails, failed = load_labeled(root)
    probs = out_of_fold(mails)
    predictions = [bool(p >= threshold) for p in probs]
    m = metrics([x.label for x in mails], predictions)
    n_groups = len(set(groups(mails)))
    lines = [
        format_metrics(
            f"Corpus {root} ({len(mails)} messages, {n_groups} groups): stratified 5-fold "
            "cross-validation, grouped by template family and sender",
            m,
        )
    ]
    lines += _failed(failed)
    lines += _extraction(mails)
    if misses:
        lines += _misclassified(mails, predictions, list(probs))
    return "\n".join(lines)


def evaluate_labeled(root: Path, model: Model, *, misses: bool = False) -> str:
    """The current model on a labeled folder it was never trained on."""
    mails, failed = load_labeled(root)
    verdicts = classify_many(model, [x.message for x in mails])
    predictions = [v.is_rejection for v in verdicts]
    m = metrics([x.label for x in mails], predictions)
    lines = [
        format_metrics(
            f"Labeled folder {root} ({len(mails)} messages), model {model.version}, "
            f"threshold {model.threshold}",
            m,
        )
    ]
    lines += _failed(failed)
    lines += _extraction(mails, misses=misses)
    if misses:
        lines += _misclassified(mails, predictions, [v.probability for v in verdicts])
    return "\n".join(lines)


def _failed(failed: list[tuple[Path, str]]) -> list[str]:
    return (
        [f"  could not parse {len(failed)} files"] + [f"    {p}: {e}" for p, e in failed]
        if failed
        else []
    )


def _extraction(mails: list[LabeledMail], *, misses: bool = False) -> list[str]:
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


def _misclassified(
    mails: list[LabeledMail], predictions: list[bool], probs: list[float]
) -> list[str]:
    lines = ["Misclassified (file, labeled, probability, subject)"]
    for mail, pred, p in zip(mails, predictions, probs, strict=True):
        if bool(mail.label) != pred:
            label = "rejection" if mail.label else "not_rejection"
            lines.append(f"  {mail.path.name}  {label}  p={p:.2f}  {mail.message.subject[:70]}")
    return lines
