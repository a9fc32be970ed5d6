"""Render a gracious reply to a rejection as a threaded RFC 5322 message.

Knows nothing of classifiers or mailboxes: it takes a frozen :class:`ReplyContext` and returns an
:class:`~email.message.EmailMessage`. Every value that came from the mail is untrusted: control
characters never reach a header, markup never reaches the body.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from importlib import resources
from pathlib import Path

import jinja2

__all__ = [
    "LANGUAGES",
    "RenderError",
    "ReplyContext",
    "as_bytes",
    "render_reply",
    "reply_message_id",
    "reply_subject",
]

LANGUAGES = ("en", "de", "fr", "es", "nl")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TAG = re.compile(r"<[^<>]{0,500}>")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|aw|sv|antw|rv|r|ref|réf|wg|fw|fwd|tr|vs)\s*(\[\d+\])?\s*:\s*)+", re.I
)
_FALLBACK_SUBJECT = {
    "en": "Thank you",
    "de": "Vielen Dank",
    "fr": "Merci",
    "es": "Gracias",
    "nl": "Bedankt",
}


class RenderError(Exception):
    """A template is missing or broken; the message names the template and the problem."""


@dataclass(frozen=True)
class ReplyContext:
    """Everything a reply is rendered from; strings may come straight from untrusted mail."""

    sender_name: str
    sender_email: str
    to: str | None
    original_subject: str
    original_key: str
    original_message_id: str | None = None
    original_references: tuple[str, ...] = ()
    company: str | None = None
    position: str | None = None
    contact_name: str | None = None
    interviewed: bool | None = None
    language: str = "en"
    tone: str = "warm"
    signature: str = ""
    date: datetime = field(default_factory=lambda: datetime.now(UTC))


def render_reply(context: ReplyContext, *, templates_dir: Path | None = None) -> EmailMessage:
    """The reply as a message ready to be saved as a draft (never sent by gracious)."""
    language = context.language if context.language in LANGUAGES else "en"
    body = _render_body(context, language, templates_dir)
    msg = EmailMessage()
    sender = _address(context.sender_name, context.sender_email)
    if sender is None:
        raise RenderError(f"the sender address {context.sender_email!r} is not a valid address")
    msg["From"] = sender
    to = _address("", context.to) if context.to else None
    if to:
        msg["To"] = to
    msg["Subject"] = reply_subject(context.original_subject, language)
    msg["Date"] = format_datetime(context.date)
    msg["Message-ID"] = reply_message_id(context.original_key, context.sender_email)
    parent = _safe_msgid(context.original_message_id)
    if parent:
        refs = [r for r in (_safe_msgid(r) for r in context.original_references) if r]
        msg["In-Reply-To"] = parent
        msg["References"] = " ".join([*[r for r in refs if r != parent], parent])
    msg["MIME-Version"] = "1.0"
    msg["X-Gracious"] = "draft; review before sending"
    msg.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    return msg


def reply_subject(subject: str, language: str = "en") -> str:
    """``Re: <subject>`` without doubling an existing reply prefix (Re:, AW:, SV: ...)."""
    clean = _REPLY_PREFIX.sub("", _header_text(subject)).strip()
    return f"Re: {clean or _FALLBACK_SUBJECT.get(language, 'Thank you')}"


def reply_message_id(original_key: str, sender_email: str) -> str:
    """A Message-ID derived only from the original, so the same rejection always maps to one draft.

    The hash part is the stable key a mailbox can be searched for; the domain is the user's so
    the header looks like any other message of theirs.
    """
    digest = hashlib.sha256(original_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    domain = _header_text(sender_email).rpartition("@")[2].strip("<>[] ").lower()
    if not re.fullmatch(r"[a-z0-9.-]+", domain or ""):
        domain = "gracious.invalid"
    return f"<gracious.{digest}@{domain}>"


def _render_body(context: ReplyContext, language: str, templates_dir: Path | None) -> str:
    env = _environment(templates_dir)
    name = f"reply.{language}.txt.j2"
    contact = _text(context.contact_name)
    values = {
        "company": _text(context.company),
        "position": _text(context.position),
        "contact_name": contact,
        "contact_first": contact.split()[0] if contact else "",
        "interviewed": context.interviewed is True,
        "tone": context.tone,
        "sender_name": _text(context.sender_name),
        "signature": _text(context.signature, multiline=True),
    }
    try:
        text = env.get_template(name).render(**values)
    except jinja2.TemplateNotFound as err:
        raise RenderError(f"reply template {name} not found") from err
    except jinja2.TemplateError as err:
        where = getattr(err, "filename", None) or name
        raise RenderError(f"reply template {where} failed: {err}") from err
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@functools.lru_cache(maxsize=8)
def _environment(templates_dir: Path | None) -> jinja2.Environment:
    """One environment per templates folder: it caches compiled templates (and reloads a
    template file that changed on disk, so the daemon picks up edits)."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("drafts") / "templates")))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - plain-text mail; values are stripped of markup instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _header_text(value: str | None) -> str:
    """One line, no control characters: nothing a header could be split or extended with."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


def _text(value: str | None, *, multiline: bool = False) -> str:
    """Untrusted text for the body: tags and angle brackets removed, control characters gone."""
    if not value:
        return ""
    value = _TAG.sub("", value).replace("<", "").replace(">", "")
    if multiline:
        lines = [_header_text(line) for line in value.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip()
    return _header_text(value)


def _address(name: str, email: str | None) -> Address | None:
    email = _header_text(email)
    if not email or " " in email or "," in email or email.count("@") != 1:
        return None
    try:
        return Address(display_name=_header_text(name), addr_spec=email)
    except (ValueError, IndexError, HeaderParseError):
        return None


def _safe_msgid(value: str | None) -> str | None:
    value = _header_text(value)
    return value if re.fullmatch(r"<[^<>\s]{1,900}>", value) else None


def as_bytes(message: EmailMessage) -> bytes:
    """The message with CRLF line endings, as IMAP APPEND and Maildir files expect."""
    return message.as_bytes(policy=SMTP)
