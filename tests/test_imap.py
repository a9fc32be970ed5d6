"""The IMAP backend against a real Dovecot: read-only reading, drafts, cursors and failures.

Every test gets a user of its own (an empty mailbox) and runs whole passes through the public
``run_once``, as ``gracious run --once`` does; the server's state is then read back over IMAP
and compared exactly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import (
    INVITATION_TEXT,
    REJECTION_TEXT,
    draft_id,
    drafts_for,
    gracious,
    invitation_mail,
    mixed_mail,
    open_journal,
    plain,
    rejection_mail,
    run_pass,
)
from dovecot import (
    IDENTITY_EMAIL,
    IDENTITY_NAME,
    CuttingProxy,
    Dovecot,
    ImapUser,
    Seed,
    append_messages,
    create_folder,
    draft_ids,
    expunge_all,
    imap_account,
    read_folder,
    snapshot,
    write_config,
)

from detector.classifier import Model, classify
from detector.config import load_config
from detector.credentials import resolve_credentials
from detector.imap import ImapMailbox
from detector.message import parse
from detector.state import Status

DRAFT_FLAGS = frozenset({b"\\Draft", b"\\Seen"})
REJ = "<rej-1@northwind-labs.com>"
REJ2 = "<rej-2@northwind-labs.com>"
INV = "<inv-1@northwind-labs.com>"
INV2 = "<inv-2@northwind-labs.com>"


def uidvalidity(user: ImapUser, folder: str) -> int:
    with user.connect() as client:
        return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])


# --- reading changes nothing -----------------------------------------------------------------


def test_a_pass_changes_nothing_in_the_watched_folder(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(
        imap_user,
        "INBOX",
        [
            Seed(rejection_mail(REJ)),  # unread, and must stay so
            Seed(rejection_mail(REJ2), flags=(b"\\Seen",)),
            Seed(invitation_mail(INV), flags=(b"\\Flagged",)),
            Seed(invitation_mail(INV2), flags=(b"\\Answered", b"$Job")),
        ],
    )
    before = snapshot(imap_user, "INBOX")
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])

    summary = run_pass(config, shipped_model)

    assert (summary.checked, summary.rejections, summary.drafts_saved) == (4, 2, 2)
    # Flags (\Recent too), MODSEQ, INTERNALDATE, size and bytes of every UID, and the folder's
    # UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ: a single flag change would move HIGHESTMODSEQ.
    assert snapshot(imap_user, "INBOX") == before
    unseen = [m.uid for m in read_folder(imap_user, "INBOX") if b"\\Seen" not in m.flags]
    assert unseen == [1, 3, 4]


def test_drafts_are_threaded_flagged_and_one_per_rejection(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(
        imap_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV), rejection_mail(REJ2)]
    )
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 3, rejections 2, drafts saved 2, skipped 0, errors 0"
    drafts = read_folder(imap_user, "Drafts")
    assert [str(d.headers["Message-ID"]) for d in drafts] == [draft_id(REJ), draft_id(REJ2)]
    for draft, original in zip(drafts, (REJ, REJ2), strict=True):
        assert draft.flags == DRAFT_FLAGS
        head = draft.headers
        assert head["In-Reply-To"] == original
        assert head["References"] == original
        assert head["Subject"] == "Re: Your application for Data Analyst"
        assert head["From"] == f"{IDENTITY_NAME} <{IDENTITY_EMAIL}>"
        assert head["To"] == "anna.berg@northwind-labs.com"
    assert read_folder(imap_user, "Sent") == []
    assert read_folder(imap_user, "Trash") == []
    with open_journal(tmp_path) as book:
        assert book.counts() == {Status.DRAFTED: 2, Status.NOT_REJECTION: 1}
        entry = book.entry(REJ)
        assert entry is not None
        assert (entry.status, entry.draft_message_id) == (Status.DRAFTED, draft_id(REJ))
        assert entry.draft == drafts[0].raw  # the bytes journalled are the bytes saved


def test_a_second_pass_saves_nothing_new(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run_pass(config, shipped_model)
    drafts = snapshot(imap_user, "Drafts")

    again = run_pass(config, shipped_model)

    assert again.line() == "checked 0, rejections 0, drafts saved 0, skipped 0, errors 0"
    assert snapshot(imap_user, "Drafts") == drafts


def test_new_mail_after_a_pass_is_read_from_the_cursor_on(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run_pass(config, shipped_model)
    append_messages(imap_user, "INBOX", [invitation_mail(INV2), rejection_mail(REJ2)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 2, rejections 1, drafts saved 1, skipped 0, errors 0"
    assert draft_ids(imap_user) == drafts_for(REJ, REJ2)
    with open_journal(tmp_path) as book:
        cursor = book.cursor(imap_user.name, "INBOX")
        assert cursor is not None
        assert (cursor.uidvalidity, cursor.last_uid) == (uidvalidity(imap_user, "INBOX"), 4)


def test_gmail_layout_saves_into_gmail_drafts(
    gmail_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(gmail_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    config = write_config(tmp_path, [imap_account(gmail_user, tmp_path, name="gmail")])

    summary = run_pass(config, shipped_model)
    again = run_pass(config, shipped_model)

    assert summary.drafts_saved == 1
    assert summary.saved[0].startswith("saved to gmail/[Gmail]/Drafts\n")
    assert again.drafts_saved == 0
    drafts = read_folder(gmail_user, "[Gmail]/Drafts")
    assert [(str(d.headers["Message-ID"]), d.flags) for d in drafts] == [
        (draft_id(REJ), DRAFT_FLAGS)
    ]
    assert read_folder(gmail_user, "[Gmail]/Sent Mail") == []


@pytest.mark.parametrize("folder", ["Replies", "Entwürfe"])  # the second in modified UTF-7
def test_a_configured_drafts_folder_wins_over_special_use(
    folder: str, imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    create_folder(imap_user, folder)
    append_messages(imap_user, "INBOX", [rejection_mail(REJ)])
    account = imap_account(imap_user, tmp_path, drafts_folder=folder)
    config = write_config(tmp_path, [account])

    run_pass(config, shipped_model)
    again = run_pass(config, shipped_model)

    assert draft_ids(imap_user, folder) == drafts_for(REJ)
    assert read_folder(imap_user, "Drafts") == []
    assert again.drafts_saved == 0


# --- UIDVALIDITY -------------------------------------------------------------------------------


def _forget_uids(user: ImapUser, folder: str) -> None:
    """Remove Dovecot's UID list and indexes: the server then assigns a new UIDVALIDITY."""
    path = user.maildir if folder == "INBOX" else user.maildir / f".{folder}"
    for file in [path / "dovecot-uidlist", *path.glob("dovecot.index*")]:
        file.unlink()


def _recreate(user: ImapUser, folder: str, messages: list[bytes]) -> None:
    """Delete the folder and make it again with the same mail, as a migration tool does."""
    with user.connect() as client:
        client.delete_folder(folder)
        client.create_folder(folder)
    append_messages(user, folder, messages)


@pytest.mark.parametrize("how", ["index files removed", "folder recreated"])
def test_a_uidvalidity_change_rescans_without_drafting_again(
    how: str,
    imap_user: ImapUser,
    tmp_path: Path,
    shipped_model: Model,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = "INBOX" if how == "index files removed" else "Jobs"
    if folder != "INBOX":
        create_folder(imap_user, folder)
    first = [rejection_mail(REJ), invitation_mail(INV)]
    append_messages(imap_user, folder, first)
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, folders=[folder])])
    run_pass(config, shipped_model)
    old = uidvalidity(imap_user, folder)
    if how == "index files removed":
        _forget_uids(imap_user, folder)
    else:
        _recreate(imap_user, folder, first)
    append_messages(imap_user, folder, [rejection_mail(REJ2)])
    new = uidvalidity(imap_user, folder)
    assert new != old  # the premise of the test

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 3, rejections 1, drafts saved 1, skipped 0, errors 0"
    assert draft_ids(imap_user) == drafts_for(REJ, REJ2)
    assert f"{folder} changed UIDVALIDITY ({old} -> {new})" in caplog.text
    with open_journal(tmp_path) as book:
        assert book.seen_sources(imap_user.name, folder) >= {f"{new}/1", f"{new}/2", f"{new}/3"}
        cursor = book.cursor(imap_user.name, folder)
        assert cursor is not None
        assert (cursor.uidvalidity, cursor.last_uid) == (new, 3)
    assert run_pass(config, shipped_model).checked == 0


# --- a connection that drops -------------------------------------------------------------------

PROXY_MAIL = mixed_mail(40, every=4, tag="cut")  # a whole pass reads about 35 KB


@pytest.mark.parametrize(
    "case",
    [  # where the line is cut, what the log says, how many messages are recorded by then
        (600, "the connection to 127.0.0.1:", range(1)),  # during LOGIN
        (6_000, "connection lost or server error", range(1)),  # in the first FETCH of bodies
        (16_000, "connection lost or server error", range(1, 40)),  # mid-pass
        (28_000, "connection lost or server error", range(1, 40)),
    ],
    ids=["login", "first fetch", "mid-pass", "late"],
)
def test_a_dropped_connection_keeps_the_journal_consistent(
    case: tuple[int, str, range],
    imap_user: ImapUser,
    tmp_path: Path,
    shipped_model: Model,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cut_after, lost, recorded = case
    append_messages(imap_user, "INBOX", [raw for raw, _, _ in PROXY_MAIL])
    rejections = [mid for _, mid, rejection in PROXY_MAIL if rejection]
    validity = uidvalidity(imap_user, "INBOX")
    with CuttingProxy(imap_user.server.port, cut_after) as proxy:
        account = imap_account(imap_user, tmp_path, port=proxy.port, batch_size=8)
        config = write_config(tmp_path, [account])

        cut = run_pass(config, shipped_model)

        assert proxy.cuts == 1
        assert cut.errors == 1
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert errors[0].startswith(f"account {imap_user.name}: {lost}")
        with open_journal(tmp_path) as book:
            seen = book.seen_sources(imap_user.name, "INBOX")
            cursor = book.cursor(imap_user.name, "INBOX")
            pending = book.pending_drafts()
            drafted = book.counts().get(Status.DRAFTED, 0)
        # Messages are recorded in UID order and the cursor never passes one that is not.
        last = cursor.last_uid if cursor else 0
        assert seen == {f"{validity}/{uid}" for uid in range(1, last + 1)}
        assert last in recorded
        on_server = draft_ids(imap_user)
        assert max(on_server.values(), default=1) == 1
        assert drafted + len(pending) >= sum(on_server.values()) >= drafted

        done = run_pass(config, shipped_model)  # the proxy lets later connections through

    assert done.errors == 0
    assert done.checked == len(PROXY_MAIL) - last
    assert draft_ids(imap_user) == drafts_for(*rejections)
    with open_journal(tmp_path) as book:
        assert len(book.seen_sources(imap_user.name, "INBOX")) == len(PROXY_MAIL)
        assert book.counts() == {Status.DRAFTED: 10, Status.NOT_REJECTION: 30}


# --- bad mail, big mail, old mail ----------------------------------------------------------------


def test_a_malformed_message_is_logged_and_skipped(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model, caplog: pytest.LogCaptureFixture
) -> None:
    garbage = b"This is not a mail, only a line of text without any header.\r\n"
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), garbage, rejection_mail(REJ2)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 3, rejections 2, drafts saved 2, skipped 1, errors 0"
    assert draft_ids(imap_user) == drafts_for(REJ, REJ2)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"account {imap_user.name}: INBOX UID 2: skipped, no mail headers found "
        "(no From, To, Subject, Date or Message-ID)"
    ]
    with open_journal(tmp_path) as book:
        assert book.counts() == {Status.DRAFTED: 2, Status.SKIPPED: 1}
    assert run_pass(config, shipped_model).checked == 0  # skipped means looked at, once


def test_messages_above_max_message_kb_are_skipped_and_logged(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model, caplog: pytest.LogCaptureFixture
) -> None:
    big = plain(
        REJECTION_TEXT + "\n" + "P.S. " + "Our offices are closed on Fridays. " * 120,
        subject="Your application for Data Analyst",
        message_id=REJ2,
    )
    assert len(rejection_mail(REJ)) < 1024
    assert len(big) > 4096
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), big])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, max_message_kb=1)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 2, rejections 1, drafts saved 1, skipped 1, errors 0"
    assert draft_ids(imap_user) == drafts_for(REJ)
    validity = uidvalidity(imap_user, "INBOX")
    kb = len(big) // 1024
    assert (
        f"account {imap_user.name}: INBOX {validity}/2: skipped, larger than the limit "
        f"({kb} KB > 1 KB)"
    ) in caplog.text
    with open_journal(tmp_path) as book:
        assert book.counts() == {Status.DRAFTED: 1, Status.SKIPPED: 1}
    assert run_pass(config, shipped_model).checked == 0


OLD_REJ = "<old-rej@northwind-labs.com>"
OLD_INV = "<old-inv@northwind-labs.com>"


@pytest.mark.parametrize(
    "backfill",
    [{"everything": True}, {"since": (datetime.now(UTC) - timedelta(days=120)).date()}],
    ids=["--all", "--since 120"],
)
def test_since_days_bounds_the_first_pass_and_a_backfill_reaches_further(
    backfill: dict[str, object], imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    old = datetime.now(UTC) - timedelta(days=90)
    append_messages(
        imap_user,
        "INBOX",
        [  # the old ones first, so their UIDs lie below the cursor of the first pass
            Seed(rejection_mail(OLD_REJ), date=old),
            Seed(invitation_mail(OLD_INV), date=old),
            rejection_mail(REJ),
            invitation_mail(INV),
        ],
    )
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, since_days=30)])

    first = run_pass(config, shipped_model)
    assert first.line() == "checked 2, rejections 1, drafts saved 1, skipped 0, errors 0"
    assert draft_ids(imap_user) == drafts_for(REJ)
    too_short = run_pass(config, shipped_model, since=(datetime.now(UTC) - timedelta(60)).date())
    assert too_short.checked == 0

    filled = run_pass(config, shipped_model, **backfill)

    assert filled.line() == "checked 2, rejections 1, drafts saved 1, skipped 0, errors 0"
    assert draft_ids(imap_user) == drafts_for(REJ, OLD_REJ)
    assert run_pass(config, shipped_model).checked == 0
    assert run_pass(config, shipped_model, everything=True).checked == 0


# --- the same rejection twice, a deleted draft -------------------------------------------------


def test_the_same_rejection_in_two_folders_is_drafted_once(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    create_folder(imap_user, "Jobs")
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    append_messages(imap_user, "Jobs", [rejection_mail(REJ2), rejection_mail(REJ)])
    account = imap_account(imap_user, tmp_path, folders=["INBOX", "Jobs"])
    config = write_config(tmp_path, [account])

    summary = run_pass(config, shipped_model)

    assert summary.drafts_saved == 2
    assert draft_ids(imap_user) == drafts_for(REJ, REJ2)
    with open_journal(tmp_path) as book:
        assert len(book.seen_sources(imap_user.name, "Jobs")) == 2
        assert book.counts() == {Status.DRAFTED: 2, Status.NOT_REJECTION: 1}


def test_the_same_rejection_in_two_accounts_is_drafted_once(
    imap_users: Callable[[], ImapUser], tmp_path: Path, shipped_model: Model
) -> None:
    home, work = imap_users(), imap_users()
    append_messages(home, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    append_messages(work, "INBOX", [invitation_mail(INV2), rejection_mail(REJ)])
    accounts = [
        imap_account(home, tmp_path, name="home"),
        imap_account(work, tmp_path, name="work"),
    ]
    config = write_config(tmp_path, accounts)

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 4, rejections 1, drafts saved 1, skipped 0, errors 0"
    assert draft_ids(home) == drafts_for(REJ)
    assert draft_ids(work) == Counter()


def test_a_draft_the_user_deleted_is_not_saved_again(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run_pass(config, shipped_model)
    assert draft_ids(imap_user) == drafts_for(REJ)
    expunge_all(imap_user, "Drafts")
    append_messages(imap_user, "INBOX", [invitation_mail(INV)])

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 1, rejections 0, drafts saved 0, skipped 0, errors 0"
    assert read_folder(imap_user, "Drafts") == []


# --- IDLE ----------------------------------------------------------------------------------------


def test_idle_wakes_up_for_new_mail_and_stops_when_asked(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    config = load_config(write_config(tmp_path, [imap_account(imap_user, tmp_path)]))
    account = config.accounts[0]
    mailbox = ImapMailbox(account, lambda: resolve_credentials(account))
    arrives = threading.Timer(0.5, append_messages, (imap_user, "INBOX", [rejection_mail(REJ)]))
    try:
        assert mailbox.supports_idle()
        # The first wait on a connection counts as news: mail may have come before IDLE began.
        assert mailbox.idle_wait("INBOX", 60, lambda: False) is True
        assert mailbox.idle_wait("INBOX", 0.2, lambda: False) is False  # nothing came
        assert mailbox.idle_wait("INBOX", 60, lambda: True) is False  # asked to stop: at once
        arrives.start()
        started = time.monotonic()
        assert mailbox.idle_wait("INBOX", 60, lambda: False) is True
        assert time.monotonic() - started < 50  # woken by the server, not by the timeout
        scan = mailbox.scan("INBOX", uidvalidity=None, after_uid=0, since=None)
        assert [p.uid for p in scan.pending] == [1]  # the connection is usable after IDLE
    finally:
        arrives.join()
        mailbox.close()


# --- the command line: dry run and a wrong password --------------------------------------------


def test_dry_run_writes_nothing(imap_user: ImapUser, tmp_path: Path) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    inbox = snapshot(imap_user, "INBOX")
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    files = sorted(p.name for p in tmp_path.iterdir())

    done = gracious("run", "--once", "--dry-run", "-c", str(config))

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        f"account {imap_user.name}: INBOX UID 1: would save\n"
        "  To: anna.berg@northwind-labs.com\n"
        "  Subject: Re: Your application for Data Analyst\n"
    )
    assert done.stdout.endswith(
        "\nDry run: checked 2, rejections 1, drafts that would be saved 1, skipped 0, errors 0\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no journal, no -wal, no -shm
    assert read_folder(imap_user, "Drafts") == []
    assert snapshot(imap_user, "INBOX") == inbox


def test_a_dry_run_after_a_pass_reads_the_journal_and_changes_nothing(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run_pass(config, shipped_model)
    append_messages(imap_user, "INBOX", [rejection_mail(REJ2)])
    journal = (tmp_path / "state.sqlite3").read_bytes()
    drafts = snapshot(imap_user, "Drafts")

    dry = run_pass(config, shipped_model, dry_run=True)

    assert dry.line(dry_run=True) == (
        "checked 1, rejections 1, drafts that would be saved 1, skipped 0, errors 0"
    )
    assert dry.planned[0].startswith(f"account {imap_user.name}: INBOX UID 3: would save\n")
    assert (tmp_path / "state.sqlite3").read_bytes() == journal
    assert snapshot(imap_user, "Drafts") == drafts


def test_a_wrong_password_is_one_clear_line_and_never_shown(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail(REJ)])
    wrong = "not-the-Passw0rd"
    account = imap_account(imap_user, tmp_path, name="work", password=wrong)
    config = write_config(tmp_path, [account])

    done = gracious("run", "--once", "-c", str(config))

    assert done.returncode == 1
    assert done.stdout == "checked 0, rejections 0, drafts saved 0, skipped 0, errors 1\n"
    assert done.stderr.splitlines() == [
        f"ERROR detector.runner: account work: login as {imap_user.name} on 127.0.0.1 was "
        "refused ([AUTHENTICATIONFAILED] Authentication failed.); check the username and password"
    ]
    for secret in (wrong, imap_user.password):
        assert secret not in done.stdout + done.stderr
    assert read_folder(imap_user, "Drafts") == []


def test_one_account_failing_to_log_in_does_not_stop_the_others(
    imap_users: Callable[[], ImapUser],
    tmp_path: Path,
    shipped_model: Model,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken, fine = imap_users(), imap_users()
    for user in (broken, fine):
        append_messages(user, "INBOX", [rejection_mail(REJ), invitation_mail(INV)])
    accounts = [
        imap_account(broken, tmp_path, name="broken", password="wrong"),
        imap_account(fine, tmp_path, name="fine"),
    ]
    config = write_config(tmp_path, accounts)

    summary = run_pass(config, shipped_model)

    assert summary.line() == "checked 2, rejections 1, drafts saved 1, skipped 0, errors 1"
    assert draft_ids(fine) == drafts_for(REJ)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith(f"account broken: login as {broken.name} on 127.0.0.1 was refused")


def test_the_sample_mails_classify_as_their_names_say(shipped_model: Model) -> None:
    """The premise of the counts above: the builders' mails classify as their names say."""
    assert classify(shipped_model, parse(rejection_mail(REJ))).is_rejection
    assert not classify(shipped_model, parse(plain(INVITATION_TEXT))).is_rejection


def test_a_non_ascii_password_logs_in_and_a_wrong_one_is_never_shown(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    user = dovecot.add_user(password="Passwört-über-7")
    append_messages(user, "INBOX", [rejection_mail(REJ)])
    config = write_config(tmp_path, [imap_account(user, tmp_path, name="work")])
    done = gracious("run", "--once", "-c", str(config))
    assert done.returncode == 0, done.stderr
    assert draft_ids(user) == drafts_for(REJ)

    wrong = "Passwört-falsch-8"
    other = tmp_path / "other"
    other.mkdir()
    config = write_config(other, [imap_account(user, other, name="work", password=wrong)])
    done = gracious("run", "--once", "-c", str(config))
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert "login as" in done.stderr and "was refused" in done.stderr
    for secret in (wrong, user.password, "ö", "ü"):
        assert secret not in done.stdout + done.stderr
