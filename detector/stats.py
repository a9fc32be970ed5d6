"""``gracious stats``: the bigger picture of a job search, from the journal alone.

Pure functions over journal records: rejections per week and month, at which stage (before or
after an interview), the days from the application's acknowledgement to its rejection where
both mails are known, and what became of the notes.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from detector.contacts import org_domain
from detector.employer import company_key
from detector.message import Address
from detector.relay import is_relay
from detector.stage import Stage
from detector.state import Record, Status
from detector.state import moment as parse_moment

__all__ = ["format_stats", "search_stats"]


def _moment(record: Record) -> datetime | None:
    return parse_moment(record.when)


def _employer(record: Record) -> set[str]:
    """What identifies the employer: its name as a key, and the sender's organisation domain."""
    found = set()
    company = record.facts.get("company")
    if isinstance(company, str) and company:
        found.add("name:" + company_key(company))
    if record.sender and not is_relay(Address("", record.sender)):
        domain = org_domain(record.sender)
        if domain:
            found.add("domain:" + domain)
    return found


def search_stats(records: Iterable[Record]) -> dict[str, Any]:
    """The figures ``gracious stats`` prints, as plain data (also its ``--json``)."""
    records = list(records)
    rejections = [r for r in records if r.verdict and r.status != Status.ANSWER]
    dated = [(r, _moment(r)) for r in rejections]
    weeks: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for _, moment in dated:
        if moment is None:
            continue
        year, week, _ = moment.astimezone(UTC).isocalendar()
        weeks[f"{year}-W{week:02}"] += 1
        months[moment.astimezone(UTC).strftime("%Y-%m")] += 1
    after = sum(1 for r in rejections if r.facts.get("interviewed") is True)
    days = _days_to_rejection(records, dated)
    notes = [r for r in records if r.status in Status.NOTES]
    return {
        "rejections": len(rejections),
        "by_week": dict(sorted(weeks.items())),
        "by_month": dict(sorted(months.items())),
        "stage": {"after_interview": after, "before_interview": len(rejections) - after},
        "days_to_rejection": _summary(days),
        "notes": {
            "saved": len(notes),
            "waiting": sum(1 for r in notes if r.status == Status.DRAFTED),
            "sent": sum(1 for r in notes if r.status in (Status.SENT, Status.SENT_EDITED)),
            "sent_after_edits": sum(1 for r in notes if r.status == Status.SENT_EDITED),
            "deleted": sum(1 for r in notes if r.status == Status.DELETED),
            "answered": sum(1 for r in notes if r.answered),
        },
    }


def _days_to_rejection(
    records: Sequence[Record], dated: Sequence[tuple[Record, datetime | None]]
) -> list[float]:
    """Days from the earliest acknowledgement by the same employer to each rejection."""
    acks = [(a, _moment(a)) for a in records if a.stage == Stage.ACKNOWLEDGEMENT]
    days = []
    for rejection, moment in dated:
        if moment is None:
            continue
        employer = _employer(rejection)
        earlier = [m for a, m in acks if m is not None and m <= moment and employer & _employer(a)]
        if earlier:
            days.append((moment - min(earlier)).total_seconds() / 86400)
    return days


def _summary(days: Sequence[float]) -> dict[str, Any]:
    if not days:
        return {"known": 0, "median": None, "shortest": None, "longest": None}
    return {
        "known": len(days),
        "median": round(statistics.median(days), 1),
        "shortest": round(min(days), 1),
        "longest": round(max(days), 1),
    }


def format_stats(stats: dict[str, Any]) -> str:
    """The figures as a person reads them."""
    lines = [f"Rejections: {stats['rejections']}"]
    stage = stats["stage"]
    lines.append(
        f"  after an interview: {stage['after_interview']}, before one: {stage['before_interview']}"
    )
    if stats["by_month"]:
        lines.append("By month")
        lines += [f"  {month}  {n:>4}  {'#' * n}" for month, n in stats["by_month"].items()]
    if stats["by_week"]:
        lines.append("By week")
        lines += [f"  {week}  {n:>4}  {'#' * n}" for week, n in stats["by_week"].items()]
    days = stats["days_to_rejection"]
    if days["known"]:
        lines.append(
            f"From application received to rejection ({days['known']} known): median "
            f"{days['median']} days, shortest {days['shortest']}, longest {days['longest']}"
        )
    else:
        lines.append("From application received to rejection: no pair of mails known yet")
    notes = stats["notes"]
    lines.append(
        f"Notes: {notes['saved']} saved, {notes['sent']} sent "
        f"({notes['sent_after_edits']} after edits), {notes['waiting']} waiting, "
        f"{notes['deleted']} deleted, {notes['answered']} answered"
    )
    return "\n".join(lines)
