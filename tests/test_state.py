"""The journal (detector/state.py): cursors, records, transactions and the read-only dry-run mode."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from detector.state import Cursor, Journal, JournalError, Status


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    book = Journal(tmp_path / "state.sqlite3")
    try:
        yield book
    finally:
        book.close()


def _record(
    book: Journal, key: str, *, account: str = "work", status: str = Status.DRAFTED
) -> None:
    with book.transaction() as db:
        book.record(
            db, key=key, account=account, folder="INBOX", source_id=f"7/{key}", status=status
        )
        book.add_source(db, account, "INBOX", f"7/{key}", key)


def test_a_cursor_round_trips_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"  # parent folders are created
    book = Journal(path)
    assert book.cursor("work", "INBOX") is None
    with book.transaction() as db:
        book.set_cursor(db, "work", "INBOX", Cursor(1795790165, 42, date(2026, 10, 28)))
        book.set_cursor(db, "work", "Jobs", Cursor(3, 9, None))
    with book.transaction() as db:
        book.set_cursor(db, "work", "INBOX", Cursor(1795790166, 43, date(2026, 10, 29)))
    book.close()

    again = Journal(path)
    try:
        assert again.cursor("work", "INBOX") == Cursor(1795790166, 43, date(2026, 10, 29))
        assert again.cursor("work", "Jobs") == Cursor(3, 9, None)
        assert again.cursor("home", "INBOX") is None
    finally:
        again.close()


def test_an_entry_round_trips_with_its_draft_bytes(journal: Journal) -> None:
    draft = b"Message-ID: <gracious.0123456789abcdef@example.org>\r\n\r\nThank you\r\n"
    with journal.transaction() as db:
        journal.record(
            db,
            key="<rej-1@example.com>",
            account="work",
            folder="INBOX",
            source_id="7/1",
            status=Status.DRAFT_INTENT,
            verdict=True,
            probability=0.93,
            facts={"company": "Zoë & Co"},
            draft_message_id="<gracious.0123456789abcdef@example.org>",
            draft=draft,
        )
    entry = journal.entry("<rej-1@example.com>")
    assert entry is not None
    assert (entry.account, entry.folder, entry.source_id) == ("work", "INBOX", "7/1")
    assert (entry.status, entry.verdict, entry.probability) == (Status.DRAFT_INTENT, True, 0.93)
    assert entry.draft == draft
    assert journal.entry("<other@example.com>") is None


def test_a_record_is_never_overwritten(journal: Journal) -> None:
    _record(journal, "k", status=Status.DRAFTED)
    _record(journal, "k", status=Status.DRAFT_INTENT)
    entry = journal.entry("k")
    assert entry is not None
    assert entry.status == Status.DRAFTED


def test_set_status_keeps_the_reason_unless_given_one(journal: Journal) -> None:
    _record(journal, "k", status=Status.DRAFT_INTENT)
    journal.set_status("k", Status.DRAFTED, reason="found in Drafts")
    journal.set_status("k", Status.DRAFTED)
    entry = journal.entry("k")
    assert entry is not None
    assert (entry.status, entry.reason) == (Status.DRAFTED, "found in Drafts")


def test_pending_drafts_are_the_unconfirmed_ones_by_account(journal: Journal) -> None:
    _record(journal, "a", account="work", status=Status.DRAFT_INTENT)
    _record(journal, "b", account="home", status=Status.DRAFT_INTENT)
    _record(journal, "c", account="work", status=Status.DRAFTED)
    _record(journal, "d", account="work", status=Status.DRAFT_INTENT)
    assert [e.key for e in journal.pending_drafts()] == ["a", "b", "d"]
    assert [e.key for e in journal.pending_drafts("work")] == ["a", "d"]
    assert journal.counts() == {Status.DRAFT_INTENT: 3, Status.DRAFTED: 1}
    assert journal.seen_sources("work", "INBOX") == {"7/a", "7/c", "7/d"}


def test_a_failed_transaction_leaves_nothing_behind(journal: Journal) -> None:
    with pytest.raises(ValueError, match="boom"), journal.transaction() as db:
        journal.record(db, key="k", account="work", folder="INBOX", source_id="1", status="x")
        journal.set_cursor(db, "work", "INBOX", Cursor(1, 1, None))
        raise ValueError("boom")
    assert journal.entry("k") is None
    assert journal.cursor("work", "INBOX") is None


def test_a_readonly_journal_never_creates_a_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.sqlite3"
    book = Journal(path, readonly=True)
    try:
        assert book.cursor("work", "INBOX") is None
        assert book.counts() == {}
        assert book.pending_drafts() == []
    finally:
        book.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("folder", ["plain", "with #hash", "with ?query and %41"])
def test_a_readonly_journal_reads_an_existing_one_and_changes_nothing(
    tmp_path: Path, folder: str
) -> None:
    path = tmp_path / folder / "state.sqlite3"
    writer = Journal(path)
    _record(writer, "k")
    with writer.transaction() as db:
        writer.set_cursor(db, "work", "INBOX", Cursor(7, 3, None))
    writer.close()
    before = path.read_bytes()

    book = Journal(path, readonly=True)
    try:
        assert book.cursor("work", "INBOX") == Cursor(7, 3, None)
        assert book.counts() == {Status.DRAFTED: 1}
        with pytest.raises(JournalError, match="readonly"):
            book.set_status("k", Status.SKIPPED)
    finally:
        book.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # nothing created beside it


def test_a_journal_that_cannot_be_opened_names_its_path(tmp_path: Path) -> None:
    blocked = tmp_path / "state.sqlite3"
    blocked.mkdir()
    with pytest.raises(JournalError, match=f"cannot open the journal at {blocked}"):
        Journal(blocked)


def test_threads_creating_the_journal_at_once_all_succeed(tmp_path: Path) -> None:
    # A daemon's accounts open a new journal side by side; switching a new file to WAL mode
    # takes a lock SQLite does not wait for, which used to fail one of them now and then.
    import threading  # noqa: PLC0415

    failures: list[BaseException] = []
    for round_ in range(20):
        path = tmp_path / f"j{round_}" / "gracious.sqlite3"
        start = threading.Barrier(6)

        def open_it(target: Path = path, barrier: threading.Barrier = start) -> None:
            barrier.wait()
            try:
                Journal(target).close()
            except BaseException as err:  # collected and asserted below
                failures.append(err)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
