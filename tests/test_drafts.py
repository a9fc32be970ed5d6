"""drafts.render_reply: wording in every language and tone, threading, and hostile input."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from drafts import (
    LANGUAGES,
    RenderError,
    ReplyContext,
    as_bytes,
    render_reply,
    reply_message_id,
    reply_subject,
)

TONES = ("warm", "formal", "brief")
WHEN = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)

# Language-appropriate evidence that the reply thanks, asks for feedback, keeps the door open,
# and (only when there was one) mentions the interview.
THANKS = {
    "en": r"\bthank you\b",
    "de": r"\bvielen dank\b",
    "fr": r"\b(merci|je vous remercie)\b",
    "es": r"\bmuchas gracias\b",
    "nl": r"\b(bedankt|hartelijk dank)\b",
}
FEEDBACK = {
    "en": r"what would have made the difference",
    "de": r"was den ausschlag gegeben hat",
    "fr": r"ce qui (a|aurait pu) fai(t|re) la différence",
    "es": r"comentario sobre qué (habría marcado|marcó) la diferencia",
    "nl": r"wat (voor (u|jullie) )?de doorslag heeft gegeven",
}
DOOR_OPEN = {
    "en": r"another (suitable )?(role|position)",
    "de": r"andere passende stelle",
    "fr": r"autre poste",
    "es": r"otra posición",
    "nl": r"andere (passende )?functie vrijkomt",
}
INTERVIEW = {
    "en": "interview",
    "de": "gespräch",
    "fr": "entretien",
    "es": "entrevista",
    "nl": "gesprek",
}
FALLBACK_SUBJECT = {
    "en": "Thank you",
    "de": "Vielen Dank",
    "fr": "Merci",
    "es": "Gracias",
    "nl": "Bedankt",
}
ALL_CASES = [(lang, tone) for lang in LANGUAGES for tone in TONES]
BASE_HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "X-Gracious",
    "Content-Type",
    "Content-Transfer-Encoding",
}


def context(**overrides: Any) -> ReplyContext:
    values: dict[str, Any] = {
        "sender_name": "Sam Keller",
        "sender_email": "sam@example.org",
        "to": "anna.berg@northwind-labs.com",
        "original_subject": "Your application for Data Analyst",
        "original_key": "<m1@northwind-labs.com>",
        "original_message_id": "<m1@northwind-labs.com>",
        "original_references": ("<m0@example.org>",),
        "company": "Northwind Labs",
        "position": "Data Analyst",
        "contact_name": "Anna Berg",
        "interviewed": False,
        "language": "en",
        "tone": "warm",
        "date": WHEN,
    }
    values.update(overrides)
    return ReplyContext(**values)


def body_of(**overrides: Any) -> str:
    return str(render_reply(context(**overrides)).get_content())


def reparse(msg: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(as_bytes(msg), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def assert_no_injection(msg: EmailMessage) -> None:
    """Only our own headers, none twice, and no header value that could split into two."""
    raw = as_bytes(msg)
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        assert line[:1] in (b" ", b"\t") or b":" in line, f"stray header line {line!r}"
    parsed = reparse(msg)
    names = list(parsed.keys())
    assert set(names) <= BASE_HEADERS
    assert len(names) == len(set(names))
    for name in names:
        value = str(parsed[name])
        assert "\r" not in value
        assert "\n" not in value
    assert parsed.defects == []


# --- wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "tone"), ALL_CASES)
@pytest.mark.parametrize("interviewed", [True, False, None])
def test_reply_thanks_asks_for_feedback_and_keeps_the_door_open(
    lang: str, tone: str, interviewed: bool | None
) -> None:
    body = body_of(language=lang, tone=tone, interviewed=interviewed)
    low = body.lower()
    assert re.search(THANKS[lang], low), body
    assert re.search(FEEDBACK[lang], low), body
    assert re.search(DOOR_OPEN[lang], low), body
    assert "None" not in body
    assert "{{" not in body
    assert "{%" not in body
    assert "Northwind Labs" in body
    assert body.endswith("\nSam Keller\n")


@pytest.mark.parametrize(("lang", "tone"), ALL_CASES)
def test_interview_is_mentioned_only_after_an_interview(lang: str, tone: str) -> None:
    assert INTERVIEW[lang] in body_of(language=lang, tone=tone, interviewed=True).lower()
    assert INTERVIEW[lang] not in body_of(language=lang, tone=tone, interviewed=False).lower()
    assert INTERVIEW[lang] not in body_of(language=lang, tone=tone, interviewed=None).lower()


@pytest.mark.parametrize(("lang", "tone"), ALL_CASES)
def test_paragraphs_are_separated_by_blank_lines(lang: str, tone: str) -> None:
    body = body_of(language=lang, tone=tone, interviewed=True)
    paragraphs = body.rstrip("\n").split("\n\n")
    expected = 3 if tone == "brief" else 5  # greeting, text paragraphs, closing with the name
    assert len(paragraphs) == expected, body
    assert all(len(p.splitlines()) == 1 for p in paragraphs[:-1]), body
    assert paragraphs[-1].splitlines()[-1] == "Sam Keller"


@pytest.mark.parametrize(("lang", "tone"), ALL_CASES)
@pytest.mark.parametrize("interviewed", [True, False])
def test_missing_facts_still_read_well(lang: str, tone: str, interviewed: bool) -> None:
    body = body_of(
        language=lang,
        tone=tone,
        company=None,
        position=None,
        contact_name=None,
        interviewed=interviewed,
        to=None,
    )
    greeting = body.splitlines()[0]
    assert re.fullmatch(r"\w[\w ,.'-]*\w[,:]", greeting), greeting
    # A greeting that needs a name never stands without one ("Dear ," / "Beste,").
    assert not re.fullmatch(
        r"(Dear|Hi|Beste|Geachte|Estimad[oa]|Sehr geehrte[rs]?)\s*[,:]?", greeting
    )
    assert "None" not in body
    assert "{{" not in body
    assert not re.search(r"[ \t][,.]", body), body  # no "Dear ," or "the  role ."
    assert "  " not in body
    assert not re.search(r"\b(the|at|bei|als|de|sobre|over) ?[,.]", body), body
    assert re.search(THANKS[lang], body.lower())
    assert re.search(FEEDBACK[lang], body.lower())
    assert re.search(DOOR_OPEN[lang], body.lower())


def test_german_brief_without_company_stays_grammatical() -> None:
    body = body_of(language="de", tone="brief", company=None)
    assert "bei Ihr " not in body
    assert "bei Ihnen" in body


@pytest.mark.parametrize(("lang", "tone"), ALL_CASES)
def test_contact_is_greeted_by_name(lang: str, tone: str) -> None:
    greeting = body_of(language=lang, tone=tone).splitlines()[0]
    assert "Anna" in greeting


@pytest.mark.parametrize(
    ("tone", "greeting"),
    [("warm", "Dear Anna,"), ("formal", "Dear Anna Berg,"), ("brief", "Hi Anna,")],
)
def test_english_greetings(tone: str, greeting: str) -> None:
    assert body_of(tone=tone).splitlines()[0] == greeting


@pytest.mark.parametrize(
    ("tone", "greeting"),
    [("warm", "Dear hiring team,"), ("formal", "Dear Hiring Team,"), ("brief", "Hi there,")],
)
def test_english_greetings_without_anyone(tone: str, greeting: str) -> None:
    assert body_of(tone=tone, contact_name=None, company=None).splitlines()[0] == greeting


def test_signature_replaces_the_bare_name() -> None:
    signature = "Sam Keller\nData Analyst\n+49 170 0000000"
    body = body_of(signature=signature)
    assert body.endswith("Warm regards,\n" + signature + "\n")


def test_markup_in_company_never_reaches_the_body() -> None:
    body = body_of(company="<script>alert(1)</script>Acme <b>Labs</b>", tone="formal")
    assert "<" not in body
    assert ">" not in body
    assert "script" not in body
    assert "Acme Labs" in body


@pytest.mark.parametrize("field", ["contact_name", "position", "signature", "sender_name"])
def test_markup_in_any_field_never_reaches_the_body(field: str) -> None:
    body = body_of(**{field: 'Anna <img src="x" onerror="alert(1)"> Berg'})
    assert "<" not in body
    assert "onerror" not in body


def test_unsupported_language_falls_back_to_english() -> None:
    italian = render_reply(context(language="it", original_subject=""))
    english = render_reply(context(language="en", original_subject=""))
    assert italian.get_content() == english.get_content()
    assert italian["Subject"] == "Re: Thank you"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_empty_subject_gets_a_subject_in_the_reply_language(lang: str) -> None:
    assert render_reply(context(language=lang, original_subject="  "))["Subject"] == (
        f"Re: {FALLBACK_SUBJECT[lang]}"
    )


# --- subject ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "subject"),
    [
        ("X", "Re: X"),
        ("Re: X", "Re: X"),
        ("RE: Re: X", "Re: X"),
        ("AW: X", "Re: X"),
        ("Aw: AW: Re: X", "Re: X"),
        ("SV: X", "Re: X"),
        ("Antw: X", "Re: X"),
        ("Re[2]: X", "Re: X"),
        ("  re :   X  ", "Re: X"),
        ("Your Re: application", "Re: Your Re: application"),
        ("Regarding your application", "Re: Regarding your application"),
        ("Re:\r\n X\x00", "Re: X"),
    ],
)
def test_reply_subject_never_doubles_the_prefix(original: str, subject: str) -> None:
    assert reply_subject(original) == subject
    assert render_reply(context(original_subject=original))["Subject"] == subject


# --- threading and identity ---------------------------------------------------------------------


def test_headers_of_a_threaded_reply() -> None:
    msg = render_reply(context(original_references=("<r1@example.org>", "<r2@example.org>")))
    assert msg["From"] == "Sam Keller <sam@example.org>"
    assert msg["To"] == "anna.berg@northwind-labs.com"
    assert msg["Subject"] == "Re: Your application for Data Analyst"
    assert msg["Date"] == "Tue, 04 Mar 2025 09:30:00 +0000"
    assert msg["In-Reply-To"] == "<m1@northwind-labs.com>"
    assert msg["References"] == "<r1@example.org> <r2@example.org> <m1@northwind-labs.com>"
    assert msg["MIME-Version"] == "1.0"
    assert msg["X-Gracious"] == "draft; review before sending"
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"


def test_original_id_is_not_repeated_in_references() -> None:
    msg = render_reply(context(original_references=("<m1@northwind-labs.com>", "<r1@example.org>")))
    assert msg["References"] == "<r1@example.org> <m1@northwind-labs.com>"


def test_malformed_references_are_dropped() -> None:
    msg = render_reply(context(original_references=("garbage", "<ok@example.org>", "<a b@c>", "")))
    assert msg["References"] == "<ok@example.org> <m1@northwind-labs.com>"


def test_no_original_id_means_no_threading_headers() -> None:
    msg = render_reply(context(original_message_id=None, original_key="sha256:abc"))
    assert msg["In-Reply-To"] is None
    assert msg["References"] is None


def test_no_recipient_means_no_to_header() -> None:
    assert render_reply(context(to=None))["To"] is None


def test_display_name_with_comma_is_quoted() -> None:
    msg = reparse(render_reply(context(sender_name="Keller, Sam")))
    assert msg["From"].addresses[0].display_name == "Keller, Sam"
    assert msg["From"].addresses[0].addr_spec == "sam@example.org"


def test_message_id_is_deterministic() -> None:
    first = render_reply(context(date=WHEN))
    second = render_reply(context(date=datetime(2030, 1, 1, tzinfo=UTC), tone="brief"))
    other = render_reply(context(original_key="<m2@northwind-labs.com>"))
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"] != other["Message-ID"]
    assert re.fullmatch(r"<gracious\.[0-9a-f]{32}@example\.org>", first["Message-ID"])
    assert first["Message-ID"] == reply_message_id("<m1@northwind-labs.com>", "sam@example.org")


def test_reply_message_id_uses_the_senders_domain() -> None:
    digest_id = reply_message_id("key", "Sam@Example.ORG")
    assert digest_id.endswith("@example.org>")
    assert reply_message_id("key", "sam@example.org") == digest_id
    assert reply_message_id("key", "x@bad domain!").endswith("@gracious.invalid>")
    assert reply_message_id("key", "sam@example.org") != reply_message_id("key2", "sam@example.org")


def test_as_bytes_is_crlf_and_round_trips() -> None:
    msg = render_reply(context(contact_name="Zoë Ångström", company="Société Générale"))
    raw = as_bytes(msg)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    parsed = reparse(msg)
    assert parsed.get_content().replace("\r\n", "\n") == msg.get_content()
    assert "Société Générale" in parsed.get_content()


# --- hostile input ------------------------------------------------------------------------------

INJECTIONS = [
    "\r\nBcc: x@evil.test",
    "\nBcc: x@evil.test",
    "\rBcc: x@evil.test",
    "\x00\x1b[31m\x7f",
    "\u2028Bcc: x@evil.test\u2029",
    "\x85Bcc: x@evil.test",
    "\tX-Injected: 1",
    "\r\n\r\nBody injected",
]


@pytest.mark.parametrize("payload", INJECTIONS, ids=range(len(INJECTIONS)))
@pytest.mark.parametrize(
    "field",
    [
        "contact_name",
        "company",
        "position",
        "to",
        "original_subject",
        "sender_name",
        "original_message_id",
        "signature",
    ],
)
def test_control_characters_never_produce_a_header(field: str, payload: str) -> None:
    base = context()
    value = getattr(base, field) + payload
    msg = render_reply(context(**{field: value}))
    assert_no_injection(msg)
    parsed = reparse(msg)
    assert parsed["Bcc"] is None
    assert parsed["X-Injected"] is None


def test_injected_recipient_is_dropped_not_rewritten() -> None:
    msg = render_reply(context(to="anna@northwind-labs.com\r\nBcc: x@evil.test"))
    assert msg["To"] is None
    assert_no_injection(msg)


@pytest.mark.parametrize(
    "to",
    ["a@b.example, c@d.example", "Anna <a@b.example>", "two@at@signs.example", "a b@c.example"],
)
def test_to_is_a_single_bare_address_or_nothing(to: str) -> None:
    msg = render_reply(context(to=to))
    assert msg["To"] is None


def test_injected_references_are_dropped() -> None:
    msg = render_reply(
        context(original_references=("<r1@example.org>\r\nBcc: x@evil.test", "<r2@example.org>"))
    )
    assert msg["References"] == "<r2@example.org> <m1@northwind-labs.com>"
    assert_no_injection(msg)


@pytest.mark.parametrize("payload", ["\r\nBcc: x@evil.test", ", boss@evil.test"])
def test_sender_email_from_config_never_produces_a_header(payload: str) -> None:
    try:
        msg = render_reply(context(sender_email="sam@example.org" + payload))
    except RenderError:
        return
    assert_no_injection(msg)
    assert [a.addr_spec for a in reparse(msg)["From"].addresses] == ["sam@example.org"]


# --- templates ----------------------------------------------------------------------------------


def test_user_template_overrides_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "reply.en.txt.j2").write_text(
        "Custom reply to {{ contact_first }} at {{ company }} ({{ tone }}).\n{{ sender_name }}\n",
        encoding="utf-8",
    )
    msg = render_reply(context(), templates_dir=tmp_path)
    assert msg.get_content() == "Custom reply to Anna at Northwind Labs (warm).\nSam Keller\n"


def test_user_templates_dir_falls_back_to_shipped_languages(tmp_path: Path) -> None:
    (tmp_path / "reply.en.txt.j2").write_text("Custom\n", encoding="utf-8")
    german = render_reply(context(language="de"), templates_dir=tmp_path).get_content()
    assert german == render_reply(context(language="de")).get_content()


def test_missing_templates_dir_falls_back_to_shipped(tmp_path: Path) -> None:
    msg = render_reply(context(), templates_dir=tmp_path / "does-not-exist")
    assert msg.get_content() == render_reply(context()).get_content()


def test_undefined_variable_raises_render_error(tmp_path: Path) -> None:
    (tmp_path / "reply.en.txt.j2").write_text("Hello {{ no_such_variable }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        render_reply(context(), templates_dir=tmp_path)
    assert "reply.en.txt.j2" in str(info.value)
    assert "no_such_variable" in str(info.value)
    assert info.value.__cause__ is not None


def test_broken_template_syntax_raises_render_error(tmp_path: Path) -> None:
    (tmp_path / "reply.en.txt.j2").write_text("{% if %}broken\n", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        render_reply(context(), templates_dir=tmp_path)
    assert "reply.en.txt.j2" in str(info.value)


def test_template_output_is_tidied(tmp_path: Path) -> None:
    (tmp_path / "reply.en.txt.j2").write_text(
        "\n\nLine one   \n\n\n\n\nLine two\t\n\n\n", encoding="utf-8"
    )
    assert render_reply(context(), templates_dir=tmp_path).get_content() == "Line one\n\nLine two\n"
