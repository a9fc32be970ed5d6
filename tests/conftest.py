"""Shared test helpers: raw RFC 5322 messages built byte by byte, clear sample mails, isolation.

Messages are assembled here from bytes, never with the ``email`` package, so a test controls the
exact MIME shape, charset and transfer encoding the parser sees.
"""

from __future__ import annotations

import base64
import quopri
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from detector.classifier import Model
from detector.modelfile import read_model, shipped_dir

CRLF = b"\r\n"
DATE = "Mon, 03 Mar 2025 10:00:00 +0000"

Header = tuple[str, str | bytes]


def text_part(
    content: str | bytes,
    *,
    subtype: str = "plain",
    charset: str = "utf-8",
    cte: str = "7bit",
    encoded: bool = False,
) -> bytes:
    """A text/* entity (its own Content-* headers, a blank line, the body).

    ``content`` is encoded with ``charset`` when it is a str, then with the transfer encoding
    ``cte``; with ``encoded=True`` the bytes are used as they are (for deliberately broken bodies).
    """
    data = content.encode(charset) if isinstance(content, str) else content
    if encoded:
        body = data
    elif cte == "base64":
        body = base64.encodebytes(data).replace(b"\n", CRLF)
    elif cte == "quoted-printable":
        body = quopri.encodestring(data.replace(CRLF, b"\n")).replace(b"\n", CRLF)
    else:
        body = data.replace(CRLF, b"\n").replace(b"\n", CRLF)
    head = [
        f'Content-Type: text/{subtype}; charset="{charset}"'.encode(),
        f"Content-Transfer-Encoding: {cte}".encode(),
    ]
    return CRLF.join(head) + CRLF + CRLF + body


def attachment_part(
    data: bytes, *, content_type: str = "application/pdf", filename: str = "cv.pdf"
) -> bytes:
    """A base64 attachment entity."""
    head = [
        f'Content-Type: {content_type}; name="{filename}"'.encode(),
        b"Content-Transfer-Encoding: base64",
        f'Content-Disposition: attachment; filename="{filename}"'.encode(),
    ]
    return CRLF.join(head) + CRLF + CRLF + base64.encodebytes(data).replace(b"\n", CRLF)


def multipart(
    subtype: str, *parts: bytes, boundary: str = "=_b0undary", close: bool = True
) -> bytes:
    """A multipart/* entity holding ``parts``; ``close=False`` leaves out the final boundary."""
    lines = [
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"'.encode(),
        b"",
        b"This is a multi-part message in MIME format.",
    ]
    for part in parts:
        lines += [f"--{boundary}".encode(), part]
    if close:
        lines.append(f"--{boundary}--".encode())
    return CRLF.join(lines) + CRLF


def make_message(
    entity: bytes,
    *,
    sender: str | bytes | None = "Anna Berg <anna.berg@northwind-labs.com>",
    to: str | bytes | None = "Sam Keller <sam@example.org>",
    subject: str | bytes | None = "Your application",
    date: str | bytes | None = DATE,
    message_id: str | bytes | None = "<m1@northwind-labs.com>",
    extra: Sequence[Header] = (),
) -> bytes:
    """A whole message: the top-level headers (None leaves one out), then ``entity``."""
    headers: list[Header] = [
        (name, value)
        for name, value in (
            ("From", sender),
            ("To", to),
            ("Subject", subject),
            ("Date", date),
            ("Message-ID", message_id),
        )
        if value is not None
    ]
    headers += [*extra, ("MIME-Version", "1.0")]
    block = CRLF.join(
        name.encode() + b": " + (value if isinstance(value, bytes) else value.encode())
        for name, value in headers
    )
    return block + CRLF + entity


def plain(text: str, **headers: Any) -> bytes:
    """The commonest case: a single text/plain UTF-8 body (headers as for :func:`make_message`)."""
    return make_message(text_part(text, cte="8bit"), **headers)


# Clear examples a decent rejection classifier gets right.
REJECTION_TEXT = (
    "Dear Sam,\n\n"
    "Thank you for your interest in the Data Analyst position at Northwind Labs and for the "
    "time you invested in your application.\n\n"
    "After careful consideration, we regret to inform you that we have decided not to move "
    "forward with your application. We have chosen to pursue other candidates whose experience "
    "more closely matches our needs.\n\n"
    "We wish you every success in your job search.\n\n"
    "Best regards,\n"
    "Anna Berg\n"
    "Talent Acquisition, Northwind Labs\n"
)
REJECTION_SUBJECT = "Your application for Data Analyst"
INVITATION_TEXT = (
    "Hi Sam,\n\n"
    "Great news! We would like to invite you to a first interview for the Data Analyst role. "
    "Please pick a slot in the calendar link below; the call takes 45 minutes.\n\n"
    "Looking forward to meeting you,\n"
    "Anna\n"
)
INVITATION_SUBJECT = "Interview invitation: Data Analyst"


def rejection_mail(message_id: str = "<rej-1@northwind-labs.com>") -> bytes:
    """A clear English rejection from a named recruiter at the employer's own domain."""
    return plain(REJECTION_TEXT, subject=REJECTION_SUBJECT, message_id=message_id)


def invitation_mail(message_id: str = "<inv-1@northwind-labs.com>") -> bytes:
    """A clear interview invitation: not a rejection."""
    return plain(INVITATION_TEXT, subject=INVITATION_SUBJECT, message_id=message_id)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config or writes to the user's cache."""
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))


@pytest.fixture(scope="session")
def shipped_model() -> Model:
    """The model shipped in models/ (read directly: a broken one fails here, never rebuilds)."""
    return read_model(shipped_dir())
