"""Reading mail to label from real folders, mbox files and Maildirs in a temporary directory."""

from __future__ import annotations

import mailbox
import os
from pathlib import Path

import pytest
from conftest import invitation_mail, plain, rejection_mail

from detector.importer import ImportedMail, ImportFailed, read_mail
from detector.message import parse


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root`` by relative name, with its mtime and bytes."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _can_list(folder: Path) -> bool:
    try:
        next(folder.iterdir(), None)
    except PermissionError:
        return False
    return True


def test_a_folder_yields_every_eml_below_it_sorted(tmp_path: Path) -> None:
    a = _write(tmp_path / "mail" / "a.eml", rejection_mail())
    c = _write(tmp_path / "mail" / "sub" / "deeper" / "c.eml", plain("third", subject="Third"))
    b = _write(tmp_path / "mail" / "sub" / "b.EML.eml", invitation_mail())
    _write(tmp_path / "mail" / "notes.txt", b"not mail")
    assert list(read_mail(tmp_path / "mail")) == [
        ImportedMail(str(a), rejection_mail()),
        ImportedMail(str(b), invitation_mail()),
        ImportedMail(str(c), plain("third", subject="Third")),
    ]


def test_a_single_eml_file_is_itself(tmp_path: Path) -> None:
    path = _write(tmp_path / "one.eml", rejection_mail())
    assert list(read_mail(path)) == [ImportedMail(str(path), rejection_mail())]


def test_an_mbox_yields_each_message_as_stored_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "archive.mbox"
    mails = [plain(f"Body {n}\n", subject=f"Subject {n}") for n in (1, 2, 3)]
    box = mailbox.mbox(path)
    for raw in mails:
        box.add(raw)
    box.close()
    before = _snapshot(tmp_path)
    imported = list(read_mail(path))
    assert [m.origin for m in imported] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert [m.raw for m in imported] == mails
    assert [parse(m.raw).subject for m in imported] == ["Subject 1", "Subject 2", "Subject 3"]
    assert _snapshot(tmp_path) == before


def test_an_mbox_is_recognised_by_its_first_line_not_its_name(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "Inbox")
    box.add(rejection_mail())
    box.close()
    assert [parse(m.raw).subject for m in read_mail(tmp_path / "Inbox")] == [
        parse(rejection_mail()).subject
    ]


def test_a_maildir_yields_new_and_cur_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    fresh = _write(root / "new" / "1700000002.M1P1.host", rejection_mail())
    seen = _write(root / "cur" / "1700000001.M1P1.host:2,S", invitation_mail())
    _write(root / "tmp" / "1700000003.M1P1.host", plain("still being delivered"))
    _write(root / "cur" / ".hidden", plain("not a message"))
    os.utime(fresh, ns=(1_700_000_002_000_000_000, 1_700_000_002_000_000_000))
    before = _snapshot(root)
    imported = list(read_mail(root))
    assert imported == [
        ImportedMail(str(fresh), rejection_mail()),
        ImportedMail(str(seen), invitation_mail()),
    ]
    assert _snapshot(root) == before
    assert sorted(p.name for p in (root / "new").iterdir()) == [fresh.name]


def test_a_missing_path_fails_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ImportFailed) as caught:
        read_mail(missing)
    assert str(caught.value) == (
        f"{missing} does not exist; give a folder of .eml files, an mbox file or a Maildir"
    )


def test_a_broken_link_says_so(tmp_path: Path) -> None:
    (tmp_path / "link.eml").symlink_to(tmp_path / "gone.eml")
    with pytest.raises(ImportFailed, match=r"link\.eml is a link to nothing"):
        read_mail(tmp_path / "link.eml")


def test_an_empty_folder_holds_no_mail(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    _write(tmp_path / "empty" / "sub" / "readme.txt", b"hello")
    with pytest.raises(ImportFailed) as caught:
        read_mail(tmp_path / "empty")
    assert str(caught.value) == (
        f"{tmp_path / 'empty'} holds no .eml files, mbox or Maildir; "
        "give a folder of .eml files, an mbox file or a Maildir"
    )


def test_an_empty_maildir_holds_no_mail(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "Maildir" / sub).mkdir(parents=True)
    with pytest.raises(ImportFailed, match="holds no mail in new/ or cur/"):
        read_mail(tmp_path / "Maildir")


def test_a_file_that_is_neither_eml_nor_mbox_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.txt", b"Subject: hello\r\n\r\nbody\r\n")
    with pytest.raises(ImportFailed, match=r"notes\.txt is neither an \.eml file nor an mbox"):
        read_mail(path)


def test_a_path_that_cannot_be_resolved_is_unreadable_even_for_root(tmp_path: Path) -> None:
    # A symbolic link to itself fails with ELOOP for every user, root included.
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(ImportFailed) as caught:
        read_mail(loop)
    assert str(caught.value) == (
        f"cannot read {loop}: Too many levels of symbolic links; "
        "check that it is there and yours to read"
    )


def test_a_file_that_vanishes_before_it_is_read_fails_naming_it(tmp_path: Path) -> None:
    first = _write(tmp_path / "mail" / "a.eml", rejection_mail())
    second = _write(tmp_path / "mail" / "b.eml", invitation_mail())
    mails = read_mail(tmp_path / "mail")  # listed now, read while iterating
    assert next(mails) == ImportedMail(str(first), rejection_mail())
    second.unlink()
    with pytest.raises(ImportFailed) as caught:
        next(mails)
    assert str(caught.value) == (
        f"cannot read {second}: No such file or directory; check that it is there and yours to read"
    )


@pytest.mark.parametrize("locked", ["mail", "mail/sub"])
def test_an_unreadable_folder_fails_before_anything_is_read(tmp_path: Path, locked: str) -> None:
    _write(tmp_path / "mail" / "sub" / "a.eml", rejection_mail())
    folder = tmp_path / locked
    folder.chmod(0)
    try:
        if _can_list(folder):
            pytest.skip("this user (root) reads folders whatever their mode; see the ELOOP test")
        with pytest.raises(ImportFailed) as caught:
            read_mail(tmp_path / "mail")
    finally:
        folder.chmod(0o755)
    assert str(caught.value) == (
        f"cannot read {folder}: Permission denied; check that it is there and yours to read"
    )
