"""What ``gracious label``, ``retrain`` and ``models`` do: the user teaching gracious.

Labels from every route land in one :class:`LabelStore`; a retrained model goes live only
through the gate in :mod:`detector.retraining`, and always as a new version in the
:class:`ModelRegistry`, so every step can be rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from detector.config import Config
from detector.corpus import corpus_dir, corpus_hash, load_labeled
from detector.errors import GraciousError, MessageError
from detector.labels import Label, LabelError, LabelStore, UnreadableMail
from detector.mailbox import MailboxError, Pending
from detector.message import parse
from detector.modelfile import environment
from detector.registry import SHIPPED, ModelInfo, ModelRegistry
from detector.retraining import CORPUS_TOLERANCE, USER_WEIGHT, Comparison, compare, train_candidate
from detector.retraining import user_mails as as_training_mail
from detector.state import Journal, Record

__all__ = [
    "ImportResult",
    "RetrainResult",
    "fetch_recorded",
    "find_record",
    "import_labels",
    "label_record",
    "model_rows",
    "retrain",
]

log = logging.getLogger(__name__)


# --- labels ------------------------------------------------------------------------------------


def find_record(config: Config, key_or_ref: str) -> Record:
    """The journal's record of a key or ``review`` reference; one clear error when unknown."""
    path = config.state.resolved()
    if not path.is_file():
        raise LabelError(f"no journal at {path} yet; run `gracious run --once` first")
    journal = Journal(path, readonly=True)
    try:
        record = journal.find(key_or_ref)
    finally:
        journal.close()
    if record is None:
        raise LabelError(
            f"no message {key_or_ref!r} in the journal; `gracious review` lists them with "
            "their references"
        )
    return record


def fetch_recorded(config: Config, record: Record) -> bytes:
    """The message's bytes, fetched (read-only) from where the journal saw it."""
    from detector.runner import open_mailbox  # noqa: PLC0415 - the mailbox edge, only on demand

    account = next((a for a in config.accounts if a.name == record.account), None)
    if account is None:
        raise LabelError(
            f"message {record.ref} was seen in account {record.account!r}, which is no longer "
            "in the config; label it with `gracious label --import` instead"
        )
    uid = int(record.source_id.rpartition("/")[2]) if "/" in record.source_id else 0
    mailbox = open_mailbox(account, config)
    try:
        mailbox.open()
        found = list(mailbox.fetch(record.folder, [Pending(record.source_id, uid, 0)]))
    except (MailboxError, OSError) as err:
        raise LabelError(f"cannot fetch message {record.ref}: {err}") from err
    except Exception as err:  # imapclient raises its own errors for a lost connection
        raise LabelError(f"cannot fetch message {record.ref}: {type(err).__name__}") from err
    finally:
        mailbox.close()
    raw = found[0].raw if found else None
    if raw is None or _key(raw) != record.key:
        raise LabelError(
            f"message {record.ref} is no longer in {record.account}/{record.folder} where "
            "gracious saw it (moved or deleted); move it to a training folder or use "
            "`gracious label --import`"
        )
    return raw


def _key(raw: bytes) -> str | None:
    try:
        return parse(raw).key
    except MessageError:
        return None


def label_record(config: Config, key_or_ref: str, rejection: bool) -> Label:
    """Label a message from the journal; its bytes come from the store or from the mailbox."""
    record = find_record(config, key_or_ref)
    with LabelStore(config.state.data_dir()) as store:
        known = store.get(record.key)
        raw = known.raw if known is not None else fetch_recorded(config, record)
        origin = f"{record.account}/{record.folder} {record.source_id}"
        return store.put(raw, rejection, route="command", origin=origin)


@dataclass
class ImportResult:
    """What ``label --import`` stored and what it could not."""

    labeled: int = 0
    replaced: int = 0
    skipped: list[str] = field(default_factory=list)


def import_labels(config: Config, path: Path, rejection: bool) -> ImportResult:
    """Label every message in a folder of .eml files, an mbox or a Maildir."""
    from detector.importer import read_mail  # noqa: PLC0415

    mails = list(read_mail(path))  # read everything first: an unreadable source stores nothing
    result = ImportResult()
    with LabelStore(config.state.data_dir()) as store:
        known = store.verdicts()
        for mail in mails:
            try:
                label = store.put(mail.raw, rejection, route="import", origin=mail.origin)
            except UnreadableMail as err:
                result.skipped.append(str(err))
                continue
            result.labeled += 1
            result.replaced += known.get(label.key, rejection) != rejection
    return result


# --- retraining --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetrainResult:
    """What ``gracious retrain`` decided, and the figures behind it."""

    outcome: str  # "promoted", "forced", "kept", "too-few-labels", "nothing-new"
    active: str
    labels: dict[str, int]
    candidate: str | None = None
    comparison: Comparison | None = None
    needed: int = 0
    unusable: tuple[str, ...] = ()

    @property
    def promoted(self) -> bool:
        """Whether a new model is now active."""
        return self.outcome in ("promoted", "forced")

    def lines(self) -> Iterator[str]:
        """The report, line by line."""
        total = sum(self.labels.values())
        counts = (
            f"{total} labels ({self.labels['rejection']} rejection, "
            f"{self.labels['not_rejection']} not)"
        )
        for problem in self.unusable:
            yield f"not used: {problem}"
        if self.outcome == "too-few-labels":
            yield (
                f"{counts}: at least {self.needed} are needed to retrain; keeping model "
                f"{self.active}. Label more with `gracious label` or the training folders."
            )
            return
        if self.outcome == "nothing-new":
            yield f"{counts}, none new since model {self.active} was trained; nothing to do."
            return
        comparison = self.comparison
        assert comparison is not None  # noqa: S101 - every other outcome compared
        yield f"{counts}; candidate {self.candidate} against active model {self.active}"
        yield (
            f"held-out data: the corpus slice ({_n(comparison.candidate.corpus)} messages) and "
            f"{comparison.user_judged} of your labels the active model never trained on"
        )
        yield _row("", "precision", "recall", "F1", "corpus P", "corpus F1")
        yield _figures_row("active", comparison.active)
        yield _figures_row("candidate", comparison.candidate)
        if self.outcome == "promoted":
            yield f"Promoted: model {self.candidate} is now active (roll back: gracious models use {self.active})."
        elif self.outcome == "forced":
            for reason in comparison.reasons:
                yield f"Gate refused it: {reason}"
            yield f"Promoted anyway (--force): model {self.candidate} is now active."
        else:
            for reason in comparison.reasons:
                yield f"Not promoted: {reason}"
            yield f"Keeping model {self.active}. `--force` promotes the candidate anyway."


def _n(m: Any) -> int:
    return int(m.tp + m.fp + m.fn + m.tn)


def _row(*cells: str) -> str:
    return f"  {cells[0]:<10}" + "".join(f"{c:>11}" for c in cells[1:])


def _figures_row(name: str, figures: Any) -> str:
    c, k = figures.combined, figures.corpus
    return _row(
        name,
        f"{c.precision:.3f}",
        f"{c.recall:.3f}",
        f"{c.f1:.3f}",
        f"{k.precision:.3f}",
        f"{k.f1:.3f}",
    )


def retrain(config: Config, *, force: bool = False, only_if_new: bool = False) -> RetrainResult:
    """Fit a candidate on the corpus and the user's labels; promote it only through the gate."""
    data_dir = config.state.data_dir()
    with LabelStore(data_dir) as store:
        labels = list(store)
        counts = store.counts()
    registry = ModelRegistry(data_dir)
    active = registry.load_active()
    needed = config.training.min_labels
    if len(labels) < needed:
        return RetrainResult("too-few-labels", active.version, counts, needed=needed)
    seen = set(active.metadata.get("label_digests") or ())
    if only_if_new and all(label.digest in seen for label in labels):
        return RetrainResult("nothing-new", active.version, counts)
    user, unusable = as_training_mail(labels)
    corpus, failed = load_labeled(corpus_dir())
    if failed:
        raise GraciousError(f"{len(failed)} corpus files do not parse, first: {failed[0][0]}")
    threshold = float(active.metadata.get("threshold", active.threshold))
    version = registry.next_version(datetime.now(UTC).strftime("%Y%m%d%H%M%S"))
    log.info("retraining on the corpus and %d labels (version %s)", len(user), version)
    candidate = train_candidate(corpus, user, threshold=threshold, version=version)
    comparison = compare(candidate, active)
    outcome = "promoted" if comparison.promote else "forced" if force else "kept"
    if outcome != "kept":
        meta = {
            **environment(),
            "kind": "retrained",
            "promotion": "gate" if outcome == "promoted" else "forced",
            "version": version,
            "threshold": threshold,
            "corpus_hash": corpus_hash(corpus_dir()),
            "corpus_counts": candidate.corpus_counts,
            "user_counts": candidate.user_counts,
            "user_weight": USER_WEIGHT,
            "label_digests": sorted(str(m.truth["digest"]) for m in user),
            "held_out": comparison.candidate.as_dict(),
            "compared_with": {
                "version": active.version,
                "held_out": comparison.active.as_dict(),
                "user_labels_judged": comparison.user_judged,
                "refused_because": list(comparison.reasons),
            },
        }
        registry.save(candidate.model, meta, user_model_card(meta))
        registry.activate(version)
    return RetrainResult(
        outcome,
        active.version,
        counts,
        candidate=version,
        comparison=comparison,
        unusable=tuple(unusable),
    )


def user_model_card(meta: dict[str, Any]) -> str:
    """The model card of a retrained model: what it learned from and how it was judged."""
    held, before = meta["held_out"], meta["compared_with"]["held_out"]

    def line(name: str, f: dict[str, Any]) -> str:
        return f"| {name} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} |"

    refused = "".join(
        f"\n- refused by the gate: {r}" for r in meta["compared_with"]["refused_because"]
    )
    return f"""# Model card: gracious rejection classifier, retrained {meta["version"]}

## What it is
The shipped classifier's recipe (word and character n-gram TF-IDF, linear SVM, sigmoid
calibration; see the shipped model card), fitted on the shipped corpus less its held-out slice
({meta["corpus_counts"]}) plus the user's own labels ({meta["user_counts"]}), each of which
counts {meta["user_weight"]:g} times. Threshold {meta["threshold"]}.

## How it was judged
On data it never trained on: the corpus held-out slice, and the user's labels by grouped
cross-validation. Compared with model {meta["compared_with"]["version"]} on the same data
({meta["compared_with"]["user_labels_judged"]} user labels that model had not trained on):

| model | precision | recall | F1 |
|---|---|---|---|
{line("this model", held)}
{line(str(meta["compared_with"]["version"]), before)}

Promotion: {meta["promotion"]} (not worse in precision and F1 on all of it, and at most
{CORPUS_TOLERANCE} worse on the corpus slice alone).{refused}

Created {meta["created"]} with scikit-learn {meta["sklearn_version"]}.
"""


# --- models ------------------------------------------------------------------------------------


def model_rows(config: Config) -> list[dict[str, Any]]:
    """``gracious models`` as rows: version, date, training counts, held-out figures, active."""
    rows = []
    for info in ModelRegistry(config.state.data_dir()).versions():
        rows.append(_model_row(info))
    return rows


def _model_row(info: ModelInfo) -> dict[str, Any]:
    meta = info.metadata
    held = info.held_out
    corpus = meta.get("corpus_counts") or {}
    user = meta.get("user_counts") or {}
    return {
        "version": info.version
        if info.version != SHIPPED
        else f"shipped {meta.get('version', '')}".strip(),
        "created": str(meta.get("created", ""))[:16].replace("T", " "),
        "corpus": sum(int(v) for v in corpus.values()),
        "labels": sum(int(v) for v in user.values()),
        "precision": held.get("precision"),
        "recall": held.get("recall"),
        "f1": held.get("f1"),
        "promotion": meta.get("promotion", "shipped" if info.version == SHIPPED else ""),
        "active": info.active,
        "problem": info.problem,
    }
