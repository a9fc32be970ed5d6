"""The one small interface both mailbox backends (IMAP and Maildir) implement.

gracious only ever reads watched folders (read-only, without changing a flag) and adds drafts;
the interface has no way to do anything else, which is how the promise is kept by design.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from detector.errors import GraciousError

__all__ = [
    "DRAFTS_NAMES",
    "SENT_NAMES",
    "Mailbox",
    "MailboxError",
    "Pending",
    "RawMail",
    "Scan",
    "chunks",
    "draft_token",
    "tokens_in",
]

# Where mail clients keep drafts when the server does not say (RFC 6154 SPECIAL-USE), by locale.
DRAFTS_NAMES = (
    "Drafts",
    "[Gmail]/Drafts",
    "[Google Mail]/Drafts",
    "INBOX.Drafts",
    "INBOX/Drafts",
    "Draft",
    "Entwürfe",
    "INBOX.Entwürfe",
    "Brouillons",
    "INBOX.Brouillons",
    "Borradores",
    "INBOX.Borradores",
    "Concepten",
    "INBOX.Concepten",
    "Bozze",
    "Rascunhos",
)


# Where mail clients keep sent mail when the server does not flag it \Sent, by locale.
SENT_NAMES = (
    "Sent",
    "[Gmail]/Sent Mail",
    "[Google Mail]/Sent Mail",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "INBOX.Sent",
    "INBOX/Sent",
    "Gesendet",
    "Gesendete Elemente",
    "Gesendete Objekte",
    "Envoyés",
    "Éléments envoyés",
    "Enviados",
    "Elementos enviados",
    "Verzonden",
    "Verzonden items",
    "Posta inviata",
    "Inviati",
    "Itens enviados",
)

T = TypeVar("T")


class MailboxError(GraciousError):
    """A mailbox could not be reached, logged into or read; the text says which and why."""


@dataclass(frozen=True)
class Pending:
    """A message waiting in a watched folder: its stable id there and its size."""

    source_id: str
    uid: int
    size: int


@dataclass(frozen=True)
class Scan:
    """What a folder holds that gracious has not looked at yet.

    ``uidvalidity`` is 0 for Maildir, whose ids never change meaning.
    """

    folder: str
    uidvalidity: int
    pending: tuple[Pending, ...]


@dataclass(frozen=True)
class RawMail:
    """One message's bytes as the mailbox holds them."""

    folder: str
    source_id: str
    uid: int
    raw: bytes


class Mailbox(Protocol):
    """Read new mail, look for a draft, add a draft. Nothing else, on purpose."""

    account: str

    def open(self) -> None:
        """Connect and log in (IMAP) or check the folders exist (Maildir)."""

    def close(self) -> None:
        """Log out; never raises."""

    def scan(
        self, folder: str, *, uidvalidity: int | None, after_uid: int, since: date | None
    ) -> Scan:
        """Messages in ``folder`` newer than the cursor (or, without one, since ``since``)."""

    def fetch(self, folder: str, pending: Sequence[Pending]) -> Iterator[RawMail]:
        """The bytes of ``pending``, read without marking anything seen."""

    def has_folder(self, folder: str) -> bool:
        """Whether ``folder`` exists (training folders are optional in each account)."""

    def has_draft(self, message_id: str) -> bool:
        """Whether the Drafts folder already holds a message with this Message-ID."""

    def append_draft(self, raw: bytes) -> str:
        """Save ``raw`` as a draft (flagged draft and seen); return the folder it went to."""

    def draft_tokens(self) -> set[str]:
        """The :func:`draft_token` of every gracious draft still in Drafts (read-only)."""

    def drafts_state(self) -> str:
        """A cheap fingerprint of the Drafts folder: equal fingerprints, same messages in it."""

    def sent_folder(self) -> str | None:
        """The folder of sent mail (read-only, to see which drafts were sent), if there is one."""

    def supports_idle(self) -> bool:
        """Whether the server can push new mail (IMAP IDLE)."""


_TOKEN = re.compile(r"gracious\.[0-9a-f]{16,64}")
_TOKEN_BYTES = re.compile(rb"gracious\.[0-9a-f]{16,64}")


def tokens_in(head: bytes) -> set[str]:
    """Every draft token in a block of header bytes."""
    return {t.decode("ascii") for t in _TOKEN_BYTES.findall(head)}


def draft_token(message_id: str) -> str:
    """The stable part of a draft's Message-ID, to search for: substring search is universal."""
    found = _TOKEN.search(message_id)
    return found.group(0) if found else message_id.strip("<>")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
