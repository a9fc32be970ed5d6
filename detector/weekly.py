"""The weekly reflection note: once per week, a draft to the user about the week's search.

On the first pass of a new ISO week, gracious sums up the week that ended (its rejections, the
notes still waiting, the answers) and saves it as a draft addressed to the user, never sent. It
follows the same protocol as a reply: recorded with its bytes before it is appended, confirmed
after, and looked for in Drafts first, so a crash or a second daemon never makes two.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from detector.config import Config
from detector.errors import DraftError
from detector.mailbox import Mailbox
from detector.state import Journal, Record, Status, moment
from drafts import DigestContext, DigestItem, RenderError, as_bytes, render_digest

__all__ = [
    "digest_message_id",
    "iso_week",
    "last_week",
    "render_weekly_note",
    "save_weekly_note",
    "weekly_context",
]

log = logging.getLogger(__name__)

# What became of each note, in the note's language; keys are journal statuses and "answered".
_NOTE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        Status.DRAFTED: "waiting in Drafts",
        Status.SENT: "sent",
        Status.SENT_EDITED: "sent after edits",
        Status.DELETED: "deleted",
        Status.DRAFT_INTENT: "being saved",
        "answered": "answered",
        "none": "no note",
    },
    "de": {
        Status.DRAFTED: "wartet in den Entwürfen",
        Status.SENT: "gesendet",
        Status.SENT_EDITED: "bearbeitet und gesendet",
        Status.DELETED: "gelöscht",
        Status.DRAFT_INTENT: "wird gespeichert",
        "answered": "beantwortet",
        "none": "keine Nachricht",
    },
    "fr": {
        Status.DRAFTED: "en attente dans les brouillons",
        Status.SENT: "envoyé",
        Status.SENT_EDITED: "envoyé après modification",
        Status.DELETED: "supprimé",
        Status.DRAFT_INTENT: "en cours d'enregistrement",
        "answered": "a reçu une réponse",
        "none": "pas de message",
    },
    "es": {
        Status.DRAFTED: "esperando en Borradores",
        Status.SENT: "enviado",
        Status.SENT_EDITED: "enviado tras editarlo",
        Status.DELETED: "eliminado",
        Status.DRAFT_INTENT: "guardándose",
        "answered": "respondido",
        "none": "sin mensaje",
    },
    "nl": {
        Status.DRAFTED: "wacht in Concepten",
        Status.SENT: "verzonden",
        Status.SENT_EDITED: "verzonden na bewerking",
        Status.DELETED: "verwijderd",
        Status.DRAFT_INTENT: "wordt opgeslagen",
        "answered": "beantwoord",
        "none": "geen bericht",
    },
}


def last_week(today: date) -> tuple[str, date, date]:
    """The ISO week that ended before ``today``'s week: its name, Monday and Sunday."""
    monday = today - timedelta(days=today.weekday()) - timedelta(days=7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02}", monday, monday + timedelta(days=6)


def iso_week(name: str) -> tuple[str, date, date]:
    """``2026-W47`` as its name, Monday and Sunday; ValueError for anything else."""
    year, _, week = name.upper().partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return f"{int(year)}-W{int(week):02}", monday, monday + timedelta(days=6)


def digest_message_id(config: Config, week: str) -> str:
    """The same Message-ID for the same user and week, so a retry finds the draft it saved."""
    digest = hashlib.sha256(f"digest\0{config.identity.email}\0{week}".encode()).hexdigest()
    domain = config.identity.email.rpartition("@")[2] or "gracious.invalid"
    return f"<gracious.{digest[:32]}@{domain}>"


def _day(record: Record) -> date | None:
    when = moment(record.when)
    return when.date() if when else None


def _item(record: Record, language: str) -> DigestItem:
    words = _NOTE_WORDS.get(language, _NOTE_WORDS["en"])
    note = words["answered"] if record.answered else words.get(record.status, words["none"])
    return DigestItem(
        company=record.facts.get("company"),
        position=record.facts.get("position"),
        interviewed=record.facts.get("interviewed"),
        note=note,
    )


def weekly_context(
    config: Config, records: Sequence[Record], *, week: tuple[str, date, date], now: datetime
) -> DigestContext | None:
    """What the week's note says; None when the week had nothing to tell."""
    name, start, end = week

    def within(day: date | None) -> bool:
        return day is not None and start <= day <= end

    rejections = [r for r in records if r.verdict and r.status != Status.ANSWER and within(_day(r))]
    # Notes still waiting, for rejections that had arrived by the week's end.
    waiting = [r for r in records if r.status == Status.DRAFTED and (_day(r) or _created(r)) <= end]
    answered = [r for r in records if r.answered and within(_answer_day(r))]
    if not (rejections or waiting or answered):
        return None
    return DigestContext(
        user_name=config.identity.name,
        user_email=config.identity.email,
        week_start=start,
        week_end=end,
        rejections=tuple(_item(r, config.digest.language) for r in rejections),
        waiting=tuple(_item(r, config.digest.language) for r in waiting),
        answered=tuple(_item(r, config.digest.language) for r in answered),
        language=config.digest.language,
        date=now,
        message_id=digest_message_id(config, name),
    )


def _created(record: Record) -> date:
    return date.fromisoformat(record.created[:10])


def render_weekly_note(config: Config, context: DigestContext) -> bytes:
    """The note's bytes; a broken user template is one clear :class:`DraftError`."""
    try:
        return as_bytes(render_digest(context, templates_dir=config.drafts.templates_dir))
    except RenderError as err:
        raise DraftError(f"the weekly note: {err}") from err


def _answer_day(record: Record) -> date | None:
    when = moment(record.answered)
    return when.date() if when else None


def save_weekly_note(
    config: Config, journal: Journal, mailbox: Mailbox, *, now: datetime
) -> str | None:
    """Save last week's note into ``mailbox``'s Drafts once; return the week when saved now."""
    period = last_week(now.date())
    week = period[0]
    existing = journal.digest(week)
    if existing is None:
        context = weekly_context(config, journal.records(), week=period, now=now)
        if context is None:
            return None
        raw = render_weekly_note(config, context)
        journal.record_digest(week, mailbox.account, context.message_id, raw)
        existing = journal.digest(week)
        assert existing is not None  # noqa: S101 - just recorded
    account, message_id, raw, status = existing
    if status != Status.DRAFT_INTENT or account != mailbox.account:
        return None
    if not mailbox.has_draft(message_id):
        mailbox.append_draft(raw)
        log.info("saved the weekly note for %s", week)
    journal.set_digest_status(week, Status.DRAFTED)
    return week
