"""Beyond the draft, against a real Dovecot: the person to thank, what came of each note, the
bigger picture and the weekly note."""

from __future__ import annotations

import email
import email.policy
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from conftest import draft_id, gracious, plain
from dovecot import (
    IDENTITY_EMAIL,
    ImapUser,
    Seed,
    append_messages,
    imap_account,
    read_folder,
    write_config,
)

from detector.classifier import Model
from detector.config import load_config
from detector.runner import Runner, open_mailbox
from detector.state import Journal, Status, ref

NORTHWIND = "Northwind Labs"


def _mail(
    text: str, *, sender: str, subject: str, message_id: str, date: str, **extra: str
) -> bytes:
    headers = [(k.replace("_", "-").title(), v) for k, v in extra.items()]
    return plain(
        text,
        sender=sender,
        subject=subject,
        message_id=message_id,
        date=date,
        extra=headers,
    )


def invitation(
    *, message_id: str = "<inv@northwind-labs.com>", date: str = "Mon, 02 Nov 2026 10:00:00 +0000"
) -> bytes:
    return _mail(
        "Hi Sam,\n\nThank you for applying for the Data Analyst role at Northwind Labs. We would "
        "like to invite you to an interview with the analytics team. Could you let me know your "
        "availability next week? A 45-minute video call works well.\n\nBest,\nPriya Raman\n"
        "Recruiter, Northwind Labs\n",
        sender="Priya Raman <priya.raman@northwind-labs.com>",
        subject="Interview invitation: Data Analyst",
        message_id=message_id,
        date=date,
    )


def relay_rejection(
    *, message_id: str = "<rej@greenhouse-mail.io>", date: str = "Mon, 16 Nov 2026 09:00:00 +0000"
) -> bytes:
    return _mail(
        "Dear Sam,\n\nThank you for your interest in the Data Analyst position at Northwind Labs. "
        "After careful consideration, we have decided to move forward with other candidates "
        "whose experience more closely matches our needs.\n\nWe wish you every success in your "
        "search.\n\nNorthwind Labs Recruiting\n\nThis mailbox is not monitored; please do not "
        "reply to this email.\n",
        sender="Northwind Labs <no-reply@greenhouse-mail.io>",
        subject="Your application to Northwind Labs",
        message_id=message_id,
        date=date,
    )


def _drafts(user: ImapUser) -> dict[str, email.message.EmailMessage]:
    return {str(m.headers["Message-ID"]): m.headers for m in read_folder(user, "Drafts")}


def _body(message: email.message.EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert isinstance(part, email.message.EmailMessage)
    return str(part.get_content())


def _review(config: Path) -> dict[str, dict[str, object]]:
    result = gracious("review", "--json", "-c", str(config))
    assert result.returncode == 0, result.stderr
    return {row["key"]: row for row in map(json.loads, result.stdout.splitlines())}


def test_a_relay_rejection_goes_to_the_recruiter_who_invited(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    append_messages(imap_user, "INBOX", [invitation(), relay_rejection()])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    run = gracious("run", "--once", "-c", str(config))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("checked 2, rejections 1, drafts saved 1")

    drafts = _drafts(imap_user)
    assert list(drafts) == [draft_id("<rej@greenhouse-mail.io>")]
    draft = drafts[draft_id("<rej@greenhouse-mail.io>")]
    assert draft["To"] == "priya.raman@northwind-labs.com"
    body = _body(draft)
    assert body.startswith("Dear Priya,")
    # The rejection never mentions the interview; the earlier invitation does.
    assert "opportunity to interview" in body

    rows = _review(config)
    rejection = rows["<rej@greenhouse-mail.io>"]
    assert rejection["outcome"] == (
        "draft saved, to Priya Raman (wrote earlier about this application)"
    )


def test_without_earlier_mail_the_draft_has_no_recipient_and_says_so(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    append_messages(imap_user, "INBOX", [relay_rejection()])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    assert gracious("run", "--once", "-c", str(config)).returncode == 0
    draft = _drafts(imap_user)[draft_id("<rej@greenhouse-mail.io>")]
    assert draft["To"] is None  # never the no-reply address
    assert "opportunity to interview" not in _body(draft)
    assert "consideration" in _body(draft)
    row = _review(config)["<rej@greenhouse-mail.io>"]
    assert row["outcome"] == "draft saved, no recipient found: fill in To before sending"
    shown = gracious("show", ref("<rej@greenhouse-mail.io>"), "-c", str(config))
    assert shown.stdout.splitlines()[0].startswith("NOTE: no recipient found")


def _rejection(n: int, company: str, person: str, domain: str) -> tuple[bytes, str]:
    message_id = f"<rej-{n}@{domain}>"
    raw = _mail(
        f"Dear Sam,\n\nThank you for your interest in the Analyst position at {company}. After "
        "careful consideration we have decided not to move forward with your application, and "
        f"we wish you every success.\n\nKind regards,\n{person}\n{company}\n",
        sender=f"{person} <{person.split(maxsplit=1)[0].lower()}@{domain}>",
        subject=f"Your application to {company}",
        message_id=message_id,
        date="Tue, 17 Nov 2026 09:00:00 +0000",
    )
    return raw, message_id


def _take_draft(user: ImapUser, message_id: str) -> bytes:
    """What a mail client does on Send: remove the draft from Drafts, return its bytes."""
    token = message_id.strip("<>").split("@")[0]
    with user.connect() as client:
        client.select_folder("Drafts")
        uids = client.search(["HEADER", "Message-ID", token])
        assert len(uids) == 1
        raw = bytes(client.fetch(uids, ["BODY.PEEK[]"])[uids[0]][b"BODY[]"])
        client.delete_messages(uids)
        client.expunge()
    return raw


def test_sent_edited_deleted_and_answered_notes(imap_user: ImapUser, tmp_path: Path) -> None:
    a, a_id = _rejection(1, "Alder Systems", "Mia Lund", "alder-systems.com")
    b, b_id = _rejection(2, "Birchway Foods", "Omar Haddad", "birchway.com")
    c, c_id = _rejection(3, "Cedar Health", "Lena Vogt", "cedarhealth.org")
    append_messages(imap_user, "INBOX", [a, b, c])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    assert gracious("run", "--once", "-c", str(config)).returncode == 0
    assert set(_drafts(imap_user)) == {draft_id(a_id), draft_id(b_id), draft_id(c_id)}

    # A is sent as drafted, B after an edit, C deleted unsent (the client expunges it).
    sent_a = _take_draft(imap_user, draft_id(a_id))
    sent_b = _take_draft(imap_user, draft_id(b_id)).replace(
        b"Thank you for letting me know", b"Many thanks for telling me"
    )
    _take_draft(imap_user, draft_id(c_id))
    append_messages(imap_user, "Sent", [Seed(sent_a, (b"\\Seen",)), Seed(sent_b, (b"\\Seen",))])
    run = gracious("run", "--once", "-c", str(config))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == (
        "checked 0, rejections 0, drafts saved 0, skipped 0, errors 0, notes sent 2"
    )
    rows = _review(config)
    assert [rows[k]["status"] for k in (a_id, b_id, c_id)] == [
        Status.SENT,
        Status.SENT_EDITED,
        Status.DELETED,
    ]

    # Mia answers the note: flagged on the note, and no draft for the answer.
    answer = _mail(
        "Hi Sam,\n\nThanks for your kind note. Honestly it was close; the other candidate had "
        "more SQL experience. Keep in touch!\n\nMia\n",
        sender="Mia Lund <mia@alder-systems.com>",
        subject="Re: Re: Your application to Alder Systems",
        message_id="<answer-1@alder-systems.com>",
        date="Thu, 19 Nov 2026 09:00:00 +0000",
        in_reply_to=draft_id(a_id),
        references=f"{a_id} {draft_id(a_id)}",
    )
    append_messages(imap_user, "INBOX", [answer])
    run = gracious("run", "--once", "-c", str(config))
    assert run.stdout.splitlines()[-1] == (
        "checked 1, rejections 0, drafts saved 0, skipped 0, errors 0, answers 1"
    )
    rows = _review(config)
    assert rows[a_id]["outcome"] == "note sent; Alder Systems answered your note"
    assert rows["<answer-1@alder-systems.com>"]["status"] == Status.ANSWER
    assert rows["<answer-1@alder-systems.com>"]["outcome"] == (
        f"an answer to your note (ref {ref(a_id)})"
    )
    # Nothing is recreated: C's deleted draft stays deleted, A and B stay sent.
    assert Counter(_drafts(imap_user)) == Counter()
    stats = json.loads(gracious("stats", "--json", "-c", str(config)).stdout)
    assert stats["notes"] == {
        "saved": 3,
        "waiting": 0,
        "sent": 2,
        "sent_after_edits": 1,
        "deleted": 1,
        "answered": 1,
    }


def test_stats_match_a_mailbox_built_for_the_test(imap_user: ImapUser, tmp_path: Path) -> None:
    def ack(company: str, domain: str, date: str) -> bytes:
        return _mail(
            f"Dear Sam,\n\nThank you for applying to {company}. We have received your application "
            "for the Analyst position and our team will review it carefully.\n\nThe "
            f"{company} recruiting team\n",
            sender=f"{company} Careers <careers@{domain}>",
            subject=f"We received your application to {company}",
            message_id=f"<ack@{domain}>",
            date=date,
        )

    def rejection(company: str, domain: str, date: str, *, interviewed: bool = False) -> bytes:
        met = (
            "Thank you for taking the time to interview with us last week. " if interviewed else ""
        )
        return _mail(
            f"Dear Sam,\n\n{met}Thank you for your interest in the Analyst position at {company}. "
            "After careful consideration we have decided to move forward with other candidates. "
            f"We wish you every success.\n\nKind regards,\nJo Smith\n{company}\n",
            sender=f"Jo Smith <jo@{domain}>",
            subject=f"Your application to {company}",
            message_id=f"<rej@{domain}>",
            date=date,
        )

    mails = [
        ack("Alder Systems", "alder-systems.com", "Mon, 05 Oct 2026 09:00:00 +0000"),
        ack("Birchway Foods", "birchway.com", "Tue, 06 Oct 2026 09:00:00 +0000"),
        rejection("Alder Systems", "alder-systems.com", "Thu, 15 Oct 2026 09:00:00 +0000"),
        rejection(
            "Birchway Foods", "birchway.com", "Tue, 03 Nov 2026 09:00:00 +0000", interviewed=True
        ),
        rejection("Cedar Health", "cedarhealth.org", "Wed, 04 Nov 2026 09:00:00 +0000"),
    ]
    append_messages(imap_user, "INBOX", mails)
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    assert gracious("run", "--once", "-c", str(config)).returncode == 0
    stats = json.loads(gracious("stats", "--json", "-c", str(config)).stdout)
    assert stats["rejections"] == 3
    assert stats["by_month"] == {"2026-10": 1, "2026-11": 2}
    assert stats["by_week"] == {"2026-W42": 1, "2026-W45": 2}
    assert stats["stage"] == {"after_interview": 1, "before_interview": 2}
    # Alder: 5 Oct -> 15 Oct (10 days); Birchway: 6 Oct -> 3 Nov (28 days); Cedar: no ack.
    assert stats["days_to_rejection"] == {
        "known": 2,
        "median": 19.0,
        "shortest": 10.0,
        "longest": 28.0,
    }
    assert stats["notes"]["saved"] == 3
    assert stats["notes"]["waiting"] == 3
    text = gracious("stats", "-c", str(config)).stdout
    assert "median 19.0 days" in text


def test_the_weekly_note_appears_once_per_week(
    imap_user: ImapUser, tmp_path: Path, shipped_model: Model
) -> None:
    a, a_id = _rejection(1, "Alder Systems", "Mia Lund", "alder-systems.com")
    append_messages(imap_user, "INBOX", [a])  # dated Tue 17 Nov 2026: ISO week 47
    config_path = write_config(
        tmp_path, [imap_account(imap_user, tmp_path)], sections={"digest": {"weekly": True}}
    )
    config = load_config(config_path)

    def run_at(moment: datetime) -> None:
        journal = Journal(config.state.resolved())
        try:
            runner = Runner(config, shipped_model, journal, now=lambda: moment)
            summary = runner.run_account(
                config.accounts[0], open_mailbox(config.accounts[0], config)
            )
            runner.close()
        finally:
            journal.close()
        assert summary.errors == 0

    def notes() -> list[email.message.EmailMessage]:
        return [
            m.headers
            for m in read_folder(imap_user, "Drafts")
            if m.headers["X-Gracious"] == "weekly-digest"
        ]

    run_at(datetime(2026, 11, 20, 12, tzinfo=UTC))  # week 47 itself: nothing to sum up yet...
    # ...except the week before (46), which had no rejections and no notes waiting then.
    assert notes() == []
    run_at(datetime(2026, 11, 23, 8, tzinfo=UTC))  # Monday of week 48: week 47's note
    run_at(datetime(2026, 11, 25, 8, tzinfo=UTC))  # later that week: no second one
    found = notes()
    assert len(found) == 1
    note = found[0]
    assert note["To"] == note["From"]
    assert IDENTITY_EMAIL in str(note["To"])
    assert "Alder Systems" in _body(note)
    assert "16–22 November 2026" in _body(note)
    run_at(datetime(2026, 11, 30, 8, tzinfo=UTC))  # week 49: the note still waiting is news
    assert len(notes()) == 2
    assert len({str(n["Message-ID"]) for n in notes()}) == 2
    assert read_folder(imap_user, "Sent") == []  # never sent
    # The reply draft itself is still there, once.
    assert (
        Counter(m.headers["Message-ID"] for m in read_folder(imap_user, "Drafts"))[draft_id(a_id)]
        == 1
    )


def test_the_weekly_note_speaks_the_configured_language(tmp_path: Path) -> None:
    from detector.state import Record  # noqa: PLC0415
    from detector.weekly import iso_week, weekly_context  # noqa: PLC0415

    config_path = write_config(
        tmp_path, [], sections={"digest": {"weekly": True, "language": "de"}}
    )
    record = Record(
        key="<r@x.example>",
        account="a",
        folder="INBOX",
        source_id="1/1",
        sender="jo@x.example",
        subject="Ihre Bewerbung",
        received="2026-11-17T09:00:00+00:00",
        verdict=True,
        probability=0.9,
        model_version="v",
        facts={"company": "Xenon GmbH", "position": "Analyst", "interviewed": False},
        draft_message_id="<gracious.0123456789abcdef0123456789abcdef@example.org>",
        draft=None,
        status=Status.DRAFTED,
        reason=None,
        created="2026-11-17T10:00:00Z",
        updated="2026-11-17T10:00:00Z",
    )
    context = weekly_context(
        load_config(config_path),
        [record],
        week=iso_week("2026-W47"),
        now=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert context is not None
    assert context.language == "de"
    assert [item.note for item in context.rejections] == ["wartet in den Entwürfen"]
