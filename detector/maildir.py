"""The Maildir backend (stdlib ``mailbox``), for mail synced locally by mbsync or offlineimap.

Watched folders are only read: files in ``new/`` and ``cur/`` are never renamed, re-flagged or
touched, so the sync tool sees exactly what it left. Drafts are written into the Drafts maildir
with the draft and seen flags in the file name (``:2,DS``), as a mail client would.
"""

from __future__ import annotations

import hashlib
import logging
import mailbox
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from detector.config import AccountConfig
from detector.mailbox import (
    DRAFTS_NAMES,
    SENT_NAMES,
    MailboxError,
    Pending,
    RawMail,
    Scan,
    draft_token,
    tokens_in,
)

__all__ = ["MaildirMailbox"]

log = logging.getLogger(__name__)
_HEAD_BYTES = 16384


class MaildirMailbox:
    """A Maildir tree: INBOX at the root, other folders as ``.Name`` (Maildir++) or ``Name``."""

    def __init__(self, account: AccountConfig) -> None:
        self.account = account.name
        self._root = Path(account.maildir or ".")
        self._drafts_name = account.drafts_folder
        self._sent_name = account.sent_folder
        self._heads: dict[Path, set[str]] = {}

    def open(self) -> None:
        """Check that the root is a maildir."""
        if not (self._root / "cur").is_dir() or not (self._root / "new").is_dir():
            raise MailboxError(
                f"account {self.account}: {self._root} is not a Maildir (no cur/ and new/)"
            )

    def close(self) -> None:
        """Nothing to release."""

    def supports_idle(self) -> bool:
        """Maildirs are polled."""
        return False

    def folder_path(self, folder: str) -> Path:
        """INBOX is the root; others are ``.Folder`` (Maildir++) or ``Folder`` (verbatim)."""
        if folder.upper() == "INBOX":
            return self._root
        for candidate in (self._root / f".{folder}", self._root / folder):
            if (candidate / "cur").is_dir():
                return candidate
        raise MailboxError(f"account {self.account}: folder {folder!r} not found in {self._root}")

    def has_folder(self, folder: str) -> bool:
        """Whether the Maildir has ``folder`` (as ``.Folder`` or ``Folder``)."""
        try:
            self.folder_path(folder)
        except MailboxError:
            return False
        return True

    def scan(
        self, folder: str, *, uidvalidity: int | None, after_uid: int, since: date | None
    ) -> Scan:
        """Every message file in new/ and cur/ (newer than ``since``), oldest first.

        The id is the file's unique name without the ``:2,flags`` info, which stays the same
        when a mail client moves the file from new/ to cur/ or changes its flags.
        """
        path = self.folder_path(folder)
        cutoff = datetime.combine(since, datetime.min.time(), UTC).timestamp() if since else None
        found: list[tuple[float, str, int]] = []
        for sub in ("new", "cur"):
            with os.scandir(path / sub) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or not entry.is_file():
                        continue
                    info = entry.stat()
                    if cutoff is not None and info.st_mtime < cutoff:
                        continue
                    found.append((info.st_mtime, entry.name.split(":", 1)[0], info.st_size))
        found.sort()
        return Scan(folder, 0, tuple(Pending(name, 0, size) for _, name, size in found))

    def fetch(self, folder: str, pending: Sequence[Pending]) -> Iterator[RawMail]:
        """Read each file where it is now (it may have moved from new/ to cur/ meanwhile)."""
        path = self.folder_path(folder)
        for item in pending:
            file = _locate(path, item.source_id)
            if file is None:
                log.info(
                    "account %s: %s/%s vanished before it was read",
                    self.account,
                    folder,
                    item.source_id,
                )
                continue
            try:
                raw = file.read_bytes()
            except OSError as err:
                raise MailboxError(
                    f"account {self.account}: cannot read {file}: {err.strerror}"
                ) from None
            yield RawMail(folder, item.source_id, 0, raw)

    def drafts_path(self) -> Path:
        """The Drafts maildir: configured, else the first usual name found, else ``.Drafts``."""
        names = (
            [self._drafts_name] if self._drafts_name else [n for n in DRAFTS_NAMES if "/" not in n]
        )
        for name in names:
            for candidate in (self._root / f".{name}", self._root / name):
                if (candidate / "cur").is_dir():
                    return candidate
        return self._root / f".{self._drafts_name or 'Drafts'}"

    def has_draft(self, message_id: str) -> bool:
        """Whether a file in the Drafts maildir carries this Message-ID."""
        return draft_token(message_id) in self.draft_tokens()

    def drafts_state(self) -> str:
        """The Drafts file names (a flag change renames a file, a new draft adds one)."""
        path = self.drafts_path()
        names = sorted(
            f"{sub}/{entry.name}"
            for sub in ("cur", "new")
            if (path / sub).is_dir()
            for entry in os.scandir(path / sub)
        )
        return hashlib.sha256("\n".join(names).encode("utf-8", "surrogateescape")).hexdigest()

    def draft_tokens(self) -> set[str]:
        """The draft tokens in the headers of every file in the Drafts maildir.

        Maildir files never change once written (a flag change renames them), so each file's
        header is read once per mailbox and remembered by its path; only new files are read.
        """
        found: set[str] = set()
        seen: dict[Path, set[str]] = {}
        path = self.drafts_path()
        for sub in ("cur", "new"):
            folder = path / sub
            if folder.is_dir():
                for file in folder.iterdir():
                    tokens = self._heads.get(file)
                    if tokens is None:
                        tokens = tokens_in(_head(file))
                    seen[file] = tokens
                    found |= tokens
        self._heads = seen
        return found

    def sent_folder(self) -> str | None:
        """The configured sent folder, else the first usual name that exists here."""
        names = [self._sent_name] if self._sent_name else [n for n in SENT_NAMES if "/" not in n]
        return next((n for n in names if self.has_folder(n)), None)

    def append_draft(self, raw: bytes) -> str:
        """Write into Drafts/cur with the draft and seen flags, atomically via tmp/."""
        path = self.drafts_path()
        try:
            box = mailbox.Maildir(str(path), factory=None, create=True)
            # Maildir files end lines with LF; the bytes are otherwise written as they are.
            key = box.add(raw.replace(b"\r\n", b"\n"))
            # Into cur/ with Draft and Seen in the info part, as a mail client saves a draft.
            (path / "new" / key).rename(path / "cur" / f"{key}:2,DS")
        except OSError as err:
            raise MailboxError(
                f"account {self.account}: cannot write a draft into {path}: {err.strerror}"
            ) from None
        return path.name.lstrip(".") or "Drafts"

    def idle_wait(
        self,
        folder: str,
        seconds: float,
        stop: Callable[[], bool],
        on_idle: Callable[[], None] | None = None,
    ) -> bool:
        """Maildirs have no push; the daemon polls them."""
        return False


def _locate(folder: Path, name: str) -> Path | None:
    for sub in ("new", "cur"):
        exact = folder / sub / name
        if exact.is_file():
            return exact
        for file in (folder / sub).glob(f"{name}:*"):
            return file
    return None


def _head(file: Path) -> bytes:
    """The header block of a message file (at most its first 16 KB); empty if unreadable."""
    try:
        with file.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return b""
    end = head.find(b"\n\n")
    if end == -1:
        end = head.find(b"\r\n\r\n")
    return head if end == -1 else head[:end]
