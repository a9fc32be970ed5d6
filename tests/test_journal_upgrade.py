"""A journal written by the previous release (schema 1) opened by this one (schema 2).

The old file is made with the previous release's exact SQL (``git show a833e96:detector/state.py``):
its tables, its pragmas and its INSERT statements, so the test sees what a user's disk holds.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import gracious, rejection_mail, run_pass
from dovecot import write_config

from detector.classifier import Model
from detector.state import Cursor, Entry, Journal, Record, Status

# The previous release's schema, verbatim.
OLD_SCHEMA = """
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
"""
OLD_COLUMNS = [
    "key",
    "account",
    "folder",
    "source_id",
    "sender",
    "subject",
    "received",
    "verdict",
    "probability",
    "model_version",
    "facts",
    "draft_message_id",
    "draft",
    "status",
    "reason",
    "created",
    "updated",
]
NEW_COLUMNS = [
    "stage",
    "thread",
    "recipient_rule",
    "sent",
    "sent_message_id",
    "answered",
    "answered_by",
]

REJ = "<rej-1@northwind-labs.com>"
INV = "<inv-1@northwind-labs.com>"
REJ_SOURCE = "1761000001.M1P100.laptop"
INV_SOURCE = "1761000002.M2P100.laptop"
DRAFT_ID = "<gracious.0123456789abcdef0123456789abcdef@example.org>"
DRAFT = (
    b"From: Sam Keller <sam@example.org>\r\nTo: anna.berg@northwind-labs.com\r\n"
    b"Subject: Re: Your application for Data Analyst\r\n"
    b"Message-ID: " + DRAFT_ID.encode() + b"\r\n\r\nDear Anna,\r\n\r\nThank you.\r\n"
)
REJ_FACTS = {
    "company": "Northwind Labs",
    "position": "Data Analyst",
    "contact_name": "Anna Berg",
    "reply_to": "anna.berg@northwind-labs.com",
    "interviewed": False,
    "language": "en",
}
INV_FACTS = {**REJ_FACTS, "interviewed": None}
MODEL = "2026.10.1"

REJ_RECORD = Record(
    key=REJ,
    account="local",
    folder="INBOX",
    source_id=REJ_SOURCE,
    sender="anna.berg@northwind-labs.com",
    subject="Your application for Data Analyst",
    received="2025-03-03T10:00:00+00:00",
    verdict=True,
    probability=0.97,
    model_version=MODEL,
    facts=REJ_FACTS,
    draft_message_id=DRAFT_ID,
    draft=DRAFT,
    status=Status.DRAFTED,
    reason=None,
    created="2025-03-03T10:05:00Z",
    updated="2025-03-03T10:05:01Z",
)
INV_RECORD = Record(
    key=INV,
    account="local",
    folder="INBOX",
    source_id=INV_SOURCE,
    sender="anna.berg@northwind-labs.com",
    subject="Interview invitation: Data Analyst",
    received="2025-02-20T09:00:00+00:00",
    verdict=False,
    probability=0.04,
    model_version=MODEL,
    facts=INV_FACTS,
    draft_message_id=None,
    draft=None,
    status=Status.NOT_REJECTION,
    reason=None,
    created="2025-03-03T10:05:00Z",
    updated="2025-03-03T10:05:00Z",
)
OLD_CURSOR = Cursor(0, 0, date(2025, 2, 1))


def write_old_journal(path: Path) -> None:
    """What the previous release left on disk after one pass: as its Journal did it."""
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", ("1",))
        db.execute("BEGIN IMMEDIATE")
        for record in (INV_RECORD, REJ_RECORD):
            db.execute(
                "INSERT OR IGNORE INTO messages VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.key,
                    record.account,
                    record.folder,
                    record.source_id,
                    record.sender,
                    record.subject,
                    record.received,
                    int(bool(record.verdict)),
                    record.probability,
                    record.model_version,
                    json.dumps(record.facts, ensure_ascii=False),
                    record.draft_message_id,
                    record.draft,
                    record.status,
                    record.reason,
                    record.created,
                    record.updated,
                ),
            )
            db.execute(
                "INSERT OR IGNORE INTO sources VALUES (?, ?, ?, ?, ?)",
                ("local", "INBOX", record.source_id, record.key, record.created),
            )
        db.execute(
            "INSERT INTO folders VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, folder) DO UPDATE "
            "SET uidvalidity=excluded.uidvalidity, last_uid=excluded.last_uid, "
            "since=excluded.since, updated=excluded.updated",
            ("local", "INBOX", 0, 0, "2025-02-01", "2025-03-03T10:05:01Z"),
        )
        db.execute("COMMIT")
    finally:
        db.close()


def inspect(path: Path) -> sqlite3.Connection:
    """A read-only look at the file, beside the code under test."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def columns(path: Path) -> list[str]:
    db = inspect(path)
    try:
        return [str(r[1]) for r in db.execute("PRAGMA table_info(messages)")]
    finally:
        db.close()


def dump(path: Path) -> list[str]:
    db = inspect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def schema_version(path: Path) -> str:
    db = inspect(path)
    try:
        return str(db.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()[0])
    finally:
        db.close()


@pytest.fixture
def old_journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal" / "state.sqlite3"
    path.parent.mkdir()
    write_old_journal(path)
    return path


@pytest.fixture
def upgraded(old_journal: Path) -> Iterator[Journal]:
    journal = Journal(old_journal)
    try:
        yield journal
    finally:
        journal.close()


def test_the_old_file_is_what_the_previous_release_wrote(old_journal: Path) -> None:
    assert columns(old_journal) == OLD_COLUMNS
    assert schema_version(old_journal) == "1"


def test_opening_an_old_journal_upgrades_it_in_place(old_journal: Path) -> None:
    Journal(old_journal).close()
    assert columns(old_journal) == OLD_COLUMNS + NEW_COLUMNS
    assert schema_version(old_journal) == "2"
    db = inspect(old_journal)
    try:
        tables = {
            str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    finally:
        db.close()
    assert tables == {"meta", "folders", "sources", "messages", "contacts", "digests"}


def test_the_old_rows_read_back_unchanged(upgraded: Journal) -> None:
    assert upgraded.find(REJ) == REJ_RECORD
    assert upgraded.find(INV) == INV_RECORD
    assert upgraded.find(REJ_RECORD.ref) == REJ_RECORD
    assert upgraded.records() == [REJ_RECORD, INV_RECORD]  # newest first
    assert upgraded.entry(REJ) == Entry(
        key=REJ,
        account="local",
        folder="INBOX",
        source_id=REJ_SOURCE,
        status=Status.DRAFTED,
        verdict=True,
        probability=0.97,
        draft_message_id=DRAFT_ID,
        draft=DRAFT,
        reason=None,
    )
    assert upgraded.cursor("local", "INBOX") == OLD_CURSOR
    assert upgraded.seen_sources("local", "INBOX") == {REJ_SOURCE, INV_SOURCE}
    assert upgraded.notes() == [REJ_RECORD]
    assert upgraded.pending_drafts() == []
    assert upgraded.contacts() == []
    assert upgraded.counts() == {Status.DRAFTED: 1, Status.NOT_REJECTION: 1}


def test_an_upgraded_journal_takes_new_records_and_follow_ups(upgraded: Journal) -> None:
    with upgraded.transaction() as db:
        inserted = upgraded.record(
            db,
            key="<rej-2@alder-systems.com>",
            account="local",
            folder="INBOX",
            source_id="1761000003.M3P100.laptop",
            status=Status.DRAFT_INTENT,
            stage="rejection",
            thread=("<rej-2@alder-systems.com>", "<ack@alder-systems.com>"),
            recipient_rule="thread",
        )
        upgraded.add_contact(
            db,
            key=INV,
            email="anna.berg@northwind-labs.com",
            name="Anna Berg",
            company="northwind labs",
            domain="northwind-labs.com",
            stage="interview",
            position="Data Analyst",
            thread=(INV,),
            seen="2025-02-20T09:00:00+00:00",
        )
    assert inserted is True
    upgraded.mark_sent(REJ, edited=False, message_id=DRAFT_ID, when="2025-03-04T08:00:00+00:00")

    new = upgraded.find("<rej-2@alder-systems.com>")
    assert new is not None
    assert (new.status, new.stage, new.thread, new.recipient_rule) == (
        Status.DRAFT_INTENT,
        "rejection",
        ("<rej-2@alder-systems.com>", "<ack@alder-systems.com>"),
        "thread",
    )
    sent = upgraded.find(REJ)
    assert sent is not None
    assert (sent.status, sent.sent, sent.sent_message_id) == (
        Status.SENT,
        "2025-03-04T08:00:00+00:00",
        DRAFT_ID,
    )
    assert (sent.draft, sent.facts, sent.received) == (DRAFT, REJ_FACTS, REJ_RECORD.received)
    assert upgraded.contacts() == [
        (
            INV,
            "anna.berg@northwind-labs.com",
            "Anna Berg",
            "northwind labs",
            "northwind-labs.com",
            "interview",
            "Data Analyst",
            (INV,),
            "2025-02-20T09:00:00+00:00",
        )
    ]


def test_opening_an_upgraded_journal_again_changes_nothing(old_journal: Path) -> None:
    Journal(old_journal).close()
    once = dump(old_journal)
    Journal(old_journal).close()
    assert dump(old_journal) == once
    assert columns(old_journal) == OLD_COLUMNS + NEW_COLUMNS
    assert schema_version(old_journal) == "2"


def test_an_old_journal_opened_read_only_is_read_and_not_written(old_journal: Path) -> None:
    before = (old_journal.read_bytes(), old_journal.stat().st_mtime_ns)
    journal = Journal(old_journal, readonly=True)
    try:
        assert journal.find(REJ) == REJ_RECORD  # the new fields: None and ()
        assert journal.find(REJ_RECORD.ref) == REJ_RECORD
        assert journal.records() == [REJ_RECORD, INV_RECORD]
        assert journal.notes() == [REJ_RECORD]
        assert journal.entry(INV) is not None
        assert journal.cursor("local", "INBOX") == OLD_CURSOR
        assert journal.seen_sources("local", "INBOX") == {REJ_SOURCE, INV_SOURCE}
    finally:
        journal.close()
    assert (old_journal.read_bytes(), old_journal.stat().st_mtime_ns) == before
    assert columns(old_journal) == OLD_COLUMNS
    assert schema_version(old_journal) == "1"


def test_a_read_only_open_changes_nothing_in_the_journal(old_journal: Path) -> None:
    # SQLite may create its -wal and -shm side files for a WAL journal; the journal stays as it was.
    before = old_journal.read_bytes()
    Journal(old_journal, readonly=True).close()
    assert old_journal.read_bytes() == before
    assert {p.name for p in old_journal.parent.iterdir()} <= {
        "state.sqlite3",
        "state.sqlite3-wal",
        "state.sqlite3-shm",
    }


def _maildir_config(directory: Path, journal: Path) -> Path:
    maildir = directory / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    account = {"name": "local", "maildir": str(maildir), "since_days": 36500}
    return write_config(directory, [account], state=journal)


def test_gracious_review_reads_a_copy_of_the_old_journal(old_journal: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "state.sqlite3"
    copy.parent.mkdir()
    shutil.copy2(old_journal, copy)
    before = copy.read_bytes()
    config = _maildir_config(tmp_path, copy)

    result = gracious("review", "--json", "-c", str(config))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {
            "ref": REJ_RECORD.ref,
            "key": REJ,
            "when": "2025-03-03T10:00:00+00:00",
            "account": "local",
            "folder": "INBOX",
            "sender": "anna.berg@northwind-labs.com",
            "subject": "Your application for Data Analyst",
            "company": "Northwind Labs",
            "position": "Data Analyst",
            "probability": 0.97,
            "model_version": MODEL,
            "status": Status.DRAFTED,
            "outcome": "draft saved",
            "label": None,
        },
        {
            "ref": INV_RECORD.ref,
            "key": INV,
            "when": "2025-02-20T09:00:00+00:00",
            "account": "local",
            "folder": "INBOX",
            "sender": "anna.berg@northwind-labs.com",
            "subject": "Interview invitation: Data Analyst",
            "company": None,  # facts only mean something for a rejection
            "position": None,
            "probability": 0.04,
            "model_version": MODEL,
            "status": Status.NOT_REJECTION,
            "outcome": "below threshold",
            "label": None,
        },
    ]
    assert copy.read_bytes() == before
    assert schema_version(copy) == "1"


def test_a_dry_run_on_an_old_journal_shows_the_draft_it_would_save(
    old_journal: Path, tmp_path: Path, shipped_model: Model
) -> None:
    config = _maildir_config(tmp_path, old_journal)
    inbox = tmp_path / "Maildir" / "new" / "1761000009.M9P100.laptop"
    inbox.write_bytes(rejection_mail("<rej-9@northwind-labs.com>"))
    before = old_journal.read_bytes()
    summary = run_pass(config, shipped_model, dry_run=True)
    assert old_journal.read_bytes() == before
    assert summary.line(dry_run=True) == (
        "checked 1, rejections 1, drafts that would be saved 1, skipped 0, errors 0"
    )
