"""What ``gracious review`` and ``show`` print: what gracious saw and did, and why.

Pure functions over journal records and labels; the CLI fetches them and prints the result.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterable, Mapping
from typing import Any

from detector.state import Record, Status

__all__ = ["outcome", "review_rows", "review_table", "show_text"]

_WIDTHS = (10, 16, 10, 26, 20, 24, 5)
_ABOUT_AN_APPLICATION = (Status.DRAFTED, Status.DRAFT_INTENT, Status.UNCERTAIN)


def outcome(record: Record) -> str:
    """What happened to the message, in words."""
    if record.status == Status.DRAFTED:
        return "draft saved" if _draft_to(record) else "draft saved, no recipient found"
    if record.status == Status.DRAFT_INTENT:
        return "draft pending (saved on the next pass)"
    if record.status == Status.UNCERTAIN:
        return "uncertain: please label it"
    if record.status == Status.NOT_REJECTION:
        return "below threshold"
    if record.status == Status.SKIPPED:
        return f"skipped: {record.reason or 'no reason recorded'}"
    return record.status


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
    return "  ".join([*parts, values[-1]]).rstrip()


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
    lines = [
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
