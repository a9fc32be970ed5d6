"""The exactly-once protocol (detector/runner.py): crashes never duplicate a draft or skip mail.

A real ``gracious run --once`` is killed with SIGKILL at random points of a long pass; the crash
windows of the protocol are also set up exactly, by putting the journal into the state a crash
leaves (a draft recorded as intended, saved or not) and running the next pass.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    GRACIOUS,
    drafts_for,
    gracious,
    invitation_mail,
    mixed_mail,
    open_journal,
    rejection_mail,
    run_pass,
)
from dovecot import (
    ImapUser,
    append_messages,
    draft_ids,
    expunge_all,
    imap_account,
    snapshot,
    write_config,
)

from detector.classifier import Model
from detector.state import Status

REJ = "<rej-1@northwind-labs.com>"
INV = "<inv-1@northwind-labs.com>"


def recorded(state: Path) -> int:
    """How many messages the journal has looked at, read as another process would."""
    if not state.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT COUNT(*) FROM sources").fetchone()[0])
    except sqlite3.Error:  # not created yet, or the schema is being written
        return 0


def crash_after_intent(state: Path, key: str) -> None:
    """Put ``key`` back to ``draft_intent``: what a crash between journal and mailbox leaves."""
    with contextlib.closing(sqlite3.connect(state)) as db, db:
        changed = db.execute(
            "UPDATE messages SET status = ? WHERE key = ?", (Status.DRAFT_INTENT, key)
        ).rowcount
    assert changed == 1


# --- SIGKILL -----------------------------------------------------------------------------------

KILL_MAIL = mixed_mail(200, every=4, tag="kill")  # 50 rejections among 200 messages


def test_sigkill_mid_pass_neither_duplicates_nor_misses(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    # A client killed in the middle of APPEND is an error to the server, and expected here.
    imap_user.server.expect_problems(
        r"Mailbox Drafts: Saving mail: (save: )?read\(<imap client>\) failed"
    )
    append_messages(imap_user, "INBOX", [raw for raw, _, _ in KILL_MAIL])
    inbox = snapshot(imap_user, "INBOX")
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, batch_size=20)])
    state = tmp_path / "state.sqlite3"
    rng = random.Random(20250303)
    killed_at: list[int] = []

    for _ in range(3):
        target = recorded(state) + rng.randint(5, 45)
        process = subprocess.Popen(
            [GRACIOUS, "run", "--once", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and recorded(state) < target:
            assert time.monotonic() < deadline, "gracious made no progress for 120 s"
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))  # somewhere inside the next message's steps
        if process.poll() is None:
            process.kill()
            killed_at.append(recorded(state))
        process.wait(60)

    # The kills landed mid-pass, each after more progress than the one before (on a badly
    # overloaded machine one pass might finish before its kill; two suffice for the point).
    assert len(killed_at) >= 2
    assert killed_at == sorted(set(killed_at))
    assert killed_at[0] > 0
    assert killed_at[-1] < len(KILL_MAIL)

    done = gracious("run", "--once", "-c", str(config))

    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(", errors 0\n")
    rejections = [mid for _, mid, rejection in KILL_MAIL if rejection]
    assert draft_ids(imap_user) == drafts_for(*rejections)  # each exactly once
    with open_journal(tmp_path) as journal:
        validity = inbox["status"][b"UIDVALIDITY"]
        assert journal.seen_sources(imap_user.name, "INBOX") == {
            f"{validity}/{uid}" for uid in range(1, len(KILL_MAIL) + 1)
        }
        assert journal.counts() == {Status.DRAFTED: 50, Status.NOT_REJECTION: 150}
        assert journal.pending_drafts() == []
    assert snapshot(imap_user, "INBOX") == inbox


# --- the crash windows, set up exactly ---------------------------------------------------------


def test_a_draft_recorded_but_never_saved_is_saved_once(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run_pass(config, shipped_model)
    expunge_all(imap_user, "Drafts")
    crash_after_intent(tmp_path / "state.sqlite3", REJ)  # crashed between steps 1 and 2

    summary = run_pass(config, shipped_model)
    again = run_pass(config, shipped_model)

    assert (summary.checked, summary.drafts_saved) == (0, 1)
    assert again.drafts_saved == 0
    assert draft_ids(imap_user) == drafts_for(REJ)
    with open_journal(tmp_path) as journal:
        entry = journal.entry(REJ)
        assert entry is not None
        assert entry.status == Status.DRAFTED


def test_a_draft_saved_but_not_confirmed_is_only_confirmed(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model, caplog: pytest.LogCaptureFixture
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run_pass(config, shipped_model)
    crash_after_intent(tmp_path / "state.sqlite3", REJ)  # crashed between steps 2 and 3
    caplog.set_level(logging.INFO, logger="detector.runner")

    summary = run_pass(config, shipped_model)

    assert summary.drafts_saved == 0
    assert draft_ids(imap_user) == drafts_for(REJ)
    with open_journal(tmp_path) as journal:
        entry = journal.entry(REJ)
        assert entry is not None
        assert (entry.status, entry.reason) == (Status.DRAFTED, "found in Drafts")
    assert "was already in Drafts; recorded" in caplog.text


def test_an_unfinished_draft_is_finished_by_its_own_account_only(
    imap_users: Callable[[], ImapUser], tmp_path: Path, shipped_model: Model
) -> None:
    """The same rejection reached two accounts; the first saved the draft and crashed before
    confirming it, and is unreachable on the next pass. The other account must not save a
    second draft: only the first one's Drafts folder can say whether the draft is there."""
    home, work = imap_users(), imap_users()
    for user in (home, work):
        append_messages(user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    home_only = write_config(tmp_path, [imap_account(home, tmp_path, name="home")], name="1.toml")
    run_pass(home_only, shipped_model)
    crash_after_intent(tmp_path / "state.sqlite3", REJ)
    home_down = write_config(
        tmp_path,
        [
            imap_account(home, tmp_path, name="home", password="wrong"),
            imap_account(work, tmp_path, name="work"),
        ],
        name="2.toml",
    )
    both = write_config(
        tmp_path,
        [imap_account(home, tmp_path, name="home"), imap_account(work, tmp_path, name="work")],
        name="3.toml",
    )

    outage = run_pass(home_down, shipped_model)
    back = run_pass(both, shipped_model)

    assert outage.line() == "checked 2, rejections 0, drafts saved 0, skipped 0, errors 1"
    assert back.line() == "checked 0, rejections 0, drafts saved 0, skipped 0, errors 0"
    assert draft_ids(home) == drafts_for(REJ)
    assert draft_ids(work) == Counter()
    with open_journal(tmp_path) as journal:
        entry = journal.entry(REJ)
        assert entry is not None
        assert (entry.account, entry.status) == ("home", Status.DRAFTED)


# --- one account's failure is that account's ---------------------------------------------------


def test_a_failing_password_command_stops_only_its_account(
    imap_users: Callable[[], ImapUser],
    tmp_path: Path,
    shipped_model: Model,
    caplog: pytest.LogCaptureFixture,
) -> None:
    locked, fine = imap_users(), imap_users()
    for user in (locked, fine):
        append_messages(user, "INBOX", [rejection_mail(REJ)])
    secret_output = "s3cret-printed-by-the-failing-command"
    locked_account = imap_account(locked, tmp_path, name="locked")
    locked_account["password_command"] = f"echo {secret_output}; exit 3"
    config = write_config(tmp_path, [locked_account, imap_account(fine, tmp_path, name="fine")])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 1, rejections 1, drafts saved 1, skipped 0, errors 1"
    assert draft_ids(fine) == drafts_for(REJ)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["account 'locked': password_command failed with exit status 3"]
    assert secret_output not in caplog.text


def test_the_command_line_reports_a_failing_account_and_goes_on(
    imap_users: Callable[[], ImapUser], tmp_path: Path
) -> None:
    locked, fine = imap_users(), imap_users()
    for user in (locked, fine):
        append_messages(user, "INBOX", [invitation_mail(INV)])
    locked_account = imap_account(locked, tmp_path, name="locked")
    locked_account["password_command"] = "exit 3"
    config = write_config(tmp_path, [locked_account, imap_account(fine, tmp_path, name="fine")])

    done = gracious("run", "--once", "-c", str(config))

    assert done.returncode == 1
    assert done.stderr == (
        "ERROR detector.runner: account 'locked': password_command failed with exit status 3\n"
    )
    assert done.stdout == "checked 1, rejections 0, drafts saved 0, skipped 0, errors 1\n"
