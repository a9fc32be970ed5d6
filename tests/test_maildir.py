"""The Maildir backend on real Maildirs in a temp dir: watched files untouched, drafts as a client
saves them (``.Drafts/cur/<unique>:2,DS``), and the same exactly-once guarantees as over IMAP."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import (
    draft_id,
    gracious,
    invitation_mail,
    open_journal,
    rejection_mail,
    run_pass,
)
from dovecot import write_config

from detector.classifier import Model
from detector.state import Status

REJ = "<rej-1@northwind-labs.com>"
REJ2 = "<rej-2@northwind-labs.com>"
INV = "<inv-1@northwind-labs.com>"
ROOT = Path(__file__).resolve().parent.parent

Listing = dict[str, tuple[bytes, int]]


def make_maildir(path: Path, files: dict[str, bytes] | None = None) -> Path:
    """A Maildir (cur/, new/, tmp/) holding ``files`` by path relative to it."""
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    for name, raw in (files or {}).items():
        (path / name).write_bytes(raw)
    return path


def listing(path: Path) -> Listing:
    """Every file below ``path``: its bytes and modification time, by relative name."""
    return {
        str(file.relative_to(path)): (file.read_bytes(), file.stat().st_mtime_ns)
        for file in sorted(path.rglob("*"))
        if file.is_file()
    }


def drafts_in(maildir: Path, folder: str = ".Drafts") -> list[tuple[str, email.message.Message]]:
    """The files in the Drafts maildir's cur/ with their parsed messages, by name."""
    return [
        (file.name, email.message_from_bytes(file.read_bytes(), policy=email.policy.default))
        for file in sorted((maildir / folder / "cur").iterdir())
    ]


def account(maildir: Path, **options: object) -> dict[str, object]:
    return {"name": "local", "maildir": str(maildir), **options}


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    """An INBOX with a new rejection, a read invitation and a flagged, read rejection."""
    return make_maildir(
        tmp_path / "Maildir",
        {
            "new/1761000001.M1P100.laptop": rejection_mail(REJ),
            "cur/1761000002.M2P100.laptop:2,S": invitation_mail(INV),
            "cur/1761000003.M3P100.laptop:2,FS": rejection_mail(REJ2),
        },
    )


def test_watched_files_are_never_renamed_or_changed(
    maildir: Path, tmp_path: Path, shipped_model: Model
) -> None:
    past = time.time() - 3600  # an hour ago: a touch would move it to now
    for file in (*maildir.glob("new/*"), *maildir.glob("cur/*")):
        os.utime(file, (past, past))
    before = listing(maildir)
    config = write_config(tmp_path, [account(maildir)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 3, rejections 2, drafts saved 2, skipped 0, errors 0"
    after = listing(maildir)
    assert {k: v for k, v in after.items() if not k.startswith(".Drafts/")} == before


def test_drafts_land_in_drafts_cur_flagged_draft_and_seen(
    maildir: Path, tmp_path: Path, shipped_model: Model
) -> None:
    config = write_config(tmp_path, [account(maildir)])

    summary = run_pass(config, shipped_model)

    assert summary.saved[0].startswith("saved to local/Drafts\n")
    drafts = drafts_in(maildir)
    assert sorted(str(m["Message-ID"]) for _, m in drafts) == sorted(
        [draft_id(REJ), draft_id(REJ2)]
    )
    for name, message in drafts:
        assert name.endswith(":2,DS")
        assert message["In-Reply-To"] in (REJ, REJ2)
        assert message["Subject"] == "Re: Your application for Data Analyst"
    assert list((maildir / ".Drafts" / "new").iterdir()) == []
    assert list((maildir / ".Drafts" / "tmp").iterdir()) == []


def test_a_second_pass_adds_nothing(maildir: Path, tmp_path: Path, shipped_model: Model) -> None:
    config = write_config(tmp_path, [account(maildir)])
    run_pass(config, shipped_model)
    before = listing(maildir)

    again = run_pass(config, shipped_model)

    assert again.line() == "checked 0, rejections 0, drafts saved 0, skipped 0, errors 0"
    assert listing(maildir) == before


def test_a_message_a_client_moved_to_cur_is_not_read_again(
    maildir: Path, tmp_path: Path, shipped_model: Model
) -> None:
    config = write_config(tmp_path, [account(maildir)])
    run_pass(config, shipped_model)
    new = maildir / "new" / "1761000001.M1P100.laptop"
    new.rename(maildir / "cur" / "1761000001.M1P100.laptop:2,RS")  # read and replied to

    again = run_pass(config, shipped_model)

    assert again.checked == 0
    assert len(drafts_in(maildir)) == 2


def test_an_existing_drafts_folder_and_a_configured_one(
    maildir: Path, tmp_path: Path, shipped_model: Model
) -> None:
    make_maildir(maildir / ".Brouillons")  # found by its usual French name
    make_maildir(maildir / ".Replies")
    run_pass(write_config(tmp_path, [account(maildir)]), shipped_model)
    assert len(drafts_in(maildir, ".Brouillons")) == 2

    other = make_maildir(tmp_path / "Other", {"new/1761000009.M9P1.laptop": rejection_mail(REJ)})
    make_maildir(other / ".Replies")
    config = write_config(
        tmp_path, [account(other, drafts_folder="Replies")], name="c.toml", state=tmp_path / "2"
    )
    run_pass(config, shipped_model)
    assert [str(m["Message-ID"]) for _, m in drafts_in(other, ".Replies")] == [draft_id(REJ)]
    assert not (other / ".Drafts").exists()


def test_the_same_rejection_in_two_folders_is_drafted_once(
    maildir: Path, tmp_path: Path, shipped_model: Model
) -> None:
    make_maildir(maildir / ".Jobs", {"cur/1761000004.M4P100.laptop:2,S": rejection_mail(REJ)})
    config = write_config(tmp_path, [account(maildir, folders=["INBOX", "Jobs"])])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 4, rejections 2, drafts saved 2, skipped 0, errors 0"
    assert len(drafts_in(maildir)) == 2


def test_a_malformed_file_is_logged_and_skipped(
    maildir: Path, tmp_path: Path, shipped_model: Model, caplog: pytest.LogCaptureFixture
) -> None:
    (maildir / "new" / "1761000005.M5P100.laptop").write_bytes(b"\x00\x01 not a mail\r\n")
    config = write_config(tmp_path, [account(maildir)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 4, rejections 2, drafts saved 2, skipped 1, errors 0"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "account local: INBOX 1761000005.M5P100.laptop: skipped, no mail headers found "
        "(no From, To, Subject, Date or Message-ID)"
    ]
    with open_journal(tmp_path) as journal:
        assert journal.counts() == {
            Status.DRAFTED: 2,
            Status.NOT_REJECTION: 1,
            Status.SKIPPED: 1,
        }


def test_a_file_above_max_message_kb_is_skipped_and_logged(
    maildir: Path, tmp_path: Path, shipped_model: Model, caplog: pytest.LogCaptureFixture
) -> None:
    big = rejection_mail("<big@northwind-labs.com>") + b"x" * 3000 + b"\r\n"
    (maildir / "new" / "1761000006.M6P100.laptop").write_bytes(big)
    config = write_config(tmp_path, [account(maildir, max_message_kb=1)])

    summary = run_pass(config, shipped_model)

    assert summary.skipped == 1
    assert summary.drafts_saved == 2
    assert (
        "account local: INBOX 1761000006.M6P100.laptop: skipped, larger than the limit "
        "(3 KB > 1 KB)"
    ) in caplog.text


def test_since_days_uses_file_times_and_a_backfill_reaches_older_mail(
    maildir: Path, tmp_path: Path, shipped_model: Model
) -> None:
    old = maildir / "cur" / "1761000003.M3P100.laptop:2,FS"
    ninety_days_ago = time.time() - 90 * 86400
    os.utime(old, (ninety_days_ago, ninety_days_ago))
    config = write_config(tmp_path, [account(maildir, since_days=30)])

    first = run_pass(config, shipped_model)
    filled = run_pass(config, shipped_model, everything=True)

    assert (first.checked, first.drafts_saved) == (2, 1)
    assert (filled.checked, filled.drafts_saved) == (1, 1)
    assert sorted(str(m["Message-ID"]) for _, m in drafts_in(maildir)) == sorted(
        [draft_id(REJ), draft_id(REJ2)]
    )


def test_a_dry_run_creates_neither_drafts_nor_a_journal(maildir: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, [account(maildir)])
    before = listing(tmp_path)

    done = gracious("run", "--once", "--dry-run", "-c", str(config))

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("would save") == 2
    assert done.stdout.endswith(
        "Dry run: checked 3, rejections 2, drafts that would be saved 2, skipped 0, errors 0\n"
    )
    assert listing(tmp_path) == before


def test_the_bundled_sample_gets_its_draft(tmp_path: Path, shipped_model: Model) -> None:
    """config.example.toml's own promise: ``gracious run --once`` saves one draft in the sample."""
    sample = tmp_path / "detector" / "sample" / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (sample / sub).mkdir(parents=True)
    for file in (ROOT / "detector" / "sample" / "Maildir" / "new").iterdir():
        shutil.copyfile(file, sample / "new" / file.name)  # copied now: inside since_days
    config = tmp_path / "config.toml"
    shutil.copyfile(ROOT / "config.example.toml", config)

    summary = run_pass(config, shipped_model)
    again = run_pass(config, shipped_model)

    assert summary.line() == "checked 5, rejections 1, drafts saved 1, skipped 0, errors 0"
    assert again.checked == 0
    assert len(drafts_in(sample)) == 1
    assert (tmp_path / "detector" / "sample" / "state.sqlite3").is_file()


def test_a_broken_user_template_is_one_clear_error_and_nothing_is_lost(tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.a.host").write_bytes(rejection_mail("<tpl-1@northwind-labs.com>"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "reply.en.txt.j2").write_text("Dear {{ no_such_variable }}\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[drafts]\ntemplates_dir = "{templates}"\n[state]\npath = "{tmp_path / "s.sqlite3"}"\n'
        f'[[accounts]]\nname = "local"\nmaildir = "{maildir}"\n',
        encoding="utf-8",
    )
    done = gracious("run", "--once", "-c", str(config))
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "checked 1, rejections 0, drafts saved 0, skipped 0, errors 1"
    )
    assert "reply template" in done.stderr and "Traceback" not in done.stderr
    assert not (maildir / ".Drafts").exists()
    # Nothing was recorded for the message, so fixing the template lets the next pass draft it.
    (templates / "reply.en.txt.j2").unlink()
    done = gracious("run", "--once", "-c", str(config))
    assert done.stdout.splitlines()[-1] == (
        "checked 1, rejections 1, drafts saved 1, skipped 0, errors 0"
    )
