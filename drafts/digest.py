"""Render the weekly reflection note: a draft addressed to the user, never to anyone else.

Pure like :mod:`drafts.reply`: a frozen :class:`DigestContext` in, an
:class:`~email.message.EmailMessage` out. Scheduling, the journal and the mailbox live elsewhere.
Company names, positions and notes may come straight from rejection mail, so they are cleaned
and clipped exactly like the values of a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2

# The reply module's helpers are the package's one definition of "safe for a header" and
# "safe for the body"; the digest must not drift from them.
from drafts.reply import LANGUAGES, RenderError, _address, _environment, _safe_msgid, _text

__all__ = ["DigestContext", "DigestItem", "digest_subject", "render_digest"]

# Long enough for any real company or job title, short enough to keep a list line readable.
_LIMITS = {"company": 60, "position": 80, "note": 60, "user_name": 80, "first_name": 40}

# Per language: the subject, then (none, one, many) for rejections and for waiting notes. Whole
# phrases rather than suffixes, because the verb agrees with the count in some languages. Every
# subject is ASCII and at most 69 characters for counts below 100, so "Subject: ..." fits in 78
# and is never folded: Python's folding of long or encoded subjects adds stray spaces.
_SUBJECT: dict[str, tuple[str, tuple[str, str, str], tuple[str, str, str]]] = {
    "en": (
        "Your job search this week: {rejections}, {waiting}",
        ("no rejections", "1 rejection", "{n} rejections"),
        ("no notes waiting", "1 note waiting", "{n} notes waiting"),
    ),
    "de": (
        "Deine Bewerbungswoche: {rejections}, {waiting}",
        ("keine Absagen", "1 Absage", "{n} Absagen"),
        (
            "keine Dankesnachricht wartet",
            "1 Dankesnachricht wartet",
            "{n} Dankesnachrichten warten",
        ),
    ),
    "fr": (
        "Cette semaine : {rejections}, {waiting}",
        ("aucun refus", "1 refus", "{n} refus"),
        (
            "aucun remerciement en attente",
            "1 remerciement en attente",
            "{n} remerciements en attente",
        ),
    ),
    "es": (
        "Esta semana: {rejections}, {waiting}",
        ("sin rechazos", "1 rechazo", "{n} rechazos"),
        (
            "sin agradecimientos pendientes",
            "1 agradecimiento pendiente",
            "{n} agradecimientos pendientes",
        ),
    ),
    "nl": (
        "Je sollicitatieweek: {rejections}, {waiting}",
        ("geen afwijzingen", "1 afwijzing", "{n} afwijzingen"),
        ("geen bedankjes te versturen", "1 bedankje te versturen", "{n} bedankjes te versturen"),
    ),
}

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}


@dataclass(frozen=True)
class DigestItem:
    """One application in the note; ``note`` is the caller's status, already in words."""

    company: str | None
    position: str | None
    interviewed: bool | None
    note: str


@dataclass(frozen=True)
class DigestContext:
    """Everything one weekly note is rendered from."""

    user_name: str
    user_email: str
    week_start: Date
    week_end: Date
    rejections: tuple[DigestItem, ...]
    waiting: tuple[DigestItem, ...]
    answered: tuple[DigestItem, ...]
    language: str
    date: datetime
    message_id: str


def render_digest(context: DigestContext, *, templates_dir: Path | None = None) -> EmailMessage:
    """The weekly note as a message from the user to the user, ready to be saved as a draft."""
    language = context.language if context.language in LANGUAGES else "en"
    user = _address(context.user_name, context.user_email)
    if user is None:
        raise RenderError(f"the user address {context.user_email!r} is not a valid address")
    if _safe_msgid(context.message_id) != context.message_id:
        raise RenderError(f"the digest Message-ID {context.message_id!r} is not a valid <id>")
    body = _render_body(context, language, templates_dir)
    msg = EmailMessage()
    msg["From"] = user
    msg["To"] = user
    msg["Subject"] = digest_subject(len(context.rejections), len(context.waiting), language)
    msg["Date"] = format_datetime(context.date)
    msg["Message-ID"] = context.message_id
    msg["MIME-Version"] = "1.0"
    msg["X-Gracious"] = "weekly-digest"
    msg.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    return msg


def digest_subject(rejections: int, waiting: int, language: str = "en") -> str:
    """``Your job search this week: 3 rejections, 2 notes waiting``, in the user's language."""
    subject, rejected, pending = _SUBJECT.get(language, _SUBJECT["en"])
    return subject.format(rejections=_count(rejections, rejected), waiting=_count(waiting, pending))


def _count(n: int, forms: tuple[str, str, str]) -> str:
    none, one, many = forms
    return none if n <= 0 else one if n == 1 else many.format(n=n)


def _render_body(context: DigestContext, language: str, templates_dir: Path | None) -> str:
    name = f"digest.{language}.txt.j2"
    user_name = _clip(_text(context.user_name), _LIMITS["user_name"])
    values = {
        "user_name": user_name,
        "user_first": _first_name(user_name),
        "week": _week_span(context.week_start, context.week_end, language),
        "week_start": context.week_start,
        "week_end": context.week_end,
        "rejections": [_item(i) for i in context.rejections],
        "waiting": [_item(i) for i in context.waiting],
        "answered": [_item(i) for i in context.answered],
    }
    try:
        text = _environment(templates_dir).get_template(name).render(**values)
    except jinja2.TemplateNotFound as err:
        raise RenderError(f"digest template {name} not found") from err
    except jinja2.TemplateError as err:
        where = getattr(err, "filename", None) or name
        raise RenderError(f"digest template {where} failed: {err}") from err
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _item(item: DigestItem) -> dict[str, Any]:
    """What a template sees of one item: cleaned, clipped, "" for anything unknown."""
    company = _clip(_text(item.company), _LIMITS["company"])
    position = _clip(_text(item.position), _LIMITS["position"])
    return {
        "company": company,
        "position": position,
        "title": " — ".join(part for part in (company, position) if part),
        "interviewed": item.interviewed is True,
        "note": _clip(_text(item.note), _LIMITS["note"]),
    }


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _first_name(name: str) -> str:
    """The name to greet with: "Sam" for "Sam Keller" and for "Keller, Sam"."""
    family, comma, given = name.partition(",")
    words = (given if comma and given.strip() else family).split()
    return _clip(words[0], _LIMITS["first_name"]) if words else ""


def _week_span(start: Date, end: Date, language: str) -> str:
    """The week in words: "3–9 March 2025", "vom 3. bis 9. März 2025", "du 1er au 7 décembre 2025"."""
    months = _MONTHS[language].split()

    def day(d: Date) -> str:
        if language == "de":
            return f"{d.day}."
        return "1er" if language == "fr" and d.day == 1 else str(d.day)

    def full(d: Date, *, year: bool = True) -> str:
        of = " de " if language == "es" else " "
        return f"{day(d)}{of}{months[d.month - 1]}" + (f"{of}{d.year}" if year else "")

    if (start.year, start.month) == (end.year, end.month):
        first = day(start)
    else:
        first = full(start, year=start.year != end.year)
    last = full(end)
    return {
        "en": f"{first}–{last}" if first.isdigit() else f"{first} – {last}",
        "de": f"vom {first} bis {last}",
        "fr": f"du {first} au {last}",
        "es": f"del {first} al {last}",
        "nl": f"van {first} tot en met {last}",
    }[language]
