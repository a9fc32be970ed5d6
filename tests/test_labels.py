"""The labeled store (detector/labels.py): one label per message, replaced by key, kept on disk."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REJECTION_SUBJECT, invitation_mail, plain, rejection_mail

from detector.labels import (
    LABELS_FILE,
    Label,
    LabelError,
    LabelStore,
    UnreadableMail,
    label_digest,
)

_STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LabelStore]:
    with LabelStore(tmp_path / "data") as opened:
        yield opened


def test_put_records_what_the_mail_says_and_get_returns_it(store: LabelStore) -> None:
    raw = rejection_mail("<rej-1@northwind-labs.com>")
    label = store.put(raw, True, route="command", origin="work/INBOX 7/1")
    assert label.key == "<rej-1@northwind-labs.com>"
    assert (label.rejection, label.route, label.origin) == (True, "command", "work/INBOX 7/1")
    assert (label.sender, label.subject) == ("anna.berg@northwind-labs.com", REJECTION_SUBJECT)
    assert label.raw == raw
    assert re.fullmatch(_STAMP, label.labeled), label.labeled
    assert store.get("<rej-1@northwind-labs.com>") == label
    assert store.get("<other@northwind-labs.com>") is None


def test_a_mail_without_message_id_is_known_by_its_content_hash(store: LabelStore) -> None:
    raw = plain("Thank you, but no.", subject="Update", message_id=None, sender=None)
    label = store.put(raw, True, route="import", origin="no-id.eml")
    assert label.key.startswith("sha256:")
    assert len(label.key) == len("sha256:") + 64
    assert label.sender is None
    assert store.get(label.key) == label


def test_a_new_label_for_the_same_message_replaces_the_old_one(store: LabelStore) -> None:
    store.put(rejection_mail("<k@a.example>"), True, route="folder", origin="Teach-Yes")
    again = store.put(rejection_mail("<k@a.example>"), False, route="import", origin="x.eml")
    assert store.get("<k@a.example>") == again
    assert (again.rejection, again.route, again.origin) == (False, "import", "x.eml")
    assert [label.key for label in store] == ["<k@a.example>"]
    assert store.counts() == {"rejection": 0, "not_rejection": 1}
    assert store.verdicts() == {"<k@a.example>": False}


def test_counts_and_verdicts_cover_every_label(store: LabelStore) -> None:
    assert store.counts() == {"rejection": 0, "not_rejection": 0}
    assert store.verdicts() == {}
    assert list(store) == []
    store.put(rejection_mail("<r1@a.example>"), True, route="command", origin="o")
    store.put(rejection_mail("<r2@a.example>"), True, route="folder", origin="o")
    store.put(invitation_mail("<i1@a.example>"), False, route="import", origin="o")
    assert store.counts() == {"rejection": 2, "not_rejection": 1}
    assert store.verdicts() == {
        "<r1@a.example>": True,
        "<r2@a.example>": True,
        "<i1@a.example>": False,
    }


def test_iteration_is_oldest_first_then_by_key(tmp_path: Path) -> None:
    with LabelStore(tmp_path) as store:
        for key in ("<c@a.example>", "<b@a.example>", "<a@a.example>"):
            store.put(rejection_mail(key), True, route="command", origin="o")
    # Labels given on earlier days, as a store written by an earlier run holds them.
    db = sqlite3.connect(tmp_path / LABELS_FILE)
    with db:
        db.execute("UPDATE labels SET labeled='2026-01-02T00:00:00Z' WHERE key='<c@a.example>'")
        db.execute("UPDATE labels SET labeled='2026-01-01T00:00:00Z' WHERE key='<b@a.example>'")
        db.execute("UPDATE labels SET labeled='2026-01-02T00:00:00Z' WHERE key='<a@a.example>'")
    db.close()
    with LabelStore(tmp_path) as store:
        assert [label.key for label in store] == ["<b@a.example>", "<a@a.example>", "<c@a.example>"]
        # Relabeling makes it the newest.
        store.put(rejection_mail("<b@a.example>"), False, route="command", origin="o")
        assert [label.key for label in store] == ["<a@a.example>", "<c@a.example>", "<b@a.example>"]


def test_labels_and_their_bytes_survive_reopening(tmp_path: Path) -> None:
    raw = rejection_mail("<keep@a.example>") + b"\r\n\xff\xfe trailing bytes kept as they are\r\n"
    with LabelStore(tmp_path) as store:
        first = store.put(raw, True, route="import", origin="keep.eml")
    with LabelStore(tmp_path) as store:
        assert list(store) == [first]
        again = store.get("<keep@a.example>")
    assert again is not None
    assert again.raw == raw


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"\x89PNG garbage", "no mail headers found (no From, To, Subject, Date or Message-ID)"),
        (b"  \r\n ", "empty message"),
    ],
)
def test_mail_that_does_not_parse_is_unreadable_and_not_stored(
    store: LabelStore, raw: bytes, why: str
) -> None:
    with pytest.raises(UnreadableMail) as caught:
        store.put(raw, True, route="import", origin="shot.png")
    assert str(caught.value) == f"shot.png: cannot label it, {why}"
    assert isinstance(caught.value, LabelError)
    assert list(store) == []


def test_an_unknown_route_is_a_programming_error_and_stores_nothing(store: LabelStore) -> None:
    with pytest.raises(ValueError, match=r"^unknown label route 'mouse'$"):
        store.put(rejection_mail(), True, route="mouse", origin="o")
    assert store.counts() == {"rejection": 0, "not_rejection": 0}


def test_a_store_whose_folder_cannot_be_created_says_where(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    data_dir = blocker / "data"  # under a regular file: fails even for root
    with pytest.raises(LabelError) as caught:
        LabelStore(data_dir)
    assert str(caught.value).startswith(
        f"cannot open the labeled store at {data_dir / LABELS_FILE}: "
    )
    assert isinstance(caught.value.__cause__, OSError)


def test_a_store_file_that_is_not_a_database_is_a_label_error(tmp_path: Path) -> None:
    (tmp_path / LABELS_FILE).write_bytes(b"this is not SQLite, " * 100)
    with pytest.raises(LabelError) as caught:
        LabelStore(tmp_path)
    assert str(caught.value) == (
        f"cannot open the labeled store at {tmp_path / LABELS_FILE}: file is not a database"
    )


def test_label_digest_is_stable_and_depends_on_key_and_verdict() -> None:
    # Pinned: models record these digests in their metadata, so they must never change.
    assert label_digest("<rej-1@northwind-labs.com>", True) == "4db756318228a2d2"
    assert label_digest("<rej-1@northwind-labs.com>", False) == "efd1b2b7facd37c8"
    assert label_digest("<rej-2@northwind-labs.com>", True) not in {
        "4db756318228a2d2",
        "efd1b2b7facd37c8",
    }
    # Keys that are not valid UTF-8 (surrogate escapes) still digest.
    assert len(label_digest("<\udcff@a.example>", True)) == 16


def test_a_labels_digest_is_that_of_its_key_and_verdict(store: LabelStore) -> None:
    label = store.put(
        rejection_mail("<rej-1@northwind-labs.com>"), True, route="command", origin="o"
    )
    assert label.digest == "4db756318228a2d2"
    flipped = Label(
        label.key, False, label.route, label.origin, None, None, label.labeled, label.raw
    )
    assert flipped.digest == "efd1b2b7facd37c8"
