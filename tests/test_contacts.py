"""Finding the human to thank (detector/contacts.py): pure rules over parsed mail and contacts.

Messages are real bytes through the real parser; facts and contacts are written by hand, so each
test states exactly what the journal would remember and what the rule must make of it. Every
choice is asked of the contacts as a plain list and as the ContactIndex a pass keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from conftest import plain

from detector.contacts import (
    Contact,
    ContactIndex,
    Recipient,
    choose_recipient,
    contact_of,
    had_interview,
    org_domain,
    thread_ids,
)
from detector.facts import Facts
from detector.message import Message, parse
from detector.stage import Stage

REJECTION_ID = "<rej@greenhouse-mail.io>"
RELAY = "Northwind Labs <no-reply@greenhouse-mail.io>"
RELAY_TEXT = (
    "Dear Sam,\n\nThank you for your interest in the Data Analyst position at Northwind Labs. "
    "We have decided to move forward with other candidates.\n\nNorthwind Labs Recruiting\n"
)
NOV_16 = "Mon, 16 Nov 2026 09:00:00 +0000"


def mail(
    text: str = RELAY_TEXT,
    *,
    sender: str | None = RELAY,
    message_id: str | None = REJECTION_ID,
    date: str | None = NOV_16,
    subject: str = "Your application to Northwind Labs",
    extra: Sequence[tuple[str, str]] = (),
) -> Message:
    raw = plain(
        text, sender=sender, subject=subject, message_id=message_id, date=date, extra=list(extra)
    )
    return parse(raw)


def facts(
    company: str | None = "Northwind Labs",
    *,
    position: str | None = "Data Analyst",
    contact_name: str | None = None,
    reply_to: str | None = None,
    interviewed: bool | None = None,
) -> Facts:
    return Facts(
        company=company,
        position=position,
        contact_name=contact_name,
        reply_to=reply_to,
        interviewed=interviewed,
        language="en",
    )


def contact(
    key: str,
    email: str,
    *,
    name: str | None = None,
    company: str | None = "northwind labs",
    domain: str | None = "northwind-labs.com",
    stage: str = Stage.ACKNOWLEDGEMENT,
    position: str | None = None,
    thread: tuple[str, ...] = (),
    seen: str = "2026-11-02T10:00:00+00:00",
) -> Contact:
    return Contact(
        key=key,
        email=email,
        name=name,
        company=company,
        domain=domain,
        stage=stage,
        position=position,
        thread=thread or (key,),
        seen=seen,
    )


Pool = Callable[[Sequence[Contact]], Sequence[Contact] | ContactIndex]


@pytest.fixture(params=["list", "index"])
def pool(request: pytest.FixtureRequest) -> Pool:
    """The contacts as a plain list, and as the ContactIndex a pass keeps: the same answers."""
    if request.param == "list":
        return list
    return ContactIndex


PRIYA = contact(
    "<inv@northwind-labs.com>",
    "priya.raman@northwind-labs.com",
    name="Priya Raman",
    stage=Stage.INTERVIEW,
    position="Data Analyst",
)


# --- choose_recipient: which address ----------------------------------------------------------


def test_a_human_reply_address_in_the_mail_wins_over_every_contact(pool: Pool) -> None:
    rejection = mail(sender="Anna Berg <anna.berg@northwind-labs.com>")
    found = facts(contact_name="Anna Berg", reply_to="anna.berg@northwind-labs.com")
    in_thread = contact("<ack@northwind-labs.com>", "jo@northwind-labs.com", thread=(REJECTION_ID,))
    assert choose_recipient(rejection, found, pool([in_thread, PRIYA])) == Recipient(
        "anna.berg@northwind-labs.com", "Anna Berg", "sender"
    )


def test_a_role_mailbox_loses_to_a_known_person(pool: Pool) -> None:
    found = facts(contact_name="Jo Smith", reply_to="careers@northwind-labs.com")
    assert choose_recipient(mail(), found, pool([PRIYA])) == Recipient(
        "priya.raman@northwind-labs.com", "Priya Raman", "application"
    )


def test_a_role_mailbox_is_the_fallback_when_nobody_is_known(pool: Pool) -> None:
    found = facts(contact_name="Jo Smith", reply_to="careers@northwind-labs.com")
    elsewhere = contact(
        "<x@alder-systems.com>",
        "mia@alder-systems.com",
        company="alder systems",
        domain="alder-systems.com",
        stage=Stage.INTERVIEW,
    )
    assert choose_recipient(mail(), found, pool([elsewhere])) == Recipient(
        "careers@northwind-labs.com", "Jo Smith", "role"
    )


def test_without_a_reply_address_or_contacts_nobody_is_found(pool: Pool) -> None:
    assert choose_recipient(mail(), facts(), pool([])) == Recipient(None, None, "none")


def test_a_contact_recorded_for_the_rejection_itself_is_not_an_earlier_one(pool: Pool) -> None:
    itself = contact(REJECTION_ID, "priya.raman@northwind-labs.com", stage=Stage.INTERVIEW)
    assert choose_recipient(mail(), facts(), pool([itself])) == Recipient(None, None, "none")


# --- choose_recipient: thread > application > company, then interview, then most recent ---------


def test_a_contact_in_the_same_thread_beats_a_more_recent_one_from_the_company(pool: Pool) -> None:
    rejection = mail(
        extra=[
            ("In-Reply-To", "<ack@northwind-labs.com>"),
            ("References", "<apply@example.org> <ack@northwind-labs.com>"),
        ]
    )
    in_thread = contact(
        "<ack@northwind-labs.com>",
        "jo.smith@northwind-labs.com",
        name="Jo Smith",
        thread=("<ack@northwind-labs.com>", "<apply@example.org>"),
        seen="2026-10-05T09:00:00+00:00",
    )
    later = contact(
        "<later@northwind-labs.com>",
        "priya.raman@northwind-labs.com",
        name="Priya Raman",
        stage=Stage.INTERVIEW,
        position="Data Analyst",
        seen="2026-11-10T09:00:00+00:00",
    )
    assert choose_recipient(rejection, facts(), pool([later, in_thread])) == Recipient(
        "jo.smith@northwind-labs.com", "Jo Smith", "thread"
    )


def test_the_same_application_beats_the_same_company_for_another_position(pool: Pool) -> None:
    same_position = contact(
        "<a@northwind-labs.com>",
        "jo.smith@northwind-labs.com",
        name="Jo Smith",
        position="Senior Data Analyst",  # folded, one contains the other
        seen="2026-10-05T09:00:00+00:00",
    )
    other_position = contact(
        "<b@northwind-labs.com>",
        "lena.vogt@northwind-labs.com",
        name="Lena Vogt",
        stage=Stage.INTERVIEW,
        position="Product Manager",
        seen="2026-11-10T09:00:00+00:00",
    )
    assert choose_recipient(mail(), facts(), pool([other_position, same_position])) == Recipient(
        "jo.smith@northwind-labs.com", "Jo Smith", "application"
    )
    # Without the position in the rejection, both are merely the company: the interview wins.
    assert choose_recipient(
        mail(), facts(position=None), pool([same_position, other_position])
    ) == (Recipient("lena.vogt@northwind-labs.com", "Lena Vogt", "company"))


def test_among_several_the_interview_wins_then_the_most_recent(pool: Pool) -> None:
    def at(n: int, stage: str, day: int) -> Contact:
        return contact(
            f"<c{n}@northwind-labs.com>",
            f"person{n}@northwind-labs.com",
            name=f"Person {n}",
            stage=stage,
            seen=f"2026-11-{day:02}T09:00:00+00:00",
        )

    newest_ack = at(1, Stage.ACKNOWLEDGEMENT, 12)
    older_interview = at(2, Stage.INTERVIEW, 5)
    oldest_interview = at(3, Stage.INTERVIEW, 1)
    contacts = [oldest_interview, newest_ack, older_interview]
    assert choose_recipient(mail(), facts(position=None), pool(contacts)) == Recipient(
        "person2@northwind-labs.com", "Person 2", "company"
    )
    acks = [at(4, Stage.ACKNOWLEDGEMENT, 3), newest_ack, at(5, Stage.OTHER, 7)]
    assert choose_recipient(mail(), facts(position=None), pool(acks)) == Recipient(
        "person1@northwind-labs.com", "Person 1", "company"
    )


def test_the_most_recent_is_judged_in_real_time_whatever_the_offset(pool: Pool) -> None:
    tokyo = contact(
        "<t@northwind-labs.com>",
        "kenji@northwind-labs.com",
        name="Kenji Sato",
        seen="2026-11-02T18:00:00+09:00",  # 09:00 UTC
    )
    london = contact(
        "<l@northwind-labs.com>",
        "jo.smith@northwind-labs.com",
        name="Jo Smith",
        seen="2026-11-02T10:00:00+00:00",  # 10:00 UTC: an hour later
    )
    assert choose_recipient(mail(), facts(position=None), pool([london, tokyo])) == Recipient(
        "jo.smith@northwind-labs.com", "Jo Smith", "company"
    )


# --- choose_recipient: what counts as the same company ------------------------------------------


@pytest.mark.parametrize(
    ("company", "known_company", "domain", "rule"),
    [
        # By company key: the legal form does not matter.
        ("Northwind Labs Ltd", "northwind labs", None, "company"),
        ("Northwind Labs", "northwind labs", "gmail.com", "company"),
        # By the contact's domain, when their mail named no company.
        ("Northwind Labs", None, "northwind-labs.com", "company"),
        ("Northwind Labs GmbH", None, "northwindlabs.de", "company"),
        # A shorter name at the start of the domain: "Northwind" writes from northwind-labs.com.
        # "Acme" and acme-rockets.com have the same shape, so they match too: the rules cannot
        # tell a division from a namesake, and four letters is the floor that limits the guess.
        ("Northwind", None, "northwind-labs.com", "company"),
        ("Acme", None, "acme-rockets.com", "company"),
        # Under four letters folded, a prefix is no evidence at all.
        ("HP", None, "hpe.com", "none"),
        ("ING", None, "ingenico.com", "none"),
        ("A.C.E.", None, "ace-rockets.com", "none"),
        # Another company altogether.
        ("Northwind Labs", "alder systems", "alder-systems.com", "none"),
        ("Northwind Labs", None, "northwood.com", "none"),
        (None, "northwind labs", "northwind-labs.com", "none"),
    ],
)
def test_same_company_by_key_or_by_domain(
    company: str | None, known_company: str | None, domain: str | None, rule: str, pool: Pool
) -> None:
    person = contact(
        "<c@example.com>",
        "jo.smith@example.com",
        name="Jo Smith",
        company=known_company,
        domain=domain,
    )
    found = choose_recipient(mail(), facts(company, position=None), pool([person]))
    if rule == "none":
        assert found == Recipient(None, None, "none")
    else:
        assert found == Recipient("jo.smith@example.com", "Jo Smith", rule)


def test_a_contact_of_a_named_other_company_is_not_matched_by_a_domain_prefix(pool: Pool) -> None:
    metabase = contact(
        "<m@metabase.com>",
        "ana@metabase.com",
        name="Ana Lima",
        company="metabase",
        domain="metabase.com",
        stage=Stage.INTERVIEW,
    )
    assert choose_recipient(mail(), facts("Meta", position=None), pool([metabase])) == Recipient(
        None, None, "none"
    )


# --- contact_of ---------------------------------------------------------------------------------

INVITATION = (
    "Hi Sam,\n\nWe would like to invite you to an interview for the Data Analyst role. Could you "
    "let me know your availability next week?\n\nBest,\nPriya\n"
)


@pytest.mark.parametrize(
    ("sender", "text"),
    [
        ("Northwind Labs <no-reply@greenhouse-mail.io>", INVITATION),  # a no-reply relay
        ("Priya Raman <priya@greenhouse-mail.io>", INVITATION),  # an ATS domain, however personal
        ("Workday <notifications@northwind-labs.com>", INVITATION),
        ("Northwind Careers <careers@northwind-labs.com>", INVITATION),  # a role mailbox
        ("Talent Team <Recruiting@northwind-labs.com>", INVITATION),
        (  # a personal-looking address whose mail says nobody reads it
            "Priya Raman <priya.raman@northwind-labs.com>",
            INVITATION + "\nThis mailbox is not monitored; please do not reply to this email.\n",
        ),
    ],
)
def test_relays_role_mailboxes_and_unmonitored_senders_are_nobody(sender: str, text: str) -> None:
    message = mail(text, sender=sender, message_id="<inv@northwind-labs.com>")
    assert contact_of(message, facts(), Stage.INTERVIEW) is None


def test_the_users_own_mail_is_not_a_contact() -> None:
    message = mail(
        "Hi Priya,\n\nTuesday at 10 works for me.\n\nSam\n",
        sender="Sam Keller <Sam@Example.org>",
        message_id="<reply@example.org>",
    )
    assert contact_of(message, facts(), Stage.INTERVIEW, own=("sam@example.org",)) is None
    assert contact_of(message, facts(), Stage.INTERVIEW, own=("SAM@example.org",)) is None
    # Without ``own`` the same mail is just a person writing.
    assert contact_of(message, facts(), Stage.INTERVIEW) is not None


def test_a_person_becomes_a_contact_with_everything_the_journal_keeps() -> None:
    message = mail(
        INVITATION,
        sender="Priya Raman <priya.raman@mail.northwind-labs.co.uk>",
        message_id="<inv@northwind-labs.com>",
        date="Mon, 02 Nov 2026 10:00:00 +0100",
        extra=[("In-Reply-To", "<apply@example.org>"), ("References", "<apply@example.org>")],
    )
    found = facts("Northwind Labs Ltd", contact_name="Someone Else")
    assert contact_of(message, found, Stage.INTERVIEW, own=("sam@example.org",)) == Contact(
        key="<inv@northwind-labs.com>",
        email="priya.raman@mail.northwind-labs.co.uk",
        name="Priya Raman",  # the display name comes first
        company="northwind labs",
        domain="northwind-labs.co.uk",
        stage=Stage.INTERVIEW,
        position="Data Analyst",
        thread=("<inv@northwind-labs.com>", "<apply@example.org>"),
        seen="2026-11-02T10:00:00+01:00",
    )


def test_a_contact_without_a_display_name_takes_the_name_from_the_facts() -> None:
    message = mail(INVITATION, sender="priya.raman@northwind-labs.com", message_id=None, date=None)
    found = facts(None, position=None, contact_name="Priya Raman")
    assert contact_of(message, found, Stage.ACKNOWLEDGEMENT) == Contact(
        key=message.key,
        email="priya.raman@northwind-labs.com",
        name="Priya Raman",
        company=None,
        domain="northwind-labs.com",
        stage=Stage.ACKNOWLEDGEMENT,
        position=None,
        thread=(),
        seen="",
    )
    assert message.key.startswith("sha256:")
    nameless = contact_of(message, facts(None, position=None), Stage.ACKNOWLEDGEMENT)
    assert nameless is not None
    assert nameless.name is None


# --- had_interview ------------------------------------------------------------------------------


def test_had_interview_only_for_an_interview_of_the_same_company_or_thread(pool: Pool) -> None:
    rejection = mail(extra=[("In-Reply-To", "<thread@elsewhere.example>")])
    ack = contact("<ack@northwind-labs.com>", "jo@northwind-labs.com")
    other_company = contact(
        "<i@alder-systems.com>",
        "mia@alder-systems.com",
        company="alder systems",
        domain="alder-systems.com",
        stage=Stage.INTERVIEW,
    )
    in_thread = contact(
        "<thread@elsewhere.example>",
        "kim@elsewhere.example",
        company=None,
        domain="elsewhere.example",
        stage=Stage.INTERVIEW,
    )
    ack_in_thread = replace(in_thread, stage=Stage.ACKNOWLEDGEMENT)
    itself = contact(REJECTION_ID, "priya@northwind-labs.com", stage=Stage.INTERVIEW)

    assert had_interview(rejection, facts(), pool([PRIYA])) is True
    assert had_interview(rejection, facts(company=None), pool([in_thread])) is True
    assert (
        had_interview(rejection, facts(), pool([ack, other_company, ack_in_thread, itself]))
        is False
    )
    assert had_interview(rejection, facts(), pool([])) is False
    # Without a company in the facts, only the thread can tell.
    assert had_interview(rejection, facts(company=None), pool([PRIYA])) is False


# --- thread_ids and org_domain ------------------------------------------------------------------


def test_thread_ids_are_own_id_then_in_reply_to_then_references_without_repeats() -> None:
    message = mail(
        extra=[
            ("In-Reply-To", "<b@x.example>"),
            ("References", "<a@x.example> <b@x.example> <rej@greenhouse-mail.io>"),
        ]
    )
    assert thread_ids(message) == (REJECTION_ID, "<b@x.example>", "<a@x.example>")
    assert thread_ids(mail(message_id=None)) == ()
    assert thread_ids(mail(message_id=None, extra=[("In-Reply-To", "<b@x.example>")])) == (
        "<b@x.example>",
    )


@pytest.mark.parametrize(
    ("address", "domain"),
    [
        ("jane@mail.northwind-labs.co.uk", "northwind-labs.co.uk"),
        ("jane@northwind-labs.co.uk", "northwind-labs.co.uk"),
        ("Jane@Mail.Northwind-Labs.COM", "northwind-labs.com"),
        ("jane@northwind-labs.com", "northwind-labs.com"),
        ("jane@hr.example.com.au", "example.com.au"),
        ("jane@localhost", None),
        ("not an address", None),
    ],
)
def test_org_domain(address: str, domain: str | None) -> None:
    assert org_domain(address) == domain


def test_org_domain_of_a_short_organisation_name_under_a_subdomain() -> None:
    assert org_domain("jane@mail.ibm.com") == "ibm.com"


def test_mail_not_about_an_application_makes_no_contact() -> None:
    # A friend at a company's domain, or a newsletter: a draft must never go to them.
    message = mail(
        "Hi Sam,\n\nDinner on Friday? Bring the board game.\n\nMarie\n",
        sender="Marie Dubois <marie.dubois@northwind-labs.com>",
        message_id="<dinner@northwind-labs.com>",
    )
    assert contact_of(message, facts(), Stage.OTHER) is None
    assert contact_of(message, facts(), Stage.INTERVIEW) is not None


def test_a_free_mail_domain_says_nothing_about_the_employer() -> None:
    friend = Contact(
        key="<f@orange.fr>",
        email="marie.dubois@orange.fr",
        name="Marie Dubois",
        company=None,
        domain="orange.fr",
        stage=Stage.INTERVIEW,
        position=None,
        thread=("<f@orange.fr>",),
        seen="2026-11-01T10:00:00+00:00",
    )
    rejection = mail(
        "Dear Sam,\n\nWe will not move forward with your application.\n\nOrange Recruiting\n",
        sender="Orange <no-reply@greenhouse-mail.io>",
        message_id="<rej@greenhouse-mail.io>",
    )
    found = Facts(
        company="Orange",
        position=None,
        contact_name=None,
        reply_to=None,
        interviewed=None,
        language="en",
    )
    for pool in ([friend], ContactIndex([friend])):
        assert choose_recipient(rejection, found, pool).rule == "none"


def test_a_reply_address_of_the_user_is_never_the_recipient() -> None:
    rejection = mail("Dear Sam,\n\nNo.\n", sender="X <no-reply@x.example>", message_id="<r@x>")
    found = Facts(
        company=None,
        position=None,
        contact_name=None,
        reply_to="Sam@Example.org",
        interviewed=None,
        language="en",
    )
    assert choose_recipient(rejection, found, [], own=("sam@example.org",)).rule == "none"
    assert choose_recipient(rejection, found, []).rule == "sender"


def test_an_interview_for_another_role_is_no_interview_for_this_one() -> None:
    other_role = Contact(
        key="<inv@northwind-labs.com>",
        email="priya@northwind-labs.com",
        name="Priya Raman",
        company="northwind labs",
        domain="northwind-labs.com",
        stage=Stage.INTERVIEW,
        position="Marketing Manager",
        thread=("<inv@northwind-labs.com>",),
        seen="2026-03-01T10:00:00+00:00",
    )
    assert not had_interview(mail(), facts(), [other_role])
    same_role = replace(other_role, position="Data Analyst")
    assert had_interview(mail(), facts(), [same_role])
    assert had_interview(mail(), facts(), ContactIndex([same_role]))
