"""What ``review`` and ``show`` print (detector/review.py), and the journal's views behind them
(``Journal.records``, ``Journal.find`` and ``ref`` in detector/state.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from detector.review import outcome, review_rows, review_table, show_text
from detector.state import Journal, Record, Status, ref

HEAD = (
    "REF         WHEN              ACCOUNT     SENDER                      COMPANY"
    "               POSITION                  P      WHAT HAPPENED"
)
DRAFT_TO = (
    b"From: Sam Keller <sam@example.org>\r\n"
    b"To: Anna Berg <anna.berg@northwind-labs.com>\r\n"
    b"Subject: Re: Your application\r\n\r\nThank you.\r\n"
)
DRAFT_NO_TO = b"From: Sam Keller <sam@example.org>\r\nSubject: Re: Hi\r\n\r\nThank you.\r\n"


def _record(key: str = "<a@northwind-labs.com>", **fields: Any) -> Record:
    values: dict[str, Any] = {
        "key": key,
        "account": "work",
        "folder": "INBOX",
        "source_id": "7/1",
        "sender": "anna.berg@northwind-labs.com",
        "subject": "Your application",
        "received": "2026-11-17T10:00:00+00:00",
        "verdict": False,
        "probability": 0.12,
        "model_version": "20261127160009",
        "facts": {},
        "draft_message_id": None,
        "draft": None,
        "status": Status.NOT_REJECTION,
        "reason": None,
        "created": "2026-11-20T08:00:00Z",
        "updated": "2026-11-20T08:00:00Z",
    }
    values.update(fields)
    return Record(**values)


# --- outcome -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"status": Status.DRAFTED, "draft": DRAFT_TO}, "draft saved"),
        (
            {"status": Status.DRAFTED, "draft": DRAFT_NO_TO},
            "draft saved, no recipient found: fill in To before sending",
        ),
        (
            {"status": Status.DRAFTED, "draft": None},
            "draft saved, no recipient found: fill in To before sending",
        ),
        (
            {"status": Status.DRAFT_INTENT, "draft": DRAFT_TO},
            "draft pending (saved on the next pass)",
        ),
        ({"status": Status.UNCERTAIN}, "uncertain: please label it"),
        ({"status": Status.NOT_REJECTION}, "below threshold"),
        ({"status": Status.SKIPPED, "reason": "empty message"}, "skipped: empty message"),
        ({"status": Status.SKIPPED, "reason": None}, "skipped: no reason recorded"),
        ({"status": Status.SKIPPED, "reason": ""}, "skipped: no reason recorded"),
        ({"status": "from_the_future"}, "from_the_future"),
    ],
)
def test_outcome_says_what_happened(fields: dict[str, Any], said: str) -> None:
    assert outcome(_record(**fields)) == said


# --- review rows ---------------------------------------------------------------------------------


def test_a_row_holds_the_record_its_outcome_and_label() -> None:
    record = _record(
        status=Status.DRAFTED,
        verdict=True,
        probability=0.93,
        draft=DRAFT_TO,
        facts={"company": "Northwind Labs", "position": "Data Analyst", "language": "en"},
    )
    assert review_rows([record], {record.key: True}) == [
        {
            "ref": ref("<a@northwind-labs.com>"),
            "key": "<a@northwind-labs.com>",
            "when": "2026-11-17T10:00:00+00:00",
            "account": "work",
            "folder": "INBOX",
            "sender": "anna.berg@northwind-labs.com",
            "subject": "Your application",
            "company": "Northwind Labs",
            "position": "Data Analyst",
            "probability": 0.93,
            "model_version": "20261127160009",
            "status": Status.DRAFTED,
            "outcome": "draft saved",
            "label": "rejection",
        }
    ]


def test_rows_keep_the_order_given_and_say_each_label() -> None:
    records = [_record(f"<m{i}@a.example>") for i in range(3)]
    labels = {"<m0@a.example>": False, "<m2@a.example>": True}
    rows = review_rows(records, labels)
    assert [(r["key"], r["label"]) for r in rows] == [
        ("<m0@a.example>", "not-rejection"),
        ("<m1@a.example>", None),
        ("<m2@a.example>", "rejection"),
    ]


def test_facts_are_shown_only_for_mail_about_an_application() -> None:
    facts = {"company": "Northwind Labs", "position": "Data Analyst"}
    statuses = [
        Status.DRAFTED,
        Status.DRAFT_INTENT,
        Status.UNCERTAIN,
        Status.NOT_REJECTION,
        Status.SKIPPED,
    ]
    rows = review_rows([_record(f"<{s}@a.example>", status=s, facts=facts) for s in statuses], {})
    assert [(r["status"], r["company"], r["position"]) for r in rows] == [
        (Status.DRAFTED, "Northwind Labs", "Data Analyst"),
        (Status.DRAFT_INTENT, "Northwind Labs", "Data Analyst"),
        (Status.UNCERTAIN, "Northwind Labs", "Data Analyst"),
        (Status.NOT_REJECTION, None, None),
        (Status.SKIPPED, None, None),
    ]


def test_uncertain_lists_only_the_uncertain_records_still_unlabeled() -> None:
    records = [
        _record("<u1@a.example>", status=Status.UNCERTAIN, probability=0.41),
        _record("<u2@a.example>", status=Status.UNCERTAIN, probability=0.44),
        _record("<u3@a.example>", status=Status.UNCERTAIN, probability=0.47),
        _record("<n@a.example>", status=Status.NOT_REJECTION),
        _record("<d@a.example>", status=Status.DRAFTED, draft=DRAFT_TO),
        _record("<s@a.example>", status=Status.SKIPPED, reason="empty message"),
    ]
    labels = {"<u2@a.example>": False, "<u3@a.example>": True}
    assert [r["key"] for r in review_rows(records, labels, uncertain=True)] == ["<u1@a.example>"]
    assert [r["key"] for r in review_rows(records, {}, uncertain=True)] == [
        "<u1@a.example>",
        "<u2@a.example>",
        "<u3@a.example>",
    ]
    assert len(review_rows(records, labels)) == 6


# --- the table -----------------------------------------------------------------------------------


def test_the_table_has_a_header_and_one_aligned_line_per_row() -> None:
    records = [
        _record(
            "<d@a.example>",
            status=Status.DRAFTED,
            probability=0.93,
            draft=DRAFT_TO,
            facts={"company": "Northwind Labs", "position": "Data Analyst"},
        ),
        _record("<u@a.example>", status=Status.UNCERTAIN, probability=0.4, account="home"),
        _record("<s@a.example>", status=Status.SKIPPED, probability=None, sender=None),
    ]
    rows = review_rows(records, {"<u@a.example>": False})
    assert review_table(rows).split("\n") == [
        HEAD,
        f"{ref('<d@a.example>')}  2026-11-17 10:00  work        anna.berg@northwind-labs.…"
        "  Northwind Labs        Data Analyst              0.93   draft saved",
        f"{ref('<u@a.example>')}  2026-11-17 10:00  home        anna.berg@northwind-labs.…"
        "                                                  0.40   "
        "uncertain: please label it; labeled not-rejection",
        # No sender, company, position or probability: blank cells keep the columns aligned.
        f"{ref('<s@a.example>')}  2026-11-17 10:00  work        {' ' * (26 + 2 + 20 + 2 + 24 + 2 + 5)}"
        "  skipped: no reason recorded",
    ]
    assert review_table([]) == HEAD


def test_the_table_keeps_hostile_values_on_one_line_and_cuts_long_ones() -> None:
    record = _record(
        status=Status.UNCERTAIN,
        sender="evil@x.example\r\nREF  WHEN\tforged",
        subject="Hi\r\n\tthere",
        account="a\tb",
        facts={
            "company": "Acme\r\nInc\t\tLtd",
            "position": "Senior Principal Staff Data Engineer, Platform",
        },
        probability=0.5,
    )
    table = review_table(review_rows([record], {}))
    lines = table.split("\n")
    assert len(lines) == 2
    assert "\r" not in table
    assert "\t" not in table
    assert lines[1] == (
        f"{record.ref}  2026-11-17 10:00  a b         evil@x.example REF WHEN f…"
        "  Acme Inc Ltd          Senior Principal Staff …  0.50   uncertain: please label it"
    )


def test_the_table_cuts_each_column_at_its_width() -> None:
    record = _record(
        status=Status.UNCERTAIN,
        account="a-very-long-account-name",
        sender="someone.with.a.long.name@recruiting.example.com",
        facts={"company": "C" * 21, "position": "P" * 25},
    )
    [_, line] = review_table(review_rows([record], {})).split("\n")
    assert line == (
        f"{record.ref}  2026-11-17 10:00  a-very-lo…  someone.with.a.long.name@…  "
        f"{'C' * 19}…  {'P' * 23}…  0.12   uncertain: please label it"
    )


# --- show ----------------------------------------------------------------------------------------


def test_show_text_for_a_drafted_rejection() -> None:
    record = _record(
        status=Status.DRAFTED,
        verdict=True,
        probability=0.934,
        draft=DRAFT_TO,
        subject="Your\r\n\tapplication",
        facts={"company": "Northwind Labs", "interviewed": False},
    )
    text = show_text(
        record,
        label=True,
        why=["  toward rejection: regret (0.8)"],
        draft="Subject: Re: Your application\n\nThank you.",
    )
    assert text.split("\n") == [
        f"Message <a@northwind-labs.com> (ref {ref('<a@northwind-labs.com>')})",
        "  from:     anna.berg@northwind-labs.com",
        "  subject:  Your application",
        "  date:     2026-11-17 10:00",
        "  seen in:  work/INBOX (7/1)",
        "  verdict:  rejection, p=0.93 (model 20261127160009)",
        "  outcome:  draft saved",
        "  label:    rejection",
        "Facts",
        "  company:      'Northwind Labs'",
        "  interviewed:  False",
        "Why",
        "  toward rejection: regret (0.8)",
        "Draft",
        "Subject: Re: Your application",
        "",
        "Thank you.",
    ]


def test_show_text_for_a_message_that_was_never_classified() -> None:
    record = _record(
        "sha256:" + "0" * 64,
        status=Status.SKIPPED,
        reason="no mail headers found (no From, To, Subject, Date or Message-ID)",
        sender=None,
        subject=None,
        received=None,
        verdict=None,
        probability=None,
        model_version=None,
    )
    assert show_text(record, label=False, why=[], draft=None).split("\n") == [
        f"Message sha256:{'0' * 64} (ref {ref('sha256:' + '0' * 64)})",
        "  from:     ?",
        "  subject:  ",
        "  date:     2026-11-20 08:00",
        "  seen in:  work/INBOX (7/1)",
        "  verdict:  not classified, p=? (model ?)",
        "  outcome:  skipped: no mail headers found (no From, To, Subject, Date or Message-ID)",
        "  label:    not a rejection",
        "Why",
    ]


# --- the journal's views: records, find, ref -----------------------------------------------------


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    book = Journal(tmp_path / "state.sqlite3")
    try:
        yield book
    finally:
        book.close()


def _add(book: Journal, key: str, received: datetime | None = None, **fields: Any) -> None:
    with book.transaction() as db:
        book.record(
            db,
            key=key,
            account="work",
            folder="INBOX",
            source_id=f"7/{key}",
            status=fields.pop("status", Status.NOT_REJECTION),
            received=received,
            **fields,
        )


PLUS5 = timezone(timedelta(hours=5))


def test_records_are_newest_first_by_the_mails_date_whatever_its_offset(
    journal: Journal,
) -> None:
    _add(journal, "<a@x.example>", datetime(2026, 11, 17, 10, 0, tzinfo=PLUS5))  # 05:00 UTC
    _add(journal, "<b@x.example>", datetime(2026, 11, 17, 6, 0, tzinfo=UTC))
    _add(journal, "<c@x.example>", None)  # no Date: when gracious first saw it, i.e. now
    _add(journal, "<d@x.example>", datetime(2001, 1, 1, tzinfo=UTC))
    _add(journal, "<e@x.example>", datetime(2026, 11, 17, 5, 30))  # no offset: taken as UTC
    _add(
        journal, "<f@x.example>", datetime(2026, 11, 17, 1, 0, tzinfo=timezone(-timedelta(hours=5)))
    )
    records = journal.records()
    assert [r.key for r in records] == [
        "<c@x.example>",
        "<f@x.example>",  # 06:00 UTC, as <b>: a tie, broken by key (descending)
        "<b@x.example>",  # 06:00 UTC, though "10:00" in <a> sorts later as text
        "<e@x.example>",
        "<a@x.example>",
        "<d@x.example>",
    ]
    assert records[4].received == "2026-11-17T10:00:00+05:00"


def test_records_since_a_moment_compare_in_utc(journal: Journal) -> None:
    _add(journal, "<a@x.example>", datetime(2026, 11, 17, 10, 0, tzinfo=PLUS5))  # 05:00 UTC
    _add(journal, "<b@x.example>", datetime(2026, 11, 17, 6, 0, tzinfo=UTC))
    _add(journal, "<e@x.example>", datetime(2026, 11, 17, 5, 30))
    since_utc = datetime(2026, 11, 17, 5, 15, tzinfo=UTC)
    since_plus5 = datetime(2026, 11, 17, 10, 15, tzinfo=PLUS5)  # the same moment
    for since in (since_utc, since_plus5):
        assert [r.key for r in journal.records(since=since)] == ["<b@x.example>", "<e@x.example>"]
    exactly = datetime(2026, 11, 17, 5, 0, tzinfo=UTC)
    assert [r.key for r in journal.records(since=exactly)][-1] == "<a@x.example>"
    assert journal.records(since=datetime(2026, 11, 18, tzinfo=UTC)) == []


def test_a_record_round_trips_through_the_journal(journal: Journal) -> None:
    _add(
        journal,
        "<r@x.example>",
        datetime(2026, 11, 17, 10, 0, tzinfo=PLUS5),
        status=Status.DRAFTED,
        sender="anna@x.example",
        subject="Your application",
        verdict=True,
        probability=0.93,
        model_version="20260101000000",
        facts={"company": "Zoë & Co", "interviewed": True},
        draft_message_id="<gracious.1@example.org>",
        draft=DRAFT_TO,
    )
    record = journal.find("<r@x.example>")
    assert record is not None
    assert (record.sender, record.subject, record.verdict, record.probability) == (
        "anna@x.example",
        "Your application",
        True,
        0.93,
    )
    assert record.facts == {"company": "Zoë & Co", "interviewed": True}
    assert (record.draft, record.status, record.reason) == (DRAFT_TO, Status.DRAFTED, None)
    assert record.when == "2026-11-17T10:00:00+05:00"
    assert outcome(record) == "draft saved"


def _two_keys_sharing_a_ref_prefix() -> tuple[str, str]:
    """Two keys whose refs start with the same four hex digits (found by trying, reproducibly)."""
    first: dict[str, str] = {}
    for i in range(100_000):
        key = f"<k{i}@x.example>"
        prefix = ref(key)[:4]
        if prefix in first:
            return first[prefix], key
        first[prefix] = key
    raise AssertionError("no shared prefix found")


def test_find_by_key_by_unique_ref_prefix_and_never_by_guess(journal: Journal) -> None:
    one, other = _two_keys_sharing_a_ref_prefix()
    for key in (one, other, "<solo@x.example>"):
        _add(journal, key)
    solo = ref("<solo@x.example>")
    shared = ref(one)[:4]
    assert shared == ref(other)[:4] != solo[:4]

    def found(text: str) -> str | None:
        record = journal.find(text)
        return None if record is None else record.key

    assert found("<solo@x.example>") == "<solo@x.example>"
    assert found(solo) == "<solo@x.example>"
    assert found(solo[:4]) == "<solo@x.example>"
    assert found(f"  {solo.upper()}\n") == "<solo@x.example>"
    assert found(ref(one)) == one
    assert found(ref(other)) == other
    assert found(shared) is None  # ambiguous
    assert found(solo[:3]) is None  # too short to be a reference
    assert found("zzzz") is None
    assert found("<nobody@x.example>") is None
    assert found(solo + "0") is None  # longer than any reference


def test_ref_is_short_stable_and_shared_by_the_record() -> None:
    # Pinned: users copy references from `review` into `show` and `label`, across versions.
    assert ref("<rej-1@northwind-labs.com>") == "1fc8d95586"
    odd = ref("<\udcff-not-utf8@x.example>")  # a key that is not valid UTF-8 has one too
    assert len(odd) == 10
    assert set(odd) <= set("0123456789abcdef")
    assert _record("<rej-1@northwind-labs.com>").ref == "1fc8d95586"
