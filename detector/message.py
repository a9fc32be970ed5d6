"""Raw RFC 5322 bytes to a frozen :class:`Message`, the one shape the rest of gracious reads.

Headers are read with the standard library from the raw header block (decoded as UTF-8, else
cp1252, so 8-bit names are not silently dropped); bodies come from mail-parser. Every failure
becomes a :class:`MessageError` naming the problem, never another exception.
"""

from __future__ import annotations

import email.errors
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import mailparser
from mailparser.exceptions import MailParserError

from detector.body import html_to_text, repair_c1, split_body
from detector.errors import MessageError

__all__ = ["Address", "Message", "parse"]

# mail-parser logs dozens of lines per message at DEBUG and loses ~40% throughput doing it.
logging.getLogger("mailparser").setLevel(logging.WARNING)

MAX_BYTES = 25 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Address:
    """A mailbox: display name (may be empty) and address (lower-cased domain)."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Message:
    """What gracious knows of one mail; every string is decoded text, free of control characters."""

    key: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    date: datetime | None
    body: str
    text: str
    signature: str
    quoted: str
    automated: bool


def parse(raw: bytes) -> Message:
    """Parse raw message bytes; raise :class:`MessageError` when they are not a usable mail."""
    if not isinstance(raw, bytes | bytearray):
        raise MessageError(f"expected bytes, got {type(raw).__name__}")
    if not raw.strip():
        raise MessageError("empty message")
    if len(raw) > MAX_BYTES:
        raise MessageError(f"message too large ({len(raw)} bytes, limit {MAX_BYTES})")
    headers = _parse_headers(bytes(raw))
    if not any(headers.get(h) for h in ("from", "subject", "message-id", "date", "to")):
        raise MessageError("no mail headers found (no From, To, Subject, Date or Message-ID)")
    try:
        parsed = mailparser.parse_from_bytes(bytes(raw))
        plain = [repair_c1(t) for t in parsed.text_plain]
        html = [repair_c1(t) for t in parsed.text_html]
    except MailParserError as err:
        raise MessageError(f"malformed MIME structure: {err}") from err
    except (LookupError, ValueError, TypeError, AttributeError, IndexError, KeyError) as err:
        raise MessageError(f"malformed MIME structure ({type(err).__name__}: {err})") from err
    body = "\n\n".join(t.strip() for t in plain if t.strip())
    if not body:
        body = "\n\n".join(html_to_text(h) for h in html)
    body = _clean_text(body)
    parts = split_body(body)
    message_id = _first_msgid(headers.get("message-id", ""))
    return Message(
        key=message_id or "sha256:" + hashlib.sha256(bytes(raw)).hexdigest(),
        message_id=message_id,
        in_reply_to=_first_msgid(headers.get("in-reply-to", "")),
        references=tuple(_MSGID.findall(headers.get("references", ""))),
        subject=_one_line(_decode(headers.get("subject", ""))),
        sender=next(iter(_addresses(headers.get("from", ""))), None),
        reply_to=_addresses(headers.get("reply-to", "")),
        to=_addresses(headers.get("to", "")),
        date=_date(headers.get("date", "")),
        body=body,
        text=parts.new,
        signature=parts.signature,
        quoted=parts.quoted,
        automated=_is_automated(headers),
    )


_WANTED = (
    "from",
    "to",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "auto-submitted",
    "precedence",
    "list-unsubscribe",
)


def _parse_headers(raw: bytes) -> dict[str, str]:
    """The header values gracious reads, by lower-case name (first occurrence wins).

    Values stay RFC 2047-encoded here; :func:`_decode` turns words into text where needed. Only
    these few headers are read, which keeps parsing cheap.
    """
    end = re.search(rb"\r?\n\r?\n", raw)
    block = raw[: end.start()] if end else raw
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        text = block.decode("cp1252", errors="replace")
    try:
        msg = HeaderParser(policy=compat32).parsestr(text + "\n\n", headersonly=True)
    except (HeaderParseError, ValueError, TypeError, IndexError) as err:
        raise MessageError(f"unreadable header block: {err}") from err
    out: dict[str, str] = {}
    for name in _WANTED:
        value = msg.get(name)
        if value is not None:
            out[name] = repair_c1(str(value))
    return out


def _decode(value: str) -> str:
    """RFC 2047 encoded words to text; malformed words are kept as they are."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (email.errors.MessageError, LookupError, UnicodeError, ValueError, TypeError):
        return value


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text.replace("\t", " ")).strip()


def _one_line(value: str) -> str:
    """A header value as one line: folding, CR/LF and control characters removed."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _first_msgid(value: str) -> str | None:
    found = _MSGID.search(value)
    return found.group(0) if found else None


def _addresses(value: str) -> tuple[Address, ...]:
    if not value.strip():
        return ()
    out = []
    for name, addr in getaddresses([value]):
        addr = _one_line(addr).strip("<> ")
        if "@" not in addr:
            continue
        local, _, domain = addr.rpartition("@")
        name = _one_line(_decode(name)).strip("'\" ")
        out.append(Address(name=name, email=f"{local}@{domain.lower()}"))
    if not out:
        name, addr = parseaddr(value)
        if "@" in addr:
            out.append(Address(name=_one_line(_decode(name)), email=_one_line(addr)))
    return tuple(out)


def _date(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _is_automated(headers: dict[str, str]) -> bool:
    """Mail that a system sent (RFC 3834 Auto-Submitted, bulk precedence, list headers)."""
    auto = headers.get("auto-submitted", "no").strip().lower()
    return (
        (auto not in ("", "no"))
        or headers.get("precedence", "").strip().lower() in ("bulk", "list", "junk")
        or "list-unsubscribe" in headers
    )
