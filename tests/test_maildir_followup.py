"""What came of a draft, on a real Maildir: the user's mail client moves files, gracious reads.

A mail client sends a draft by moving its file out of ``.Drafts`` into ``.Sent`` and discards one
by deleting the file; the next pass reads both folders (never writing to them) and the journal
says sent or deleted. tests/test_followup.py does the same over IMAP against Dovecot.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from pathlib import Path

import pytest
from conftest import draft_id, plain, run_pass
from dovecot import write_config

from detector.classifier import Model
from detector.config import load_config
from detector.mailbox import draft_token
from detector.maildir import MaildirMailbox
from detector.state import Journal, Record, Status

ALDER = "<rej-1@alder-systems.com>"
BIRCH = "<rej-2@birchway.com>"
FIRST_PASS = "checked 2, rejections 2, drafts saved 2, skipped 0, errors 0"
QUIET_PASS = "checked 0, rejections 0, drafts saved 0, skipped 0, errors 0"


def rejection(message_id: str, company: str, person: str, domain: str) -> bytes:
    return plain(
        f"Dear Sam,\n\nThank you for your interest in the Analyst position at {company}. After "
        "careful consideration we have decided not to move forward with your application, and "
        f"we wish you every success.\n\nKind regards,\n{person}\n{company}\n",
        sender=f"{person} <{person.split(maxsplit=1)[0].lower()}@{domain}>",
        subject=f"Your application to {company}",
        message_id=message_id,
        date="Tue, 17 Nov 2026 09:00:00 +0000",
    )


def make_maildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def mail_root(tmp_path: Path, *folders: str) -> Path:
    """INBOX with the two rejections, and ``folders`` as empty Maildir++ subfolders."""
    root = make_maildir(tmp_path / "Maildir")
    (root / "new" / "1763370000.M1P100.laptop").write_bytes(
        rejection(ALDER, "Alder Systems", "Mia Lund", "alder-systems.com")
    )
    (root / "new" / "1763370001.M2P100.laptop").write_bytes(
        rejection(BIRCH, "Birchway Foods", "Omar Haddad", "birchway.com")
    )
    for folder in folders:
        make_maildir(root / f".{folder}")
    return root


def config_for(tmp_path: Path, root: Path, **options: object) -> Path:
    account = {"name": "local", "maildir": str(root), "since_days": 36500, **options}
    return write_config(tmp_path, [account])


def drafts(root: Path) -> dict[str, Path]:
    """The files in .Drafts (cur/ and new/) by the Message-ID in them."""
    found = {}
    for file in sorted((root / ".Drafts" / "cur").iterdir()) + sorted(
        (root / ".Drafts" / "new").iterdir()
    ):
        headers = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        found[str(headers["Message-ID"])] = file
    return found


def send(draft: Path, folder: Path) -> Path:
    """What a client does on Send with a draft kept as is: the file moves into Sent, seen."""
    target = folder / "cur" / (draft.name.split(":", 1)[0] + ":2,S")
    draft.rename(target)
    return target


def record(tmp_path: Path, key: str) -> Record:
    journal = Journal(tmp_path / "state.sqlite3", readonly=True)
    try:
        found = journal.find(key)
    finally:
        journal.close()
    assert found is not None
    return found


def first_pass(tmp_path: Path, config: Path, root: Path, model: Model) -> dict[str, Path]:
    assert run_pass(config, model).line() == FIRST_PASS
    saved = drafts(root)
    assert set(saved) == {draft_id(ALDER), draft_id(BIRCH)}
    assert all(f.parent.name == "cur" and f.name.endswith(":2,DS") for f in saved.values())
    assert record(tmp_path, ALDER).status == Status.DRAFTED
    assert record(tmp_path, BIRCH).status == Status.DRAFTED
    return saved


def test_a_draft_moved_to_sent_is_sent_and_a_deleted_one_is_deleted_never_recreated(
    tmp_path: Path, shipped_model: Model
) -> None:
    root = mail_root(tmp_path, "Drafts", "Sent")
    config = config_for(tmp_path, root)
    saved = first_pass(tmp_path, config, root, shipped_model)

    alder = saved[draft_id(ALDER)]
    headers = email.message_from_bytes(alder.read_bytes(), policy=email.policy.default)
    drafted_at = email.utils.parsedate_to_datetime(str(headers["Date"])).isoformat()
    sent_file = send(alder, root / ".Sent")
    sent_bytes = sent_file.read_bytes()
    saved[draft_id(BIRCH)].unlink()

    second = run_pass(config, shipped_model)
    assert second.line() == f"{QUIET_PASS}, notes sent 1"
    assert second.sent == 1
    sent = record(tmp_path, ALDER)
    assert (sent.status, sent.sent_message_id, sent.sent) == (
        Status.SENT,
        draft_id(ALDER),
        drafted_at,
    )
    deleted = record(tmp_path, BIRCH)
    assert (deleted.status, deleted.reason, deleted.sent) == (
        Status.DELETED,
        "deleted from Drafts without being sent",
        None,
    )

    third = run_pass(config, shipped_model)
    assert third.line() == QUIET_PASS
    assert drafts(root) == {}
    assert record(tmp_path, ALDER).status == Status.SENT
    assert record(tmp_path, BIRCH).status == Status.DELETED
    # Sent is only read: the file the client put there is as it left it.
    assert [p.name for p in (root / ".Sent" / "cur").iterdir()] == [sent_file.name]
    assert sent_file.read_bytes() == sent_bytes


def test_a_configured_sent_folder_is_the_one_read(tmp_path: Path, shipped_model: Model) -> None:
    root = mail_root(tmp_path, "Drafts", "Sent", "Outbox")
    config = config_for(tmp_path, root, sent_folder="Outbox")
    saved = first_pass(tmp_path, config, root, shipped_model)
    outbox = send(saved[draft_id(ALDER)], root / ".Outbox")
    send(saved[draft_id(BIRCH)], root / ".Sent")  # not the configured folder: never looked at

    assert run_pass(config, shipped_model).line() == f"{QUIET_PASS}, notes sent 1"
    assert record(tmp_path, ALDER).status == Status.SENT
    assert record(tmp_path, BIRCH).status == Status.DELETED
    journal = Journal(tmp_path / "state.sqlite3", readonly=True)
    try:
        assert journal.seen_sources("local", "Outbox") == {outbox.name.split(":", 1)[0]}
        assert journal.cursor("local", "Sent") is None
        assert journal.seen_sources("local", "Sent") == set()
    finally:
        journal.close()


@pytest.mark.parametrize("options", [{}, {"sent_folder": "Outbox"}])
def test_without_a_sent_folder_nothing_fails_and_nothing_is_marked(
    tmp_path: Path, shipped_model: Model, options: dict[str, object]
) -> None:
    root = mail_root(tmp_path, "Drafts")
    config = config_for(tmp_path, root, **options)
    saved = first_pass(tmp_path, config, root, shipped_model)

    assert run_pass(config, shipped_model).line() == QUIET_PASS
    assert record(tmp_path, ALDER).status == Status.DRAFTED
    assert record(tmp_path, BIRCH).status == Status.DRAFTED
    assert drafts(root) == saved
    journal = Journal(tmp_path / "state.sqlite3", readonly=True)
    try:
        assert [journal.cursor("local", f) for f in ("Sent", "Outbox")] == [None, None]
    finally:
        journal.close()


def test_draft_tokens_are_the_gracious_drafts_in_drafts_and_nothing_else(
    tmp_path: Path, shipped_model: Model
) -> None:
    root = mail_root(tmp_path, "Drafts", "Sent")
    config = config_for(tmp_path, root)
    saved = first_pass(tmp_path, config, root, shipped_model)
    # A sync tool put one back into new/; the user keeps a draft of their own, whose body
    # happens to quote a token, and one in Sent (not Drafts) holds a token in its header.
    birch = saved[draft_id(BIRCH)]
    birch.rename(root / ".Drafts" / "new" / birch.name.split(":", 1)[0])
    own = plain(
        "Note to self: the draft id was gracious.0123456789abcdef0123456789abcdef\n",
        sender="Sam Keller <sam@example.org>",
        to="Lena Vogt <lena@cedarhealth.org>",
        subject="Follow-up",
        message_id="<own-draft-1@example.org>",
    )
    (root / ".Drafts" / "cur" / "1763379999.M9P100.laptop:2,DS").write_bytes(own)
    elsewhere = plain(
        "Hi\n",
        sender="Sam Keller <sam@example.org>",
        message_id="<gracious.fedcba9876543210fedcba9876543210@example.org>",
    )
    (root / ".Sent" / "cur" / "1763379998.M8P100.laptop:2,S").write_bytes(elsewhere)

    mailbox = MaildirMailbox(load_config(config).accounts[0])
    assert mailbox.draft_tokens() == {draft_token(draft_id(ALDER)), draft_token(draft_id(BIRCH))}
    assert draft_token(draft_id(ALDER)) == draft_id(ALDER).strip("<>").split("@")[0]


def test_a_follow_up_in_the_same_thread_is_not_a_second_sending(
    tmp_path: Path, shipped_model: Model
) -> None:
    root = mail_root(tmp_path, "Drafts", "Sent")
    config = config_for(tmp_path, root)
    saved = first_pass(tmp_path, config, root, shipped_model)
    send(saved[draft_id(ALDER)], root / ".Sent")
    # Later in Sent, in the same pass: the user's own follow-up in the thread, new Message-ID.
    follow_up = plain(
        "Hi Mia,\n\nOne more thing: I would love to stay in touch.\n\nSam\n",
        sender="Sam Keller <sam@example.org>",
        subject="Re: Your application to Alder Systems",
        message_id="<follow-up@example.org>",
        date="Fri, 20 Nov 2026 09:00:00 +0000",
        extra=[("In-Reply-To", ALDER), ("References", ALDER)],
    )
    (root / ".Sent" / "cur" / "1763990000.M9P100.laptop:2,S").write_bytes(follow_up)
    second = run_pass(config, shipped_model)
    assert second.sent == 1
    assert record(tmp_path, ALDER).status == Status.SENT
    assert record(tmp_path, ALDER).sent_message_id == draft_id(ALDER)
