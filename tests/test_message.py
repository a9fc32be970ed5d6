"""detector.message.parse over raw bytes of every MIME shape, charset and defect we meet."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from conftest import (
    CRLF,
    attachment_part,
    make_message,
    multipart,
    plain,
    text_part,
)

from detector.errors import MessageError
from detector.message import MAX_BYTES, Address, Message, parse

NO_HEADERS = "no mail headers found (no From, To, Subject, Date or Message-ID)"


def parse_or_error(raw: bytes) -> Message | MessageError:
    """The parse result, or the MessageError it raised; any other exception propagates."""
    try:
        return parse(raw)
    except MessageError as err:
        return err


# --- shapes -------------------------------------------------------------------------------------


def test_plain_message_fields() -> None:
    raw = make_message(
        text_part("Dear Sam,\n\nWe will not proceed.\n"),
        extra=[
            ("In-Reply-To", "<q1@example.org>"),
            ("References", "<q0@example.org> <q1@example.org>"),
        ],
    )
    msg = parse(raw)
    assert msg == Message(
        key="<m1@northwind-labs.com>",
        message_id="<m1@northwind-labs.com>",
        in_reply_to="<q1@example.org>",
        references=("<q0@example.org>", "<q1@example.org>"),
        subject="Your application",
        sender=Address("Anna Berg", "anna.berg@northwind-labs.com"),
        reply_to=(),
        to=(Address("Sam Keller", "sam@example.org"),),
        date=datetime(2025, 3, 3, 10, 0, tzinfo=UTC),
        body="Dear Sam,\n\nWe will not proceed.",
        text="Dear Sam,\n\nWe will not proceed.",
        signature="",
        quoted="",
        automated=False,
    )


def test_html_only_message_is_visible_text_without_markup() -> None:
    html = (
        "<html><head><title>Mail title</title>"
        "<style>p { color: red; } .x { font-weight: bold }</style>"
        '<meta charset="utf-8"></head>'
        '<body><script type="text/javascript">var secret = "alert(1)";</script>'
        '<div style="display:none">Hidden preheader</div>'
        "<p>Dear Sam,</p>"
        "<p>Caf&eacute; &amp; Co. &#8220;thanks&#8221;&nbsp;you&#x21;</p>"
        "<table><tr><td>Row one</td></tr><tr><td>Row two</td></tr></table>"
        "</body></html>"
    )
    msg = parse(make_message(text_part(html, subtype="html")))
    assert msg.body == "Dear Sam,\n\nCafé & Co. “thanks” you!\n\nRow one\n\nRow two"
    for leaked in ("<", ">", "color", "font-weight", "secret", "alert", "Hidden", "Mail title"):
        assert leaked not in msg.body


def test_multipart_alternative_prefers_the_plain_part() -> None:
    entity = multipart(
        "alternative",
        text_part("The plain version."),
        text_part("<p>The <b>HTML</b> version.</p>", subtype="html"),
    )
    assert parse(make_message(entity)).body == "The plain version."


def test_multipart_alternative_with_only_html_uses_the_html() -> None:
    entity = multipart("alternative", text_part("<p>Only <i>HTML</i> here.</p>", subtype="html"))
    assert parse(make_message(entity)).body == "Only HTML here."


def test_nested_mixed_with_attachment_reads_only_the_text() -> None:
    entity = multipart(
        "mixed",
        multipart(
            "alternative",
            text_part("Plain text of the nested alternative."),
            text_part("<p>HTML text of the nested alternative.</p>", subtype="html"),
            boundary="=_inner",
        ),
        attachment_part(b"%PDF-1.4 curriculum vitae bytes"),
        boundary="=_outer",
    )
    msg = parse(make_message(entity))
    assert msg.body == "Plain text of the nested alternative."
    assert "PDF" not in msg.body


@pytest.mark.parametrize("cte", ["base64", "quoted-printable", "8bit"])
def test_transfer_encodings_decode_to_the_same_text(cte: str) -> None:
    text = "Grüße aus Köln – der Preis ist 100 €. " + "Eine lange Zeile " * 8
    msg = parse(make_message(text_part(text, cte=cte)))
    assert msg.body == text.strip()


def test_quoted_printable_soft_line_breaks_are_joined() -> None:
    encoded = b"Wir bedauern, Ihnen mitteilen zu m=C3=BCssen, dass wir uns f=C3=BCr eine=\r\n andere Person entschieden haben."
    msg = parse(make_message(text_part(encoded, cte="quoted-printable", encoded=True)))
    assert msg.body == (
        "Wir bedauern, Ihnen mitteilen zu müssen, dass wir uns für eine andere Person "
        "entschieden haben."
    )


@pytest.mark.parametrize(
    ("cte", "payload"),
    [
        ("8bit", b"He said \x93thank you\x94 \x96 caf\xe9 closed"),
        ("quoted-printable", b"He said =93thank you=94 =96 caf=E9 closed"),
    ],
)
def test_iso_8859_1_label_with_cp1252_bytes(cte: str, payload: bytes) -> None:
    entity = text_part(payload, charset="iso-8859-1", cte=cte, encoded=True)
    assert parse(make_message(entity)).body == "He said “thank you” – café closed"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@firma.example>", "Jürgen Müller"),
        ("=?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <jm@firma.example>", "Zoë Ångström"),
        ('"=?utf-8?q?Fran=C3=A7ois?= Dupont" <jm@firma.example>', "François Dupont"),
    ],
)
def test_rfc2047_display_names(header: str, name: str) -> None:
    msg = parse(plain("Hello", sender=header))
    assert msg.sender == Address(name, "jm@firma.example")


def test_rfc2047_subject_and_multiple_recipients() -> None:
    raw = plain(
        "Hello",
        subject="=?utf-8?q?Ihre_Bewerbung_=E2=80=93_R=C3=BCckmeldung?=",
        to="=?utf-8?q?Ren=C3=A9e?= <renee@example.org>, Bob <BOB@Example.ORG>",
    )
    msg = parse(raw)
    assert msg.subject == "Ihre Bewerbung – Rückmeldung"
    assert msg.to == (Address("Renée", "renee@example.org"), Address("Bob", "BOB@example.org"))


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (b"Absage f\xfcr Ihre Bewerbung \x96 Danke", "Absage für Ihre Bewerbung – Danke"),
        ("Réponse à votre candidature".encode(), "Réponse à votre candidature"),
    ],
)
def test_raw_8bit_subject(subject: bytes, expected: str) -> None:
    assert parse(plain("Hallo", subject=subject)).subject == expected


def test_raw_8bit_latin1_display_name() -> None:
    msg = parse(plain("Hallo", sender=b"J\xfcrgen M\xfcller <jm@firma.example>"))
    assert msg.sender == Address("Jürgen Müller", "jm@firma.example")


def test_folded_headers_are_one_line() -> None:
    raw = plain(
        "Hello",
        subject="Your application\r\n for the Data Analyst\r\n\tposition",
        extra=[("References", "<a@example.org>\r\n <b@example.org>\r\n\t<c@example.org>")],
    )
    msg = parse(raw)
    assert msg.subject == "Your application for the Data Analyst position"
    assert msg.references == ("<a@example.org>", "<b@example.org>", "<c@example.org>")


def test_control_characters_never_reach_the_message() -> None:
    raw = plain(
        "Line one\x00\x07 still one\x1b\nLine two\x7f\n",
        subject="=?utf-8?q?Hi=07_there=0D=0ABcc=3A_x=40evil=2Etest?=",
    )
    msg = parse(raw)
    assert msg.body == "Line one still one\nLine two"
    assert msg.subject == "Hi there Bcc: x@evil.test"


def test_addresses_lower_case_the_domain_only() -> None:
    msg = parse(plain("Hello", sender="Anna <Anna.Berg@NorthWind-Labs.COM>"))
    assert msg.sender == Address("Anna", "Anna.Berg@northwind-labs.com")
    assert str(msg.sender) == "Anna <Anna.Berg@northwind-labs.com>"
    assert str(Address("", "a@b.example")) == "a@b.example"


def test_reply_to_is_read() -> None:
    raw = plain("Hello", extra=[("Reply-To", "Recruiting <jobs@northwind-labs.com>, hr@x.example")])
    assert parse(raw).reply_to == (
        Address("Recruiting", "jobs@northwind-labs.com"),
        Address("", "hr@x.example"),
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (
            "Tue, 04 Mar 2025 09:30:00 +0100",
            datetime(2025, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("Tue, 04 Mar 2025 09:30:00", datetime(2025, 3, 4, 9, 30, tzinfo=UTC)),
        ("not a date at all", None),
    ],
)
def test_dates(date: str, expected: datetime | None) -> None:
    assert parse(plain("Hello", date=date)).date == expected


@pytest.mark.parametrize(
    ("extra", "automated"),
    [
        ([("Auto-Submitted", "auto-generated")], True),
        ([("Auto-Submitted", "no")], False),
        ([("Precedence", "bulk")], True),
        ([("Precedence", "first-class")], False),
        ([("List-Unsubscribe", "<mailto:unsubscribe@example.org>")], True),
        ([], False),
    ],
)
def test_automated_mail(extra: list[tuple[str, str]], automated: bool) -> None:
    assert parse(plain("Hello", extra=extra)).automated is automated


# --- missing headers and keys -------------------------------------------------------------------


def test_missing_message_id_gives_a_stable_content_hash_key() -> None:
    raw = plain("Hello", message_id=None)
    first, second = parse(raw), parse(raw)
    assert first.message_id is None
    assert first.key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert second.key == first.key
    assert parse(plain("Hello, different", message_id=None)).key != first.key


def test_message_with_only_a_subject() -> None:
    msg = parse(make_message(text_part("Hi"), sender=None, to=None, date=None, message_id=None))
    assert (msg.subject, msg.sender, msg.to, msg.date, msg.message_id) == (
        "Your application",
        None,
        (),
        None,
        None,
    )
    assert msg.body == "Hi"


def test_unparseable_message_id_is_not_used_as_key() -> None:
    raw = plain("Hello", message_id="no angle brackets here")
    msg = parse(raw)
    assert msg.message_id is None
    assert msg.key == "sha256:" + hashlib.sha256(raw).hexdigest()


# --- malformed input ----------------------------------------------------------------------------


MALFORMED = {
    "missing boundary end": make_message(
        multipart("mixed", text_part("Part one."), text_part("Part two."), close=False)
    ),
    "bogus charset": make_message(
        text_part(b"Hello caf\xe9", charset="x-no-such-charset", cte="8bit", encoded=True)
    ),
    "broken base64": make_message(
        text_part(b"!!!not*base64@@@=\r\n==A", cte="base64", encoded=True)
    ),
    "truncated base64": make_message(text_part(b"SGVsbG8gd29y\r\nbGQ", cte="base64", encoded=True)),
    "broken quoted-printable": make_message(
        text_part(b"caf=E9 =ZZ =\r\nend=", cte="quoted-printable", encoded=True)
    ),
    "multipart without boundary": make_message(
        b"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nHi\r\n--x--\r\n"
    ),
    "empty boundary": make_message(
        b'Content-Type: multipart/mixed; boundary=""\r\n\r\n----\r\nHi\r\n'
    ),
    "unterminated parameter": make_message(
        b'Content-Type: text/plain; charset="utf-8\r\n\r\nHi\r\n'
    ),
    "unknown transfer encoding": make_message(
        text_part(b"Hello", cte="x-uuencode-ish", encoded=True)
    ),
    "truncated Message-ID": plain("Hello", message_id="<m1@"),
    "bare Message-ID bracket": plain("Hello", message_id="<"),
    "empty Message-ID parts": plain("Hello", message_id="<@>"),
    "Message-ID without domain": plain("Hello", message_id="<m1@northwind-labs.com"),
    "broken From": plain("Hello", sender="Anna <@>"),
    "non-ASCII charset in an encoded word (From)": plain(
        "Hello", sender=b"=?utf\x998?q?J=C3=BCrgen?= <jm@firma.example>"
    ),
    "non-ASCII charset in an encoded word (Subject)": plain("Hello", subject=b"=?utf\xe9?q?x?="),
    "unknown charset in an encoded word": plain("Hello", subject="=?x-unknown?q?abc?="),
    "broken To group": plain("Hello", to="undisclosed-recipients:"),
    "NUL in header": plain("Hello", subject="Sub\x00ject"),
    "header without colon": b"From: a@b.example\r\nThis line is no header\r\nSubject: x\r\n\r\nHi\r\n",
    "LF only": b"From: a@b.example\nSubject: x\n\nHi\n",
    "no body": b"From: a@b.example\r\nSubject: x\r\n",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_mime_parses_or_raises_message_error(raw: bytes) -> None:
    result = parse_or_error(raw)
    assert isinstance(result, Message | MessageError)
    if isinstance(result, MessageError):
        assert str(result)


def test_missing_boundary_end_keeps_every_part() -> None:
    msg = parse(MALFORMED["missing boundary end"])
    assert msg.body == "Part one.\n\nPart two."


def test_bogus_charset_keeps_the_ascii_text() -> None:
    assert parse(MALFORMED["bogus charset"]).body.startswith("Hello caf")


def test_truncated_message_id_still_parses() -> None:
    msg = parse(MALFORMED["truncated Message-ID"])
    assert msg.subject == "Your application"
    assert msg.body == "Hello"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"", "empty message"),
        (b"  \r\n\r\n \t", "empty message"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", NO_HEADERS),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", NO_HEADERS),
        (b"Just a line of prose, not a mail.\nAnd another one.\n", NO_HEADERS),
        (b"\x00" * 64, NO_HEADERS),
        (b"X-Custom: only an unknown header\r\n\r\nbody\r\n", NO_HEADERS),
    ],
    ids=["empty", "whitespace", "png", "pdf", "prose", "nul bytes", "no known header"],
)
def test_empty_and_garbage_input_raise_a_clear_message_error(raw: bytes, text: str) -> None:
    with pytest.raises(MessageError) as info:
        parse(raw)
    assert str(info.value) == text


def test_non_bytes_input_is_a_message_error() -> None:
    with pytest.raises(MessageError) as info:
        parse("From: a@b.example\r\n\r\nHi")  # type: ignore[arg-type]
    assert str(info.value) == "expected bytes, got str"


def test_oversized_input_is_refused() -> None:
    raw = plain("x") + b"x" * MAX_BYTES
    with pytest.raises(MessageError) as info:
        parse(raw)
    assert str(info.value) == f"message too large ({len(raw)} bytes, limit {MAX_BYTES})"


def test_bytearray_is_accepted() -> None:
    assert parse(bytearray(plain("Hello"))).body == "Hello"  # type: ignore[arg-type]


# --- quoted replies and signatures --------------------------------------------------------------


QUOTES = {
    "english attribution": (
        "Thanks, that is a pity.\n\n"
        "On Mon, 3 Mar 2025 at 10:00, Anna Berg <anna@northwind-labs.com> wrote:\n"
        "> We regret to inform you\n"
        "> that we will not proceed.\n",
        "On Mon, 3 Mar 2025 at 10:00, Anna Berg <anna@northwind-labs.com> wrote:\n"
        "> We regret to inform you\n"
        "> that we will not proceed.",
    ),
    "outlook block": (
        "Thanks, that is a pity.\n\n"
        "From: Anna Berg <anna@northwind-labs.com>\n"
        "Sent: Monday, March 3, 2025 10:00 AM\n"
        "To: Sam Keller <sam@example.org>\n"
        "Subject: Your application\n\n"
        "We regret to inform you.\n",
        "From: Anna Berg <anna@northwind-labs.com>\n"
        "Sent: Monday, March 3, 2025 10:00 AM\n"
        "To: Sam Keller <sam@example.org>\n"
        "Subject: Your application\n\n"
        "We regret to inform you.",
    ),
    "outlook block after underscores": (
        "Thanks, that is a pity.\n\n"
        "________________________________\n"
        "From: Anna Berg <anna@northwind-labs.com>\n"
        "Sent: Monday, March 3, 2025 10:00 AM\n"
        "We regret to inform you.\n",
        "________________________________\n"
        "From: Anna Berg <anna@northwind-labs.com>\n"
        "Sent: Monday, March 3, 2025 10:00 AM\n"
        "We regret to inform you.",
    ),
    "german outlook block": (
        "Thanks, that is a pity.\n\n"
        "Von: Anna Berg <anna@northwind-labs.com>\n"
        "Gesendet: Montag, 3. März 2025 10:00\n"
        "An: Sam Keller <sam@example.org>\n"
        "Leider müssen wir absagen.\n",
        "Von: Anna Berg <anna@northwind-labs.com>\n"
        "Gesendet: Montag, 3. März 2025 10:00\n"
        "An: Sam Keller <sam@example.org>\n"
        "Leider müssen wir absagen.",
    ),
    "german attribution, name after schrieb (Thunderbird)": (
        "Thanks, that is a pity.\n\n"
        "Am 03.03.2025 um 10:00 schrieb Anna Berg <anna@northwind-labs.com>:\n"
        "> Leider müssen wir Ihnen absagen.\n",
        "Am 03.03.2025 um 10:00 schrieb Anna Berg <anna@northwind-labs.com>:\n"
        "> Leider müssen wir Ihnen absagen.",
    ),
    "german attribution, name after schrieb (Gmail)": (
        "Thanks, that is a pity.\n\n"
        "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Anna Berg <anna@northwind-labs.com>:\n"
        "> Leider müssen wir Ihnen absagen.\n",
        "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Anna Berg <anna@northwind-labs.com>:\n"
        "> Leider müssen wir Ihnen absagen.",
    ),
    "german attribution, name before schrieb": (
        "Thanks, that is a pity.\n\n"
        "Am 03.03.2025 um 10:00 hat Anna Berg schrieb:\n"
        "> Leider müssen wir Ihnen absagen.\n",
        "Am 03.03.2025 um 10:00 hat Anna Berg schrieb:\n> Leider müssen wir Ihnen absagen.",
    ),
    "french attribution": (
        "Thanks, that is a pity.\n\n"
        "Le lun. 3 mars 2025 à 10:00, Anna Berg <anna@northwind-labs.com> a écrit :\n"
        "> Nous avons le regret de vous informer.\n",
        "Le lun. 3 mars 2025 à 10:00, Anna Berg <anna@northwind-labs.com> a écrit :\n"
        "> Nous avons le regret de vous informer.",
    ),
    "original message separator": (
        "Thanks, that is a pity.\n\n-----Original Message-----\nWe regret to inform you.\n",
        "-----Original Message-----\nWe regret to inform you.",
    ),
    "bare quote block": (
        "Thanks, that is a pity.\n\n> We regret to inform you.\n> Kind regards\n",
        "> We regret to inform you.\n> Kind regards",
    ),
}


@pytest.mark.parametrize(("body", "quoted"), QUOTES.values(), ids=QUOTES.keys())
def test_quoted_earlier_mail_goes_to_quoted(body: str, quoted: str) -> None:
    msg = parse(plain(body))
    assert msg.text == "Thanks, that is a pity."
    assert msg.quoted == quoted
    assert msg.signature == ""


@pytest.mark.parametrize(
    "html",
    [
        "<div>Thanks, that is a pity.</div><blockquote type='cite'><p>We regret to inform you.</p></blockquote>",
        '<div>Thanks, that is a pity.</div><div class="gmail_quote"><div>On Mon, Anna wrote:</div>'
        "<p>We regret to inform you.</p></div>",
    ],
    ids=["blockquote", "gmail_quote"],
)
def test_html_quotes_go_to_quoted(html: str) -> None:
    msg = parse(make_message(text_part(html, subtype="html")))
    assert msg.text == "Thanks, that is a pity."
    assert "> We regret to inform you." in msg.quoted.splitlines()
    assert "regret" not in msg.text


def test_interleaved_single_quote_line_is_not_a_quote_block() -> None:
    body = "Thanks for the note.\n> one line you wrote\nMy answer to it.\nAnother line.\nAnd more."
    msg = parse(plain(body))
    assert msg.text == body
    assert msg.quoted == ""


@pytest.mark.parametrize(
    ("body", "text", "signature"),
    [
        (
            "We will not proceed.\n\n-- \nAnna Berg\nNorthwind Labs\n",
            "We will not proceed.",
            "Anna Berg\nNorthwind Labs",
        ),
        (
            "We will not proceed.\n\nBest regards,\nAnna Berg\nNorthwind Labs\n",
            "We will not proceed.",
            "Best regards,\nAnna Berg\nNorthwind Labs",
        ),
        (
            "Leider müssen wir absagen.\n\nMit freundlichen Grüßen\nAnna Berg\n",
            "Leider müssen wir absagen.",
            "Mit freundlichen Grüßen\nAnna Berg",
        ),
        (
            "Nous ne donnerons pas suite.\n\nCordialement,\nAnna Berg\n",
            "Nous ne donnerons pas suite.",
            "Cordialement,\nAnna Berg",
        ),
        (
            "Thank you!\n\nWe will not proceed.\n\nKind regards,\nAnna\n",
            "Thank you!\n\nWe will not proceed.",
            "Kind regards,\nAnna",
        ),
    ],
    ids=["dash-dash-space", "best regards", "german closing", "french closing", "thanks opening"],
)
def test_signature_is_split_off(body: str, text: str, signature: str) -> None:
    msg = parse(plain(body))
    assert (msg.text, msg.signature, msg.quoted) == (text, signature, "")


def test_signature_and_quote_together() -> None:
    body = (
        "Thank you for letting me know.\n\nBest regards,\nSam\n\n"
        "On Mon, 3 Mar 2025, Anna Berg wrote:\n> We will not proceed.\n"
    )
    msg = parse(plain(body))
    assert msg.text == "Thank you for letting me know."
    assert msg.signature == "Best regards,\nSam"
    assert msg.quoted == "On Mon, 3 Mar 2025, Anna Berg wrote:\n> We will not proceed."


# --- robustness ---------------------------------------------------------------------------------


def _seed_message() -> bytes:
    entity = multipart(
        "mixed",
        multipart(
            "alternative",
            text_part(
                "Dear Sam,\n\nWe regret – “sadly” – to decline.\n\nBest regards,\nAnna\n\n"
                "On Mon, Sam wrote:\n> My application\n",
                cte="quoted-printable",
            ),
            text_part(
                "<p>Dear Sam,</p><p>We regret to decline.</p><blockquote>old</blockquote>",
                subtype="html",
                cte="base64",
            ),
            boundary="=_inner",
        ),
        attachment_part(b"%PDF-1.4 attachment"),
        boundary="=_outer",
    )
    return make_message(
        entity,
        sender="=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@firma.example>",
        subject=b"Absage f\xfcr Ihre Bewerbung",
        extra=[
            ("Reply-To", "Recruiting <jobs@firma.example>"),
            ("In-Reply-To", "<q1@example.org>"),
            ("References", "<q0@example.org> <q1@example.org>"),
        ],
    )


def _mutations(seed: bytes, rng: random.Random, count: int) -> list[bytes]:
    out = []
    for i in range(count):
        raw = bytearray(seed)
        kind = i % 3
        if kind == 0:  # truncated at a random offset
            raw = raw[: rng.randrange(len(raw) + 1)]
        elif kind == 1:  # random bytes flipped
            for _ in range(rng.randint(1, 24)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        else:  # header lines duplicated
            lines = bytes(raw).split(CRLF)
            end = lines.index(b"")
            for _ in range(rng.randint(1, 6)):
                j = rng.randrange(end)
                lines.insert(j, lines[j])
            raw = bytearray(CRLF.join(lines))
        out.append(bytes(raw))
    return out


def test_mutated_messages_parse_or_raise_message_error() -> None:
    seed = _seed_message()
    assert parse(seed).body.startswith("Dear Sam,")
    failures = []
    rng = random.Random(1)
    for n, raw in enumerate(_mutations(seed, rng, 200)):
        try:
            parse(raw)
        except MessageError:
            continue
        except Exception as err:  # the property under test: nothing else escapes
            failures.append(f"mutation {n}: {type(err).__name__}: {err} (input {raw[:120]!r}...)")
    assert failures == []
