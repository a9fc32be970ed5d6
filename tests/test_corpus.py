"""detector.corpus: labeled folders on disk, template-family groups, and the corpus digest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import plain

from detector.corpus import (
    CLASSES,
    LabeledMail,
    corpus_dir,
    corpus_hash,
    groups,
    iter_eml,
    load_labeled,
)
from detector.errors import GraciousError
from detector.message import parse

GARBAGE = b"\x89PNG\r\n\x1a\n\x00\x00not a mail"


def mail(sender: str, n: int = 0) -> bytes:
    return plain(f"Message {n}", sender=sender, message_id=f"<{n}@example.org>")


@pytest.fixture
def labeled(tmp_path: Path) -> Path:
    """rejection/{a,sub/b}.eml, not_rejection/{c,bad}.eml, a note and labels for two files."""
    root = tmp_path / "labeled"
    (root / "rejection" / "sub").mkdir(parents=True)
    (root / "not_rejection").mkdir()
    (root / "rejection" / "a.eml").write_bytes(mail("Anna <anna@acme.example>", 1))
    (root / "rejection" / "sub" / "b.eml").write_bytes(mail("Bob <bob@birch.example>", 2))
    (root / "not_rejection" / "c.eml").write_bytes(mail("Cleo <cleo@acme.example>", 3))
    (root / "not_rejection" / "bad.eml").write_bytes(GARBAGE)
    (root / "not_rejection" / "notes.txt").write_text("not a mail", encoding="utf-8")
    rows = [
        {"file": "rejection/a.eml", "family": "fam-a", "company": "Acme", "interviewed": False},
        {"file": "not_rejection/c.eml", "family": "fam-c"},
    ]
    (root / "labels.jsonl").write_text(
        json.dumps(rows[0]) + "\n\n" + json.dumps(rows[1]) + "\n", encoding="utf-8"
    )
    return root


def test_load_labeled_reads_labels_truth_and_failures(labeled: Path) -> None:
    mails, failed = load_labeled(labeled)
    assert [(m.path.relative_to(labeled).as_posix(), m.label) for m in mails] == [
        ("not_rejection/c.eml", 0),
        ("rejection/a.eml", 1),
        ("rejection/sub/b.eml", 1),
    ]
    assert mails[1].truth == {
        "file": "rejection/a.eml",
        "family": "fam-a",
        "company": "Acme",
        "interviewed": False,
    }
    assert mails[2].truth == {}
    assert mails[1].message.sender is not None
    assert mails[1].message.sender.email == "anna@acme.example"
    assert failed == [
        (
            labeled / "not_rejection" / "bad.eml",
            "no mail headers found (no From, To, Subject, Date or Message-ID)",
        )
    ]


def test_family_comes_from_the_labels_or_the_file_name(labeled: Path) -> None:
    mails, _ = load_labeled(labeled)
    assert [m.family for m in mails] == ["fam-c", "fam-a", "b.eml"]


def test_labels_are_optional(labeled: Path) -> None:
    (labeled / "labels.jsonl").unlink()
    mails, _ = load_labeled(labeled)
    assert [m.truth for m in mails] == [{}, {}, {}]


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(GraciousError) as info:
        load_labeled(tmp_path / "missing")
    assert str(info.value) == f"{tmp_path / 'missing'}: not a folder of labeled mail"


def test_folder_without_mail(tmp_path: Path) -> None:
    (tmp_path / "rejection").mkdir()
    (tmp_path / "rejection" / "bad.eml").write_bytes(GARBAGE)
    with pytest.raises(GraciousError) as info:
        load_labeled(tmp_path)
    assert str(info.value) == f"{tmp_path}: no .eml files under rejection/ or not_rejection/"


@pytest.mark.parametrize(
    "line", ["{not json", '{"label": "rejection"}', "[1, 2]", '"just a string"']
)
def test_bad_label_row_names_file_and_line(labeled: Path, line: str) -> None:
    labels = labeled / "labels.jsonl"
    labels.write_text('{"file": "rejection/a.eml"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(GraciousError) as info:
        load_labeled(labeled)
    assert str(info.value).startswith(f"{labels}:2: not a label row (")


def test_iter_eml_of_a_file_and_a_folder(labeled: Path) -> None:
    single = labeled / "rejection" / "a.eml"
    assert list(iter_eml(single)) == [single]
    assert [p.relative_to(labeled).as_posix() for p in iter_eml(labeled)] == [
        "not_rejection/bad.eml",
        "not_rejection/c.eml",
        "rejection/a.eml",
        "rejection/sub/b.eml",
    ]


def _mails(*rows: tuple[str, str | None, str]) -> list[LabeledMail]:
    """(file name, family or None, sender address) -> labeled mails."""
    out = []
    for n, (name, family, sender) in enumerate(rows):
        truth = {"family": family} if family else {}
        out.append(LabeledMail(Path(name), parse(mail(sender, n)), n % 2, truth))
    return out


def test_groups_merge_families_and_sender_domains_transitively() -> None:
    mails = _mails(
        ("1.eml", "fam-x", "a@acme.example"),
        ("2.eml", "fam-x", "b@birch.example"),  # same family as 1
        ("3.eml", "fam-y", "c@birch.example"),  # same domain as 2, so also with 1
        ("4.eml", "fam-z", "d@cedar.example"),
        ("5.eml", None, "e@jobs.cedar.example"),  # subdomain of cedar.example
        ("6.eml", None, "f@dune.example"),
    )
    assert groups(mails) == [0, 0, 0, 1, 1, 2]


def test_shared_relays_and_webmail_do_not_merge_groups() -> None:
    mails = _mails(
        ("1.eml", None, "no-reply@greenhouse-mail.io"),
        ("2.eml", None, "no-reply@greenhouse-mail.io"),
        ("3.eml", None, "someone@gmail.com"),
        ("4.eml", None, "other@gmail.com"),
        ("5.eml", None, "x@eu.myworkday.com"),
    )
    assert groups(mails) == [0, 1, 2, 3, 4]


def test_country_second_level_domains_keep_the_organisation() -> None:
    mails = _mails(
        ("1.eml", None, "a@careers.acme.co.uk"),
        ("2.eml", None, "b@acme.co.uk"),
        ("3.eml", None, "c@birch.co.uk"),
    )
    assert groups(mails) == [0, 0, 1]


def test_corpus_hash_is_stable_and_tracks_mail_bytes_and_names(labeled: Path) -> None:
    first = corpus_hash(labeled)
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert corpus_hash(labeled) == first
    (labeled / "labels.jsonl").write_text("", encoding="utf-8")
    assert corpus_hash(labeled) == first  # only the labeled mail counts
    target = labeled / "rejection" / "a.eml"
    target.write_bytes(target.read_bytes() + b"\r\n")
    changed = corpus_hash(labeled)
    assert changed != first
    target.rename(labeled / "rejection" / "a2.eml")
    assert corpus_hash(labeled) not in (first, changed)


def test_shipped_corpus_is_complete_and_parses() -> None:
    root = corpus_dir()
    mails, failed = load_labeled(root)
    assert failed == []
    assert {m.label for m in mails} == {0, 1}
    labels = [
        json.loads(line) for line in (root / "labels.jsonl").read_text("utf-8").splitlines() if line
    ]
    on_disk = {p.relative_to(root).as_posix() for name in CLASSES for p in iter_eml(root / name)}
    assert {row["file"] for row in labels} == on_disk
    for row in labels:
        assert row["file"].startswith(row["label"] + "/")
