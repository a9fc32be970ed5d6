"""The labeled store: the user's verdicts on their own mail, for retraining.

One SQLite file beside the journal, so that resetting the journal never loses labels. Every
route (``gracious label``, the training folders, ``label --import``) ends here. A message is
known by its key (Message-ID, else a content hash, as in the journal), so a new label for the
same message replaces the old one: users change their minds, and a filter that refuses to
relearn is worse than none. Raw bytes are kept only for labeled mail, since retraining needs
the text and the mailbox may have moved on.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from detector.errors import GraciousError, MessageError
from detector.message import parse

__all__ = ["LABELS_FILE", "Label", "LabelError", "LabelStore", "UnreadableMail", "label_digest"]

LABELS_FILE = "labels.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS labels (
    key TEXT PRIMARY KEY,
    label INTEGER NOT NULL,
    route TEXT NOT NULL,
    origin TEXT NOT NULL,
    sender TEXT,
    subject TEXT,
    labeled TEXT NOT NULL,
    raw BLOB NOT NULL
);
"""
ROUTES = ("command", "folder", "import")


class LabelError(GraciousError):
    """A label cannot be recorded or the store cannot be read."""


class UnreadableMail(LabelError):
    """The mail to label does not parse, so it could not be trained on."""


@dataclass(frozen=True)
class Label:
    """One labeled message; ``rejection`` is the user's verdict."""

    key: str
    rejection: bool
    route: str
    origin: str
    sender: str | None
    subject: str | None
    labeled: str
    raw: bytes

    @property
    def digest(self) -> str:
        """Identifies this key *with* this verdict: a model records which it trained on."""
        return label_digest(self.key, self.rejection)


def label_digest(key: str, rejection: bool) -> str:
    """A short stable digest of a message key and its label."""
    text = f"{key}\0{int(rejection)}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class LabelStore:
    """The labels in ``data_dir``; every change is one transaction."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LABELS_FILE
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as err:
            raise LabelError(f"cannot open the labeled store at {self.path}: {err}") from err

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> LabelStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put(self, raw: bytes, rejection: bool, *, route: str, origin: str) -> Label:
        """Record ``raw`` as (not) a rejection, replacing any earlier label of the same message.

        Raises :class:`UnreadableMail` for mail that does not parse: it could not be trained
        on. Any other :class:`LabelError` means the store itself failed.
        """
        if route not in ROUTES:
            raise ValueError(f"unknown label route {route!r}")
        try:
            message = parse(raw)
        except MessageError as err:
            raise UnreadableMail(f"{origin}: cannot label it, {err}") from err
        label = Label(
            key=message.key,
            rejection=rejection,
            route=route,
            origin=origin,
            sender=message.sender.email if message.sender else None,
            subject=message.subject,
            labeled=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            raw=raw,
        )
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO labels VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    label.key,
                    int(rejection),
                    route,
                    origin,
                    label.sender,
                    label.subject,
                    label.labeled,
                    raw,
                ),
            )
        except sqlite3.Error as err:
            raise LabelError(f"cannot write the labeled store at {self.path}: {err}") from err
        return label

    def get(self, key: str) -> Label | None:
        """The label of message ``key``, if the user gave one."""
        row = self._db.execute(_SELECT + " WHERE key=?", (key,)).fetchone()
        return _label(row) if row else None

    def verdicts(self) -> dict[str, bool]:
        """Every labeled key and its verdict, without the bytes (for the review table)."""
        return {str(k): bool(v) for k, v in self._db.execute("SELECT key, label FROM labels")}

    def __iter__(self) -> Iterator[Label]:
        """Every label, oldest first."""
        rows = self._db.execute(_SELECT + " ORDER BY labeled, key")
        return (_label(r) for r in rows)

    def counts(self) -> dict[str, int]:
        """How many labels of each kind: ``{"rejection": n, "not_rejection": m}``."""
        rows = self._db.execute("SELECT label, COUNT(*) FROM labels GROUP BY label")
        found = {bool(label): int(n) for label, n in rows}
        return {"rejection": found.get(True, 0), "not_rejection": found.get(False, 0)}


_SELECT = "SELECT key, label, route, origin, sender, subject, labeled, raw FROM labels"


def _label(row: tuple[Any, ...]) -> Label:
    return Label(
        key=str(row[0]),
        rejection=bool(row[1]),
        route=str(row[2]),
        origin=str(row[3]),
        sender=None if row[4] is None else str(row[4]),
        subject=None if row[5] is None else str(row[5]),
        labeled=str(row[6]),
        raw=bytes(row[7]),
    )
