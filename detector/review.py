"""What ``gracious review`` and ``show`` print: what gracious saw and did, and why.

Pure functions over journal records and labels; the CLI fetches them and prints the result.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterable, Mapping
from typing import Any

from detector.contacts import RULES
from detector.state import Record, Status

__all__ = ["outcome", "review_rows", "review_table", "show_text"]

_WIDTHS = (10, 16, 10, 26, 20, 24, 5)
_ABOUT_AN_APPLICATION = (*Status.NOTES, Status.DRAFT_INTENT, Status.UNCERTAIN, Status.ANSWER)


def outcome(record: Record) -> str:
    """What happened to the message, in words."""
    text = _status(record)
    if record.answered:
        who = record.facts.get("company") or "they"
        text += f"; {who} answered your note"
    return text


NOBODY = "no recipient found: fill in To before sending"


def _status(record: Record) -> str:
    notes = {
        Status.SENT: "note sent",
        Status.SENT_EDITED: "note sent after your edits",
        Status.DELETED: "draft deleted without sending",
        Status.DRAFT_INTENT: "draft pending (saved on the next pass)",
        Status.UNCERTAIN: "uncertain: please label it",
        Status.NOT_REJECTION: "below threshold",
        Status.ANSWER: record.reason or "an answer to your note",
    }
    if record.status == Status.DRAFTED:
        if not _draft_to(record):
            return f"draft saved, {NOBODY}"
        rule = record.recipient_rule
        if rule in ("thread", "application", "company", "role"):
            name = record.facts.get("contact_name") or _draft_to(record)
            return f"draft saved, to {name} ({RULES[rule]})"
        return "draft saved"
    if record.status == Status.SKIPPED:
        return f"skipped: {record.reason or 'no reason recorded'}"
    return notes.get(record.status, record.status)


def _draft_to(record: Record) -> str:
    if not record.draft:
        return ""
    headers = email.message_from_bytes(record.draft, policy=email.policy.default)
    return str(headers.get("To") or "")


def review_rows(
    records: Iterable[Record], labels: Mapping[str, bool], *, uncertain: bool = False
) -> list[dict[str, Any]]:
    """One plain row per record; with ``uncertain``, only those asking for a label."""
    rows = []
    for record in records:
        label = labels.get(record.key)
        # Facts are extracted from every message, but only mean something for a rejection.
        facts = record.facts if record.status in _ABOUT_AN_APPLICATION else {}
        if uncertain and (record.status != Status.UNCERTAIN or label is not None):
            continue
        rows.append(
            {
                "ref": record.ref,
                "key": record.key,
                "when": record.when,
                "account": record.account,
                "folder": record.folder,
                "sender": record.sender,
                "subject": record.subject,
                "company": facts.get("company"),
                "position": facts.get("position"),
                "probability": record.probability,
                "model_version": record.model_version,
                "status": record.status,
                "outcome": outcome(record),
                "label": None if label is None else "rejection" if label else "not-rejection",
            }
        )
    return rows


def review_table(rows: list[dict[str, Any]]) -> str:
    """The rows as a table a person reads, newest first."""
    head = ("REF", "WHEN", "ACCOUNT", "SENDER", "COMPANY", "POSITION", "P", "WHAT HAPPENED")
    lines = [_cells(head)]
    for row in rows:
        happened = row["outcome"]
        if row["label"]:
            happened += f"; labeled {row['label']}"
        p = row["probability"]
        lines.append(
            _cells(
                (
                    row["ref"],
                    _when(row["when"]),
                    row["account"],
                    row["sender"] or "",
                    row["company"] or "",
                    row["position"] or "",
                    "" if p is None else f"{p:.2f}",
                    happened,
                )
            )
        )
    return "\n".join(lines)


def _cells(values: tuple[str, ...]) -> str:
    parts = [_fit(v, w) for v, w in zip(values, _WIDTHS, strict=False)]
    return "  ".join([*parts, " ".join(values[-1].split())]).rstrip()


def _fit(value: str, width: int) -> str:
    value = " ".join(str(value).split())  # no newlines or tabs from hostile headers
    return value.ljust(width) if len(value) <= width else value[: width - 1] + "…"


def _when(stamp: str) -> str:
    return stamp.replace("T", " ")[:16]


def show_text(
    record: Record,
    *,
    label: bool | None,
    why: list[str],
    draft: str | None,
) -> str:
    """``gracious show``: the record, the facts, why it was classified so, and the draft."""
    p = "?" if record.probability is None else f"{record.probability:.2f}"
    verdict = {True: "rejection", False: "not a rejection", None: "not classified"}[record.verdict]
    lines = []
    if record.status in Status.NOTES and record.draft and not _draft_to(record):
        lines.append(f"NOTE: {NOBODY}; nobody who wrote about this application is known.")
    lines += [
        f"Message {record.key} (ref {record.ref})",
        f"  from:     {record.sender or '?'}",
        f"  subject:  {' '.join((record.subject or '').split())}",
        f"  date:     {_when(record.when)}",
        f"  seen in:  {record.account}/{record.folder} ({record.source_id})",
        f"  verdict:  {verdict}, p={p} (model {record.model_version or '?'})",
        f"  outcome:  {outcome(record)}",
        "  label:    " + ("none" if label is None else "rejection" if label else "not a rejection"),
    ]
    if record.facts:
        lines.append("Facts")
        lines += [f"  {name + ':':<14}{value!r}" for name, value in record.facts.items()]
    lines.append("Why")
    lines += why
    if draft:
        lines += ["Draft", draft]
    return "\n".join(lines)
