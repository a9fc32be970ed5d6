"""drafts.render_digest: the weekly reflection note's headers, sections, languages and hostile input."""

from __future__ import annotations

import dataclasses
import email
import re
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from drafts import (
    LANGUAGES,
    DigestContext,
    DigestItem,
    RenderError,
    as_bytes,
    digest_subject,
    render_digest,
)

WHEN = datetime(2025, 3, 10, 7, 0, tzinfo=UTC)
MESSAGE_ID = "<gracious.weekly.2025-W10@example.org>"
NORTHWIND = DigestItem("Northwind Labs", "Data Analyst", True, "waiting in Drafts")
CONTOSO = DigestItem("Contoso", "Backend Engineer", False, "sent")
FABRIKAM = DigestItem("Fabrikam", "Product Manager", None, "waiting in Drafts")
TAILSPIN = DigestItem("Tailspin Toys", "QA Lead", True, "answered")

HEADINGS = {
    "en": (
        "Rejections this week",
        "Notes waiting to be sent",
        "Notes answered this week",
        "Questions for after a near miss",
    ),
    "de": (
        "Absagen dieser Woche",
        "Dankesnachrichten, die noch warten",
        "Antworten auf deine Dankesnachrichten",
        "Fragen nach einer knappen Absage",
    ),
    "fr": (
        "Refus de la semaine",
        "Remerciements en attente d'envoi",
        "Réponses à vos remerciements cette semaine",
        "Questions après un refus de justesse",
    ),
    "es": (
        "Rechazos de esta semana",
        "Agradecimientos pendientes de enviar",
        "Respuestas a tus agradecimientos esta semana",
        "Preguntas para cuando te quedas a las puertas",
    ),
    "nl": (
        "Afwijzingen deze week",
        "Bedankjes die nog verstuurd moeten worden",
        "Reacties op je bedankjes deze week",
        "Vragen na een net-niet",
    ),
}
AFTER_INTERVIEW = {
    "en": "after an interview",
    "de": "nach einem Vorstellungsgespräch",
    "fr": "après un entretien",
    "es": "tras una entrevista",
    "nl": "na een sollicitatiegesprek",
}
GREETING = {
    "en": "Hi Sam,",
    "de": "Hallo Sam,",
    "fr": "Bonjour Sam,",
    "es": "Hola, Sam:",
    "nl": "Hoi Sam,",
}
WEEK = {
    "en": "3–9 March 2025",
    "de": "vom 3. bis 9. März 2025",
    "fr": "du 3 au 9 mars 2025",
    "es": "del 3 al 9 de marzo de 2025",
    "nl": "van 3 tot en met 9 maart 2025",
}
HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "X-Gracious",
    "Content-Type",
    "Content-Transfer-Encoding",
}


def context(**overrides: Any) -> DigestContext:
    values: dict[str, Any] = {
        "user_name": "Sam Keller",
        "user_email": "sam@example.org",
        "week_start": date(2025, 3, 3),
        "week_end": date(2025, 3, 9),
        "rejections": (NORTHWIND, CONTOSO),
        "waiting": (FABRIKAM,),
        "answered": (TAILSPIN,),
        "language": "en",
        "date": WHEN,
        "message_id": MESSAGE_ID,
    }
    values.update(overrides)
    return DigestContext(**values)


def body_of(**overrides: Any) -> str:
    return str(render_digest(context(**overrides)).get_content())


def section(body: str, heading: str) -> list[str] | None:
    """The lines under a heading, up to the next blank line; None when the heading is absent."""
    for paragraph in body.split("\n\n"):
        first, *rest = paragraph.split("\n")
        if first == heading:
            return rest
    return None


def entries(body: str, heading: str) -> list[str]:
    lines = section(body, heading)
    assert lines is not None, f"no section {heading!r} in\n{body}"
    return [line for line in lines if line.startswith("- ")]


def reparse(msg: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(as_bytes(msg), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


# --- headers ------------------------------------------------------------------------------------


def test_headers_are_exact() -> None:
    msg = render_digest(context())
    assert list(msg.keys()) == [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "MIME-Version",
        "X-Gracious",
        "Content-Type",
        "Content-Transfer-Encoding",
    ]
    assert msg["From"] == "Sam Keller <sam@example.org>"
    assert msg["To"] == msg["From"]
    assert msg["Subject"] == "Your job search this week: 2 rejections, 1 note waiting"
    assert msg["Date"] == "Mon, 10 Mar 2025 07:00:00 +0000"
    assert msg["Message-ID"] == MESSAGE_ID
    assert msg["X-Gracious"] == "weekly-digest"
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"


@pytest.mark.parametrize(
    ("rejections", "waiting", "subject"),
    [
        (0, 0, "Your job search this week: no rejections, no notes waiting"),
        (1, 1, "Your job search this week: 1 rejection, 1 note waiting"),
        (2, 3, "Your job search this week: 2 rejections, 3 notes waiting"),
        (0, 2, "Your job search this week: no rejections, 2 notes waiting"),
        (12, 0, "Your job search this week: 12 rejections, no notes waiting"),
    ],
)
def test_english_subject_counts(rejections: int, waiting: int, subject: str) -> None:
    assert digest_subject(rejections, waiting, "en") == subject
    msg = render_digest(
        context(rejections=(CONTOSO,) * rejections, waiting=(FABRIKAM,) * waiting, answered=())
    )
    assert msg["Subject"] == subject


@pytest.mark.parametrize(
    ("rejections", "waiting", "subject"),
    [
        (0, 0, "Deine Bewerbungswoche: keine Absagen, keine Dankesnachricht wartet"),
        (1, 1, "Deine Bewerbungswoche: 1 Absage, 1 Dankesnachricht wartet"),
        (2, 3, "Deine Bewerbungswoche: 2 Absagen, 3 Dankesnachrichten warten"),
        (3, 0, "Deine Bewerbungswoche: 3 Absagen, keine Dankesnachricht wartet"),
    ],
)
def test_german_subject_counts(rejections: int, waiting: int, subject: str) -> None:
    assert digest_subject(rejections, waiting, "de") == subject
    msg = render_digest(
        context(language="de", rejections=(CONTOSO,) * rejections, waiting=(FABRIKAM,) * waiting)
    )
    assert msg["Subject"] == subject


@pytest.mark.parametrize(
    ("language", "counts", "subject"),
    [
        ("fr", (1, 2), "Cette semaine : 1 refus, 2 remerciements en attente"),
        ("fr", (0, 1), "Cette semaine : aucun refus, 1 remerciement en attente"),
        ("es", (1, 2), "Esta semana: 1 rechazo, 2 agradecimientos pendientes"),
        ("es", (2, 0), "Esta semana: 2 rechazos, sin agradecimientos pendientes"),
        ("nl", (1, 2), "Je sollicitatieweek: 1 afwijzing, 2 bedankjes te versturen"),
        ("nl", (0, 1), "Je sollicitatieweek: geen afwijzingen, 1 bedankje te versturen"),
    ],
)
def test_other_subjects(language: str, counts: tuple[int, int], subject: str) -> None:
    assert digest_subject(*counts, language) == subject


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("counts", [(0, 0), (1, 0), (0, 1), (1, 1), (99, 99)])
def test_subjects_survive_the_wire_unchanged(language: str, counts: tuple[int, int]) -> None:
    """Unfolded and ASCII, so no mail client (nor Python's own parser) sees stray spaces."""
    rejections, waiting = counts
    msg = render_digest(
        context(
            language=language, rejections=(CONTOSO,) * rejections, waiting=(FABRIKAM,) * waiting
        )
    )
    subject = digest_subject(rejections, waiting, language)
    assert subject.isascii()
    assert f"\r\nSubject: {subject}\r\n".encode() in as_bytes(msg)
    assert reparse(msg)["Subject"] == subject


def test_message_id_is_used_verbatim_and_output_is_deterministic() -> None:
    first = as_bytes(render_digest(context(message_id="<weekly.2025-W10.x9@Example.ORG>")))
    second = as_bytes(render_digest(context(message_id="<weekly.2025-W10.x9@Example.ORG>")))
    assert first == second
    assert b"\r\nMessage-ID: <weekly.2025-W10.x9@Example.ORG>\r\n" in first


@pytest.mark.parametrize("bad", ["", "no-brackets@example.org", "<a b@c>", "<x@y>\r\nBcc: e@v"])
def test_an_unusable_message_id_is_an_error(bad: str) -> None:
    with pytest.raises(RenderError, match="Message-ID"):
        render_digest(context(message_id=bad))


@pytest.mark.parametrize(
    "bad", ["", "not an address", "a@b.example, c@d.example", "x@y\r\nBcc: e@v"]
)
def test_an_unusable_user_address_is_an_error(bad: str) -> None:
    with pytest.raises(RenderError, match="not a valid address"):
        render_digest(context(user_email=bad))


def test_display_name_with_comma_is_quoted_and_greeted_by_first_name() -> None:
    msg = render_digest(context(user_name="Keller, Sam"))
    parsed = reparse(msg)
    for header in ("From", "To"):
        assert parsed[header].addresses[0].display_name == "Keller, Sam"
        assert parsed[header].addresses[0].addr_spec == "sam@example.org"
    assert str(msg.get_content()).startswith("Hi Sam,\n")


# --- body ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_renders_its_sections_and_questions(language: str) -> None:
    body = body_of(language=language)
    rejected, waiting, answered, questions = HEADINGS[language]
    assert body.splitlines()[0] == GREETING[language]
    assert WEEK[language] in body
    for heading in HEADINGS[language]:
        assert section(body, heading) is not None, heading
    asked = [line for line in section(body, questions) or [] if re.match(r"\d+\. ", line)]
    assert [q.split(".")[0] for q in asked] == ["1", "2", "3", "4", "5", "6"]
    assert all(q.rstrip().endswith(("?", ".")) and "?" in q for q in asked)
    assert len(set(asked)) == 6
    after = AFTER_INTERVIEW[language]
    assert entries(body, rejected) == [
        f"- Northwind Labs — Data Analyst, {after} (waiting in Drafts)",
        "- Contoso — Backend Engineer (sent)",
    ]
    assert entries(body, waiting) == ["- Fabrikam — Product Manager (waiting in Drafts)"]
    assert entries(body, answered) == [f"- Tailspin Toys — QA Lead, {after} (answered)"]
    assert body.rstrip().splitlines()[-2] == "gracious"
    for leftover in ("None", "{{", "{%", "  ", " ,", " .", "\n\n\n"):
        assert leftover not in body, leftover


def test_english_body_in_full() -> None:
    body = body_of()
    assert body.startswith(
        "Hi Sam,\n\nHere is your job search for the week of 3–9 March 2025. A rejection is rarely"
    )
    assert section(body, "Rejections this week") == [
        "- Northwind Labs — Data Analyst, after an interview (waiting in Drafts)",
        "- Contoso — Backend Engineer (sent)",
    ]
    assert section(body, "Notes waiting to be sent") == [
        "- Fabrikam — Product Manager (waiting in Drafts)",
        "A short thank-you is best sent within a few days, while the conversation is still fresh.",
    ]
    assert section(body, "Notes answered this week") == [
        "- Tailspin Toys — QA Lead, after an interview (answered)"
    ]
    assert body.endswith(
        "Good luck with the week ahead.\n\ngracious\n"
        "This note is for you only; nobody else receives it.\n"
    )


def test_unknown_language_falls_back_to_english() -> None:
    italian = render_digest(context(language="it"))
    english = render_digest(context(language="en"))
    assert italian.get_content() == english.get_content()
    assert italian["Subject"] == english["Subject"]
    assert digest_subject(1, 1, "it") == digest_subject(1, 1, "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_lists_contain_exactly_the_items_given(language: str) -> None:
    rejections = tuple(DigestItem(f"Company {n}", f"Role {n}", n == 2, f"s{n}") for n in range(5))
    waiting = (DigestItem("Waiting A", None, None, ""), DigestItem(None, "Waiting B", False, "w"))
    answered = (DigestItem("Answered C", "Role C", None, "a"),)
    body = body_of(language=language, rejections=rejections, waiting=waiting, answered=answered)
    rejected, waits, answers, _ = HEADINGS[language]
    after = AFTER_INTERVIEW[language]
    assert entries(body, rejected) == [
        "- Company 0 — Role 0 (s0)",
        "- Company 1 — Role 1 (s1)",
        f"- Company 2 — Role 2, {after} (s2)",
        "- Company 3 — Role 3 (s3)",
        "- Company 4 — Role 4 (s4)",
    ]
    assert entries(body, waits) == ["- Waiting A", "- Waiting B (w)"]
    assert entries(body, answers) == ["- Answered C — Role C (a)"]
    assert len(re.findall(r"^- ", body, re.M)) == 8


@pytest.mark.parametrize(
    ("language", "unknown"),
    [
        ("en", "Unknown company"),
        ("de", "Unbekanntes Unternehmen"),
        ("fr", "Entreprise inconnue"),
        ("es", "Empresa desconocida"),
        ("nl", "Onbekend bedrijf"),
    ],
)
def test_an_item_without_company_or_position_still_reads(language: str, unknown: str) -> None:
    body = body_of(language=language, rejections=(DigestItem(None, "  ", None, "no note"),))
    assert entries(body, HEADINGS[language][0]) == [f"- {unknown} (no note)"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_empty_sections_render_gracefully(language: str) -> None:
    body = body_of(language=language, rejections=(), waiting=(), answered=())
    rejected, waiting, answered, questions = HEADINGS[language]
    assert len(section(body, rejected) or []) == 1  # one short "none this week" line
    assert len(section(body, waiting) or []) == 1
    assert section(body, answered) is None
    assert "- " not in body
    assert section(body, questions) is not None
    full = body_of(language=language)
    # No nudge without waiting notes, and no "a rejection is rarely a verdict" without rejections.
    assert len(body.split("\n\n")[1]) < len(full.split("\n\n")[1])
    assert "\n\n\n" not in body
    assert "None" not in body


def test_empty_english_sections_in_words() -> None:
    body = body_of(rejections=(), waiting=(), answered=())
    assert body.split("\n\n")[1] == "Here is your job search for the week of 3–9 March 2025."
    assert section(body, "Rejections this week") == ["No rejections arrived this week."]
    assert section(body, "Notes waiting to be sent") == ["Nothing is waiting to be sent."]
    assert "thank-you is best sent" not in body


def test_only_answered_notes_leaves_the_nudge_out() -> None:
    body = body_of(rejections=(CONTOSO,), waiting=(), answered=(TAILSPIN,))
    assert "within a few days" not in body
    assert entries(body, "Notes answered this week") == [
        "- Tailspin Toys — QA Lead, after an interview (answered)"
    ]


@pytest.mark.parametrize(
    ("start", "end", "language", "words"),
    [
        (date(2025, 3, 31), date(2025, 4, 6), "en", "31 March – 6 April 2025"),
        (date(2025, 12, 29), date(2026, 1, 4), "en", "29 December 2025 – 4 January 2026"),
        (date(2025, 3, 31), date(2025, 4, 6), "de", "vom 31. März bis 6. April 2025"),
        (date(2025, 12, 1), date(2025, 12, 7), "fr", "du 1er au 7 décembre 2025"),
        (
            date(2025, 12, 29),
            date(2026, 1, 4),
            "es",
            "del 29 de diciembre de 2025 al 4 de enero de 2026",
        ),
        (date(2025, 3, 31), date(2025, 4, 6), "nl", "van 31 maart tot en met 6 april 2025"),
    ],
)
def test_the_week_is_written_out(start: date, end: date, language: str, words: str) -> None:
    assert words in body_of(language=language, week_start=start, week_end=end)


# --- hostile input ------------------------------------------------------------------------------

INJECTIONS = [
    "\r\nBcc: x@evil.test",
    "\nBcc: x@evil.test",
    "\r\n\r\nBody injected",
    "\x00\x1b[31m\x7f",
    "\u2028Bcc: x@evil.test\u2029",
    "\x85X-Injected: 1",
]


@pytest.mark.parametrize("payload", INJECTIONS, ids=range(len(INJECTIONS)))
@pytest.mark.parametrize("field", ["company", "position", "note", "user_name"])
def test_hostile_values_cannot_add_headers_or_control_characters(field: str, payload: str) -> None:
    if field == "user_name":
        msg = render_digest(context(user_name="Sam Keller" + payload))
    else:
        item = dataclasses.replace(NORTHWIND, **{field: "Northwind" + payload})
        msg = render_digest(context(rejections=(item,), waiting=(item,), answered=(item,)))
    raw = as_bytes(msg)
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        assert line[:1] in (b" ", b"\t") or b":" in line, f"stray header line {line!r}"
    parsed = reparse(msg)
    assert set(parsed.keys()) == HEADERS
    assert len(parsed.keys()) == len(HEADERS)
    assert parsed.defects == []
    for name in parsed:
        assert "\n" not in str(parsed[name])
        assert "\r" not in str(parsed[name])
    body = str(msg.get_content())
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", body)
    if field != "user_name":
        lines = entries(body, "Rejections this week")
        assert len(lines) == 1
        assert "Northwind" in lines[0]


def test_markup_never_reaches_the_body() -> None:
    item = DigestItem(
        "<script>alert(1)</script>Acme <b>Labs</b>", "<i>Dev</i>", True, "<b>sent</b>"
    )
    body = body_of(rejections=(item,))
    assert "<" not in body
    assert ">" not in body
    assert "script" not in body
    assert entries(body, "Rejections this week") == [
        "- alert(1)Acme Labs — Dev, after an interview (sent)"
    ]


def test_very_long_values_are_clipped_to_a_readable_line() -> None:
    item = DigestItem("A" * 5000, "B" * 5000, True, "C" * 5000)
    body = body_of(rejections=(item,), waiting=(item,), user_name="D" * 5000)
    (line,) = entries(body, "Rejections this week")
    assert len(line) < 250
    assert line.count("…") == 3
    assert body.splitlines()[0] == "Hi " + "D" * 39 + "…,"
    assert entries(body, "Notes waiting to be sent") == [line]
    assert max(len(line) for line in as_bytes(render_digest(context())).split(b"\r\n")) <= 78


def test_as_bytes_round_trips_non_ascii() -> None:
    item = DigestItem("Société Générale", "Ingénieur·e", False, "envoyé")
    msg = render_digest(context(language="fr", rejections=(item,), user_name="Zoë Ångström"))
    raw = as_bytes(msg)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = reparse(msg)
    assert parsed.get_content().replace("\r\n", "\n") == msg.get_content()
    assert parsed["From"].addresses[0].display_name == "Zoë Ångström"
    assert parsed["Subject"] == "Cette semaine : 1 refus, 1 remerciement en attente"
    assert "- Société Générale — Ingénieur·e (envoyé)" in parsed.get_content()


# --- templates ----------------------------------------------------------------------------------


def test_user_template_overrides_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "digest.en.txt.j2").write_text(
        "Week {{ week_start.isoformat() }} ({{ week }}) for {{ user_first }}:\n"
        "{% for item in rejections %}* {{ item.company }}|{{ item.position }}|{{ item.note }}"
        "|{{ item.interviewed }}\n{% endfor %}"
        "{{ waiting | length }} waiting, {{ answered | length }} answered\n",
        encoding="utf-8",
    )
    msg = render_digest(context(), templates_dir=tmp_path)
    assert msg.get_content() == (
        "Week 2025-03-03 (3–9 March 2025) for Sam:\n"
        "* Northwind Labs|Data Analyst|waiting in Drafts|True\n"
        "* Contoso|Backend Engineer|sent|False\n"
        "1 waiting, 1 answered\n"
    )
    assert msg["X-Gracious"] == "weekly-digest"


def test_user_templates_dir_falls_back_to_shipped_languages(tmp_path: Path) -> None:
    (tmp_path / "digest.en.txt.j2").write_text("Custom\n", encoding="utf-8")
    german = render_digest(context(language="de"), templates_dir=tmp_path).get_content()
    assert german == render_digest(context(language="de")).get_content()


def test_broken_user_template_raises_render_error(tmp_path: Path) -> None:
    (tmp_path / "digest.en.txt.j2").write_text("{% for item in %}broken\n", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        render_digest(context(), templates_dir=tmp_path)
    assert "digest.en.txt.j2" in str(info.value)
    assert info.value.__cause__ is not None


def test_undefined_variable_in_user_template_raises_render_error(tmp_path: Path) -> None:
    (tmp_path / "digest.en.txt.j2").write_text("Hello {{ no_such_variable }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        render_digest(context(), templates_dir=tmp_path)
    assert "digest.en.txt.j2" in str(info.value)
    assert "no_such_variable" in str(info.value)
