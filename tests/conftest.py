"""Shared test helpers: raw RFC 5322 messages built byte by byte, clear sample mails, isolation.

Messages are assembled here from bytes, never with the ``email`` package, so a test controls the
exact MIME shape, charset and transfer encoding the parser sees.

The mailbox tests also find here a real Dovecot per session (tests/dovecot.py) with a fresh user
per test, and helpers to run a pass and read the journal it kept.
"""

from __future__ import annotations

import base64
import contextlib
import quopri
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from dovecot import (
    GMAIL_FOLDERS,
    IDENTITY_EMAIL,
    STANDARD_FOLDERS,
    Dovecot,
    DovecotError,
    ImapUser,
    start_dovecot,
)

from detector.classifier import Model
from detector.config import load_config
from detector.modelfile import read_model, shipped_dir
from detector.runner import PassOptions, Summary
from detector.service import run_once
from detector.state import Journal
from drafts import reply_message_id

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


def mixed_mail(count: int, *, every: int = 3, tag: str = "m") -> list[tuple[bytes, str, bool]]:
    """``count`` distinct mails, every ``every``-th a rejection: ``(raw, Message-ID, rejection)``."""
    mails = []
    for i in range(count):
        rejection = i % every == 0
        message_id = f"<{tag}-{i}-{'rej' if rejection else 'inv'}@northwind-labs.com>"
        raw = rejection_mail(message_id) if rejection else invitation_mail(message_id)
        mails.append((raw, message_id, rejection))
    return mails


def draft_id(message_id: str) -> str:
    """The Message-ID of gracious's draft replying to ``message_id`` (see tests/dovecot.py)."""
    return reply_message_id(message_id, IDENTITY_EMAIL)


def drafts_for(*message_ids: str) -> Counter[str]:
    """What ``dovecot.draft_ids`` finds when each of ``message_ids`` got exactly one draft."""
    return Counter(draft_id(m) for m in message_ids)


@contextlib.contextmanager
def open_journal(directory: Path) -> Iterator[Journal]:
    """The journal of a config written by ``dovecot.write_config(directory, ...)``, read-only."""
    journal = Journal(directory / "state.sqlite3", readonly=True)
    try:
        yield journal
    finally:
        journal.close()


def run_pass(config: Path, model: Model, **options: Any) -> Summary:
    """One pass in this process, as ``gracious run --once`` makes it."""
    return run_once(load_config(config), PassOptions(**options), model=model)


GRACIOUS = str(Path(sys.executable).parent / "gracious")  # the installed command


def gracious(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed ``gracious`` command as a user runs it."""
    command = [GRACIOUS, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config or writes to the user's cache."""
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))


@pytest.fixture(scope="session")
def shipped_model() -> Model:
    """The model shipped in models/ (read directly: a broken one fails here, never rebuilds)."""
    return read_model(shipped_dir())


# --- a real IMAP server (tests/dovecot.py) ------------------------------------------------------


def _serve(folders: Sequence[tuple[str, str]]) -> Iterator[Dovecot]:
    """A running Dovecot for the session; a missing or broken one fails the tests, never skips."""
    try:
        server = start_dovecot(folders)
    except DovecotError as err:
        pytest.fail(str(err), pytrace=False)
    try:
        yield server
    finally:
        problems = server.problems()
        server.stop()
    if problems:
        pytest.fail("Dovecot logged problems during the session:\n" + "\n".join(problems))


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot with Drafts, Sent and Trash at the top, flagged by SPECIAL-USE."""
    yield from _serve(STANDARD_FOLDERS)


@pytest.fixture(scope="session")
def gmail_dovecot() -> Iterator[Dovecot]:
    """Dovecot laid out like Gmail: [Gmail]/Drafts, [Gmail]/Sent Mail, ... and no Drafts."""
    yield from _serve(GMAIL_FOLDERS)


def _users(server: Dovecot) -> Iterator[Callable[[], ImapUser]]:
    """Fresh users; the test fails if Dovecot logged an error while it ran."""
    start = server.log_size()
    yield server.add_user
    problems = server.unexpected_problems(start)
    if problems:
        pytest.fail("Dovecot logged problems during this test:\n" + "\n".join(problems))


@pytest.fixture
def imap_users(dovecot: Dovecot) -> Iterator[Callable[[], ImapUser]]:
    """Makes users with empty mailboxes on the standard server, as many as a test needs."""
    yield from _users(dovecot)


@pytest.fixture
def imap_user(imap_users: Callable[[], ImapUser]) -> ImapUser:
    """A user of its own for this test, with an empty mailbox."""
    return imap_users()


@pytest.fixture
def gmail_user(gmail_dovecot: Dovecot) -> Iterator[ImapUser]:
    """A user of its own on the Gmail-like server."""
    for make in _users(gmail_dovecot):
        yield make()
