"""The journal: a small SQLite database that makes "one draft per rejection, ever" hold.

Per folder it keeps the UIDVALIDITY and the last UID looked at; per message (by key: the
Message-ID, or a content hash) what gracious decided and did. A draft is recorded *before* it is
written (status ``draft_intent``, with the exact bytes) and confirmed after, so a crash between
the two is repaired on the next pass by looking for the draft in the mailbox, never by writing
it twice. Every change is one short transaction.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from detector.errors import GraciousError

__all__ = ["Cursor", "Entry", "Journal", "JournalError", "Record", "Status", "moment", "ref"]

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folders (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL,
    since TEXT,
    updated TEXT NOT NULL,
    PRIMARY KEY (account, folder)
);
CREATE TABLE IF NOT EXISTS sources (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    source_id TEXT NOT NULL,
    key TEXT NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (account, folder, source_id)
);
CREATE TABLE IF NOT EXISTS messages (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    source_id TEXT NOT NULL,
    sender TEXT,
    subject TEXT,
    received TEXT,
    verdict INTEGER,
    probability REAL,
    model_version TEXT,
    facts TEXT,
    draft_message_id TEXT,
    draft BLOB,
    status TEXT NOT NULL,
    reason TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status);
CREATE TABLE IF NOT EXISTS contacts (
    key TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT,
    company TEXT,
    domain TEXT,
    stage TEXT NOT NULL,
    position TEXT,
    thread TEXT NOT NULL,
    seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS digests (
    week TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    message_id TEXT NOT NULL,
    draft BLOB NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
"""
# Columns added in schema 2 (what happened after the draft, and what a message was about);
# an older journal gets them on open, so upgrading gracious never loses state.
_ADDED_COLUMNS = {
    "stage": "TEXT",
    "thread": "TEXT",
    "recipient_rule": "TEXT",
    "sent": "TEXT",
    "sent_message_id": "TEXT",
    "answered": "TEXT",
    "answered_by": "TEXT",
}


_SETUP = threading.Lock()  # one journal set-up at a time in this process
_SETUP_ATTEMPTS = 10


class JournalError(GraciousError):
    """The journal cannot be opened or written."""


class Status:
    """What happened to a message; stored as text in the journal."""

    NOT_REJECTION = "not_rejection"
    UNCERTAIN = "uncertain"  # scored in the band below the threshold: no draft, asks for a label
    ANSWER = "answer"  # a reply to one of the user's sent notes: flagged, never drafted to
    SKIPPED = "skipped"
    DRAFT_INTENT = "draft_intent"
    DRAFTED = "drafted"  # saved in Drafts, waiting for the user
    SENT = "sent"  # found in Sent as drafted
    SENT_EDITED = "sent_edited"  # found in Sent, changed by the user first
    DELETED = "deleted"  # gone from Drafts without being sent; never recreated

    NOTES = (DRAFTED, SENT, SENT_EDITED, DELETED)  # a draft was saved


@dataclass(frozen=True)
class Cursor:
    """Where gracious stopped reading a folder."""

    uidvalidity: int
    last_uid: int
    since: date | None


@dataclass(frozen=True)
class Entry:
    """One processed message as the journal holds it."""

    key: str
    account: str
    folder: str
    source_id: str
    status: str
    verdict: bool | None
    probability: float | None
    draft_message_id: str | None
    draft: bytes | None
    reason: str | None


@dataclass(frozen=True)
class Record:
    """Everything the journal knows of a message, for ``gracious review`` and ``show``."""

    key: str
    account: str
    folder: str
    source_id: str
    sender: str | None
    subject: str | None
    received: str | None
    verdict: bool | None
    probability: float | None
    model_version: str | None
    facts: dict[str, Any]
    draft_message_id: str | None
    draft: bytes | None
    status: str
    reason: str | None
    created: str
    updated: str
    stage: str | None = None
    thread: tuple[str, ...] = ()
    recipient_rule: str | None = None
    sent: str | None = None
    sent_message_id: str | None = None
    answered: str | None = None
    answered_by: str | None = None

    @property
    def ref(self) -> str:
        """The short reference ``review`` prints and ``show`` and ``label`` accept."""
        return ref(self.key)

    @property
    def when(self) -> str:
        """When the mail was sent (its Date), else when gracious first saw it."""
        return self.received or self.created


def ref(key: str) -> str:
    """A short stable reference to message ``key``: Message-IDs are long and awkward to type."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Journal:
    """The SQLite journal; one per process, used from one thread at a time."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open (and create) the journal; ``readonly`` never changes it (for dry runs, review).

        Read-only, SQLite may still create its ``-wal`` and ``-shm`` side files for a journal in
        WAL mode; the journal's contents are never changed, and an older journal is read as it
        is (the tables and columns it lacks read as empty).
        """
        self.path = path
        try:
            if readonly:
                # A dry run reads what is there, or starts from nothing in memory.
                # as_uri() escapes "#", "?" and "%", which would otherwise end the file name.
                target = f"{path.resolve().as_uri()}?mode=ro" if path.is_file() else "file::memory:"
                self._db = sqlite3.connect(target, uri=True, timeout=30, isolation_level=None)
                if not path.is_file():
                    self._db.executescript(_SCHEMA)
                    self._add_columns()
                self._columns = {str(r[1]) for r in self._db.execute("PRAGMA table_info(messages)")}
                self._tables = _tables(self._db)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            with _SETUP:
                self._setup()
        except (sqlite3.Error, OSError) as err:
            raise JournalError(f"cannot open the journal at {path}: {err}") from err

    def _setup(self) -> None:
        """WAL mode and the schema; only a new or older journal is written to on open.

        Switching a new file to WAL mode takes a lock SQLite does not wait for, so two threads
        creating the journal at once (a daemon's accounts) could fail: they take turns here, and
        a file being set up by another process is waited for and tried again.
        """
        for attempt in range(_SETUP_ATTEMPTS):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode: a commit survives a crash of gracious (not of the OS);
                # the draft protocol does not need more, since a draft is always looked for
                # before it is appended.
                self._db.execute("PRAGMA synchronous=NORMAL")
                if self._version() != SCHEMA_VERSION:
                    self._db.executescript(_SCHEMA)
                    self._upgrade()
                else:
                    self._columns = {
                        str(r[1]) for r in self._db.execute("PRAGMA table_info(messages)")
                    }
                    self._tables = _tables(self._db)
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or attempt == _SETUP_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def _version(self) -> int | None:
        """The schema version the journal records, None for a new file."""
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()
        except sqlite3.OperationalError:
            return None  # no meta table: a new journal
        return int(row[0]) if row else None

    def _upgrade(self) -> None:
        """Bring an older journal to this schema in one transaction; a new one is created so."""
        with self.transaction() as db:
            self._add_columns()
            db.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE "
                "SET value=excluded.value",
                (str(SCHEMA_VERSION),),
            )
        self._columns = {str(r[1]) for r in self._db.execute("PRAGMA table_info(messages)")}
        self._tables = _tables(self._db)

    def _add_columns(self) -> None:
        present = {str(r[1]) for r in self._db.execute("PRAGMA table_info(messages)")}
        for name, kind in _ADDED_COLUMNS.items():
            if name not in present:
                self._db.execute(f"ALTER TABLE messages ADD COLUMN {name} {kind}")

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def account_lock(self, account: str) -> Iterator[None]:
        """Hold the account's lock file: one pass per account at a time, across processes.

        The draft protocol assumes one pass per account; a daemon reloading mid-pass, or
        ``gracious run`` started beside a daemon, waits here instead of racing.
        """
        digest = hashlib.sha256(account.encode("utf-8")).hexdigest()[:16]
        path = self.path.parent / f"{self.path.name}.{digest}.lock"
        try:
            handle = path.open("a+b")
        except OSError as err:
            raise JournalError(f"cannot create the lock file {path}: {err.strerror}") from err
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: all of it is on disk afterwards, or none of it."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            raise JournalError(f"cannot write the journal at {self.path}: {err}") from err

    # --- folders -------------------------------------------------------------------------------

    def cursor(self, account: str, folder: str) -> Cursor | None:
        """The folder's cursor, or None before the first pass."""
        row = self._db.execute(
            "SELECT uidvalidity, last_uid, since FROM folders WHERE account=? AND folder=?",
            (account, folder),
        ).fetchone()
        if row is None:
            return None
        since = date.fromisoformat(row[2]) if row[2] else None
        return Cursor(int(row[0]), int(row[1]), since)

    def set_cursor(self, db: sqlite3.Connection, account: str, folder: str, cursor: Cursor) -> None:
        """Move the folder's cursor (inside a transaction)."""
        db.execute(
            "INSERT INTO folders VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, folder) DO UPDATE "
            "SET uidvalidity=excluded.uidvalidity, last_uid=excluded.last_uid, "
            "since=excluded.since, updated=excluded.updated",
            (
                account,
                folder,
                cursor.uidvalidity,
                cursor.last_uid,
                cursor.since.isoformat() if cursor.since else None,
                _now(),
            ),
        )

    # --- sources and messages ------------------------------------------------------------------

    def seen_sources(self, account: str, folder: str) -> set[str]:
        """Ids of every message already looked at in this folder."""
        rows = self._db.execute(
            "SELECT source_id FROM sources WHERE account=? AND folder=?", (account, folder)
        )
        return {str(r[0]) for r in rows}

    def add_source(
        self, db: sqlite3.Connection, account: str, folder: str, source_id: str, key: str
    ) -> None:
        """Remember that this folder's message ``source_id`` is message ``key``."""
        db.execute(
            "INSERT OR IGNORE INTO sources VALUES (?, ?, ?, ?, ?)",
            (account, folder, source_id, key, _now()),
        )

    def entry(self, key: str) -> Entry | None:
        """The journal's record of message ``key``."""
        row = self._db.execute(
            "SELECT key, account, folder, source_id, status, verdict, probability, "
            "draft_message_id, draft, reason FROM messages WHERE key=?",
            (key,),
        ).fetchone()
        return _entry(row) if row else None

    def pending_drafts(self, account: str | None = None) -> list[Entry]:
        """Drafts recorded as intended but not confirmed: a crash left them half done."""
        query = (
            "SELECT key, account, folder, source_id, status, verdict, probability, "
            "draft_message_id, draft, reason FROM messages WHERE status=?"
        )
        args: tuple[Any, ...] = (Status.DRAFT_INTENT,)
        if account is not None:
            query += " AND account=?"
            args += (account,)
        return [_entry(r) for r in self._db.execute(query + " ORDER BY created", args)]

    def record(
        self,
        db: sqlite3.Connection,
        *,
        key: str,
        account: str,
        folder: str,
        source_id: str,
        status: str,
        sender: str | None = None,
        subject: str | None = None,
        received: datetime | None = None,
        verdict: bool | None = None,
        probability: float | None = None,
        model_version: str | None = None,
        facts: dict[str, Any] | None = None,
        draft_message_id: str | None = None,
        draft: bytes | None = None,
        reason: str | None = None,
        stage: str | None = None,
        thread: Sequence[str] = (),
        recipient_rule: str | None = None,
    ) -> bool:
        """Insert the message's record (inside a transaction); an existing one is kept.

        Returns whether this call inserted it: of two passes racing on the same message (two
        accounts in two threads), only the one that inserted its record may write the draft.
        """
        now = _now()
        values = {
            "key": key,
            "account": account,
            "folder": folder,
            "source_id": source_id,
            "sender": sender,
            "subject": subject,
            "received": received.isoformat() if received else None,
            "verdict": None if verdict is None else int(verdict),
            "probability": probability,
            "model_version": model_version,
            "facts": json.dumps(facts, ensure_ascii=False) if facts is not None else None,
            "draft_message_id": draft_message_id,
            "draft": draft,
            "status": status,
            "reason": reason,
            "created": now,
            "updated": now,
            "stage": stage,
            "thread": json.dumps(list(thread)) if thread else None,
            "recipient_rule": recipient_rule,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = db.execute(
            f"INSERT OR IGNORE INTO messages ({columns}) VALUES ({marks})",  # noqa: S608 - fixed names
            tuple(values.values()),
        )
        return cursor.rowcount == 1

    def set_status(self, key: str, status: str, *, reason: str | None = None) -> None:
        """Move a message to ``status`` (its own transaction)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET status=?, reason=COALESCE(?, reason), updated=? WHERE key=?",
                (status, reason, _now(), key),
            )

    def records(self, *, since: datetime | None = None) -> list[Record]:
        """Every message record, newest first (by its date, else when first seen)."""
        records = [_record(r) for r in self._db.execute(self._select())]
        if since is not None:
            cut = _sortable(since.isoformat())
            records = [r for r in records if _sortable(r.when) >= cut]
        records.sort(key=lambda r: (_sortable(r.when), r.key), reverse=True)
        return records

    def find(self, key_or_ref: str) -> Record | None:
        """The record of a full key or of a reference from ``review`` (a unique prefix will do)."""
        row = self._db.execute(self._select() + " WHERE key=?", (key_or_ref,))
        found = row.fetchone()
        if found is not None:
            return _record(found)
        wanted = key_or_ref.strip().lower()
        if len(wanted) < 4 or any(c not in "0123456789abcdef" for c in wanted):
            return None
        keys = [str(k) for (k,) in self._db.execute("SELECT key FROM messages")]
        matches = [k for k in keys if ref(k).startswith(wanted)]
        if len(matches) != 1:
            return None
        found = self._db.execute(self._select() + " WHERE key=?", (matches[0],)).fetchone()
        return _record(found)

    def _select(self) -> str:
        """SELECT of every Record column; NULL for columns an old read-only journal lacks."""
        names = [n if n in self._columns else f"NULL AS {n}" for n in _RECORD_COLUMNS]
        return f"SELECT {', '.join(names)} FROM messages"  # noqa: S608 - fixed names

    # --- after the draft: Sent, Drafts, answers ------------------------------------------------

    def notes(self, account: str | None = None) -> list[Record]:
        """Every message a draft was saved for (waiting, sent, edited, deleted)."""
        marks = ", ".join("?" for _ in Status.NOTES)
        query = self._select() + f" WHERE status IN ({marks})"
        args: tuple[Any, ...] = Status.NOTES
        if account is not None:
            query += " AND account=?"
            args += (account,)
        return [_record(r) for r in self._db.execute(query, args)]

    def note_replied_to(self, ids: Sequence[str], tokens: Sequence[str]) -> Record | None:
        """The note whose draft or sent Message-ID is among ``ids`` (or carries a draft token).

        One indexed-free query over the notes, instead of reading every note (drafts included)
        for every reply that arrives.
        """
        if not ids and not tokens:
            return None
        marks = ", ".join("?" for _ in Status.NOTES)
        ins = ", ".join("?" for _ in ids) or "NULL"
        tokened = " OR ".join("instr(draft_message_id, ?) > 0" for _ in tokens) or "0"
        query = (
            self._select() + f" WHERE status IN ({marks}) AND (draft_message_id IN ({ins}) "
            f"OR sent_message_id IN ({ins}) OR {tokened}) ORDER BY created LIMIT 1"
        )
        row = self._db.execute(query, (*Status.NOTES, *ids, *ids, *tokens)).fetchone()
        return _record(row) if row else None

    def mark_sent(self, key: str, *, edited: bool, message_id: str | None, when: str) -> None:
        """The user sent the draft (as it was, or after editing it)."""
        status = Status.SENT_EDITED if edited else Status.SENT
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET status=?, sent=?, sent_message_id=?, updated=? WHERE key=?",
                (status, when, message_id, _now(), key),
            )

    def mark_answered(self, db: sqlite3.Connection, key: str, *, by: str, when: str) -> None:
        """A reply to the user's sent note arrived (inside a transaction)."""
        db.execute(
            "UPDATE messages SET answered=?, answered_by=?, updated=? WHERE key=?",
            (when, by, _now(), key),
        )

    # --- contacts ------------------------------------------------------------------------------

    def add_contact(
        self,
        db: sqlite3.Connection,
        *,
        key: str,
        email: str,
        name: str | None,
        company: str | None,
        domain: str | None,
        stage: str,
        position: str | None,
        thread: Sequence[str],
        seen: str,
    ) -> None:
        """Remember who wrote about an application (inside a transaction)."""
        db.execute(
            "INSERT OR IGNORE INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, email, name, company, domain, stage, position, json.dumps(list(thread)), seen),
        )

    def contacts(self) -> list[tuple[Any, ...]]:
        """Every contact row: key, email, name, company, domain, stage, position, thread, seen."""
        if "contacts" not in self._tables:
            return []  # an older journal opened read-only
        rows = self._db.execute(
            "SELECT key, email, name, company, domain, stage, position, thread, seen FROM contacts"
        )
        return [(*r[:7], tuple(json.loads(r[7] or "[]")), r[8]) for r in rows]

    # --- small named values --------------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        """A value remembered under ``name`` (e.g. a folder's fingerprint)."""
        row = self._db.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, name: str, value: str) -> None:
        """Remember ``value`` under ``name``."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value=excluded.value",
                (name, value),
            )

    # --- weekly digests ------------------------------------------------------------------------

    def digest(self, week: str) -> tuple[str, str, bytes, str] | None:
        """The week's digest: account, Message-ID, bytes and status; None before it is made."""
        if "digests" not in self._tables:
            return None
        row = self._db.execute(
            "SELECT account, message_id, draft, status FROM digests WHERE week=?", (week,)
        ).fetchone()
        return (str(row[0]), str(row[1]), bytes(row[2]), str(row[3])) if row else None

    def record_digest(self, week: str, account: str, message_id: str, draft: bytes) -> None:
        """Record the digest as intended, before it is appended (like a reply's draft)."""
        now = _now()
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?)",
                (week, account, message_id, draft, Status.DRAFT_INTENT, now, now),
            )

    def set_digest_status(self, week: str, status: str) -> None:
        """Confirm the digest saved."""
        with self.transaction() as db:
            db.execute(
                "UPDATE digests SET status=?, updated=? WHERE week=?", (status, _now(), week)
            )

    def counts(self) -> dict[str, int]:
        """How many messages are in each status."""
        rows = self._db.execute("SELECT status, COUNT(*) FROM messages GROUP BY status")
        return {str(status): int(n) for status, n in rows}


_RECORD_COLUMNS = (
    "key account folder source_id sender subject received verdict probability model_version "
    "facts draft_message_id draft status reason created updated stage thread recipient_rule "
    "sent sent_message_id answered answered_by"
).split()


def _record(row: tuple[Any, ...]) -> Record:
    facts: dict[str, Any] = {}
    if row[10]:
        try:
            loaded = json.loads(row[10])
            facts = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            facts = {}
    return Record(
        key=row[0],
        account=row[1],
        folder=row[2],
        source_id=row[3],
        sender=row[4],
        subject=row[5],
        received=row[6],
        verdict=None if row[7] is None else bool(row[7]),
        probability=row[8],
        model_version=row[9],
        facts=facts,
        draft_message_id=row[11],
        draft=bytes(row[12]) if row[12] is not None else None,
        status=row[13],
        reason=row[14],
        created=row[15],
        updated=row[16],
        stage=row[17],
        thread=tuple(json.loads(row[18])) if row[18] else (),
        recipient_rule=row[19],
        sent=row[20],
        sent_message_id=row[21],
        answered=row[22],
        answered_by=row[23],
    )


def _tables(db: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def moment(stamp: str | None) -> datetime | None:
    """A journal timestamp (ISO, with any offset or ``Z``, or none) as an aware UTC datetime."""
    if not stamp:
        return None
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _sortable(stamp: str) -> str:
    """An ISO timestamp in UTC as text that sorts by time, whatever offset it was written with."""
    parsed = moment(stamp)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S") if parsed else stamp


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(
        key=row[0],
        account=row[1],
        folder=row[2],
        source_id=row[3],
        status=row[4],
        verdict=None if row[5] is None else bool(row[5]),
        probability=row[6],
        draft_message_id=row[7],
        draft=bytes(row[8]) if row[8] is not None else None,
        reason=row[9],
    )
