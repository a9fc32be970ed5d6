"""Extraction: company, position, contact, reply address, interview and language."""

from __future__ import annotations

import pytest

from detector.facts import Facts, extract
from detector.message import Address, parse
from detector.relay import is_relay


def mail(
    body: str,
    *,
    sender: str = "Dana Whitfield <dana.whitfield@brightwell-analytics.com>",
    subject: str = "Your application",
    reply_to: str | None = None,
    to: str = "Alex Doe <alex@example.com>",
) -> Facts:
    head = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", "Message-ID: <t1@example.com>"]
    if reply_to:
        head.append(f"Reply-To: {reply_to}")
    raw = "\n".join([*head, "Content-Type: text/plain; charset=utf-8", "", body])
    return extract(parse(raw.encode("utf-8")))


SAMPLE = """Dear Alex,

Thank you so much for your interest in the Junior Data Analyst position at Brightwell Analytics.
After careful consideration another applicant has been selected to fill this job role. We welcome
you to apply for other positions.

Kind regards,
Dana Whitfield
Talent Acquisition, Brightwell Analytics
"""


def test_human_rejection_facts() -> None:
    facts = mail(SAMPLE)
    assert facts.company == "Brightwell Analytics"
    assert facts.position == "Junior Data Analyst"
    assert facts.contact_name == "Dana Whitfield"
    assert facts.reply_to == "dana.whitfield@brightwell-analytics.com"
    assert facts.interviewed is False
    assert facts.language == "en"


@pytest.mark.parametrize(
    "sender",
    [
        '"Lumio Health Recruiting" <no-reply@us.greenhouse-mail.io>',
        "Lumio Health <lumiohealth@myworkday.com>",
        "Lumio Health via Greenhouse <no-reply@greenhouse.io>",
        "Lumio Health Talent Team <notifications@hire.lever.co>",
    ],
)
def test_ats_relay_gives_employer_not_ats_and_no_reply_address(sender: str) -> None:
    facts = mail(
        "Hi Priya,\n\nThanks for applying for the Senior Data Analyst role at Lumio Health. "
        "We have decided not to move forward at this time.\n\nBest,\nLumio Health Talent Team\n",
        sender=sender,
    )
    assert facts.company == "Lumio Health"
    assert facts.position == "Senior Data Analyst"
    assert facts.reply_to is None
    assert facts.contact_name is None
    for word in ("greenhouse", "workday", "lever", "no-reply"):
        assert word not in (facts.company or "").lower()


def test_relay_with_human_address_in_body() -> None:
    facts = mail(
        "Dear Sam,\n\nThank you for interviewing for the Backend Engineer role at Orbital Ledger. "
        "We will not be moving forward. If you would like feedback, write to me at "
        "kim.lee@orbitalledger.com.\n\nBest regards,\nKim Lee\nRecruiter, Orbital Ledger\n",
        sender="Orbital Ledger <no-reply@ashbyhq.com>",
    )
    assert facts.reply_to == "kim.lee@orbitalledger.com"
    assert facts.contact_name == "Kim Lee"
    assert facts.company == "Orbital Ledger"
    assert facts.interviewed is True


def test_reply_to_wins_over_from_and_own_address_is_never_the_recipient() -> None:
    facts = mail(SAMPLE, reply_to="careers@brightwell-analytics.com")
    assert facts.reply_to == "careers@brightwell-analytics.com"
    own = mail(SAMPLE, sender="Alex Doe <alex@example.com>")
    assert own.reply_to != "alex@example.com"


def test_not_monitored_mailbox_counts_as_relay() -> None:
    facts = mail(
        "Thank you for applying to Corvane Energy. The position has been filled.\n\n"
        "This mailbox is not monitored; please do not reply.\n",
        sender="Corvane Energy Careers <careers@corvane.com>",
    )
    assert facts.reply_to is None


@pytest.mark.parametrize(
    ("body", "subject", "language", "position"),
    [
        (
            "Sehr geehrte Frau Weber,\n\nvielen Dank für Ihre Bewerbung als Werkstudentin Controlling"
            " bei der Nordwerk GmbH. Leider müssen wir Ihnen mitteilen, dass wir uns für eine andere"
            " Kandidatin entschieden haben.\n\nMit freundlichen Grüßen\nJana Köhler\n",
            "Ihre Bewerbung",
            "de",
            "Werkstudentin Controlling",
        ),
        (
            "Bonjour Camille,\n\nNous vous remercions pour votre candidature au poste de chargée de"
            " communication chez Maison Verlaine. Malheureusement, elle n'a pas été retenue.\n\n"
            "Cordialement,\nLéa Martin\n",
            "Votre candidature",
            "fr",
            "chargée de communication",
        ),
        (
            "Hola Lucía:\n\nGracias por tu interés en el puesto de técnica de calidad en Conservas"
            " del Norte. Lamentablemente hemos seleccionado a otra candidata.\n\nUn saludo,\n"
            "Javier Ruiz\n",
            "Tu candidatura",
            "es",
            "técnica de calidad",
        ),
        (
            "Beste Bram,\n\nBedankt voor je sollicitatie voor de functie van planner bij Van Dam"
            " Logistiek. Helaas hebben we gekozen voor een andere kandidaat.\n\nMet vriendelijke"
            " groet,\nSanne de Vries\n",
            "Je sollicitatie",
            "nl",
            "planner",
        ),
    ],
)
def test_languages_and_local_position_cues(
    body: str, subject: str, language: str, position: str
) -> None:
    facts = mail(body, subject=subject, sender="HR <hr@example-company.eu>")
    assert facts.language == language
    assert facts.position == position


def test_interview_stage() -> None:
    after = mail(
        "Thank you for meeting with us on Tuesday. We have decided to pursue other candidates."
    )
    assert after.interviewed is True
    before = mail("Thank you for your application. We will not be inviting you to interview.")
    assert before.interviewed is False
    unknown = mail("The role has been filled.", subject="An update")
    assert unknown.interviewed is None


def test_header_injection_in_display_name_stays_a_plain_value() -> None:
    facts = mail(SAMPLE, sender='"Ann\\r\\nBcc: x@evil.test" <ann@brightwell-analytics.com>')
    for value in (facts.company, facts.position, facts.contact_name, facts.reply_to):
        assert value is None or ("\r" not in value and "\n" not in value)


def test_is_relay() -> None:
    assert is_relay(Address("", "no-reply@example.com"))
    assert is_relay(Address("Acme", "acme@myworkday.com"))
    assert is_relay(Address("", "jobs-noreply@linkedin.com"))
    assert not is_relay(Address("Kim", "kim.lee@orbitalledger.com"))
    assert not is_relay(Address("", "careers@orbitalledger.com"))
    assert is_relay(None)


def test_a_huge_hostile_body_does_not_stall_extraction() -> None:
    """A 1 MB token once made the cue regexes quadratic (minutes per message); now bounded.

    Run in a child process with a generous limit, so a regression fails instead of hanging.
    """
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "from detector.message import parse; from detector.facts import extract\n"
        "body = 'A' * 1_000_000 + ' ' + '0f' * 300_000 + ' ' + 'x' * 400_000 + '@'\n"
        "raw = ('From: X <x@acme.com>\\nSubject: Your application\\n\\n' + body).encode()\n"
        "print(extract(parse(raw)).reply_to)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "x@acme.com"


def test_a_first_name_after_with_is_not_the_employer() -> None:
    facts = mail(
        "Hi Sam,\n\nThanks for speaking with Tom on Friday about the Product Designer role at "
        "Tidepool. We have decided to go with another candidate.\n\nCheers,\nTom\n",
        sender="Tom <tom@tidepool.app>",
    )
    assert facts.company == "Tidepool"
    assert facts.position == "Product Designer"


def test_titles_keep_of_the_and_lose_a_dangling_parenthesis() -> None:
    facts = mail(
        "Dear Dr. Ade,\n\nThank you for your interest in the position of Dean of the College of "
        "Arts and Sciences. The committee has chosen another finalist.\n\nSincerely,\nRuth Mola\n",
        sender="Ruth Mola <rmola@hillcrest.edu>",
        subject="Dean search",
    )
    assert facts.position == "Dean of the College of Arts and Sciences"


def test_the_employer_is_not_prefixed_to_the_position() -> None:
    facts = mail(
        "Dear Lee,\n\nThank you for attending the Harcourt Rail Graduate Engineering Scheme "
        "assessment centre. We will not be offering you a place.\n\nGraduate Recruitment\n"
        "Harcourt Rail Ltd\n",
        sender="Harcourt Rail Graduate Recruitment <graduates@harcourtrail.co.uk>",
        subject="Harcourt Rail Graduate Engineering Scheme - outcome",
    )
    assert facts.company in ("Harcourt Rail", "Harcourt Rail Ltd")
    assert facts.position == "Graduate Engineering Scheme"
