"""detector.compose: a parsed rejection, its facts and the config become the threaded draft."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from conftest import REJECTION_SUBJECT, REJECTION_TEXT, plain

from detector.compose import compose
from detector.config import Config, DraftsConfig, Identity
from detector.facts import Facts
from detector.message import Message, parse
from drafts import reply_message_id

NOW = datetime(2025, 3, 5, 8, 15, tzinfo=UTC)
FACTS = Facts(
    company="Northwind Labs",
    position="Data Analyst",
    contact_name="Anna Berg",
    reply_to="anna.berg@northwind-labs.com",
    interviewed=True,
    language="en",
)
IDENTITY = Identity(name="Sam Keller", email="sam@example.org")


def rejection(**headers: object) -> Message:
    return parse(plain(REJECTION_TEXT, subject=REJECTION_SUBJECT, **headers))


def test_compose_threads_the_reply_from_the_configured_identity() -> None:
    message = rejection(extra=[("References", "<r0@example.org> <r1@example.org>")])
    reply = compose(message, FACTS, Config(identity=IDENTITY), now=NOW)
    assert reply["From"] == "Sam Keller <sam@example.org>"
    assert reply["To"] == "anna.berg@northwind-labs.com"
    assert reply["Subject"] == "Re: Your application for Data Analyst"
    assert reply["Date"] == "Wed, 05 Mar 2025 08:15:00 +0000"
    assert reply["In-Reply-To"] == "<m1@northwind-labs.com>"
    assert reply["References"] == "<r0@example.org> <r1@example.org> <m1@northwind-labs.com>"
    assert reply["Message-ID"] == reply_message_id("<m1@northwind-labs.com>", "sam@example.org")


def test_compose_writes_the_facts_into_the_body() -> None:
    body = compose(rejection(), FACTS, Config(identity=IDENTITY), now=NOW).get_content()
    assert body.startswith("Dear Anna,\n\n")
    assert "the Data Analyst role" in body
    assert "the Northwind Labs team" in body
    assert "interview" in body
    assert body.endswith("Warm regards,\nSam Keller\n")


def test_compose_uses_the_configured_tone_and_signature() -> None:
    identity = Identity(name="Sam Keller", email="sam@example.org", signature="Sam Keller\nBerlin")
    config = Config(identity=identity, drafts=DraftsConfig(tone="formal"))
    body = compose(rejection(), FACTS, config, now=NOW).get_content()
    assert body.startswith("Dear Anna Berg,\n\n")
    assert body.endswith("Kind regards,\nSam Keller\nBerlin\n")


def test_compose_writes_in_the_language_of_the_facts() -> None:
    facts = Facts("Nordlicht GmbH", None, None, "jobs@nordlicht.example", False, "de")
    body = compose(rejection(), facts, Config(identity=IDENTITY), now=NOW).get_content()
    assert body.startswith("Sehr geehrte Damen und Herren,\n\n")
    assert "Nordlicht GmbH" in body


def test_compose_uses_the_configured_templates(tmp_path: Path) -> None:
    (tmp_path / "reply.en.txt.j2").write_text(
        "Thanks, {{ contact_first }}.\n{{ sender_name }}\n", encoding="utf-8"
    )
    config = Config(identity=IDENTITY, drafts=DraftsConfig(templates_dir=tmp_path))
    assert (
        compose(rejection(), FACTS, config, now=NOW).get_content() == "Thanks, Anna.\nSam Keller\n"
    )


def test_compose_without_reply_address_or_message_id() -> None:
    raw = plain(REJECTION_TEXT, subject=REJECTION_SUBJECT, message_id=None)
    message = parse(raw)
    facts = Facts(None, None, None, None, None, "en")
    reply = compose(message, facts, Config(), now=NOW)
    assert reply["To"] is None
    assert reply["In-Reply-To"] is None
    assert reply["References"] is None
    key = "sha256:" + hashlib.sha256(raw).hexdigest()
    assert reply["Message-ID"] == reply_message_id(key, "your.name@example.invalid")
    assert reply["From"] == '"[Your Name]" <your.name@example.invalid>'
    assert reply.get_content().startswith("Dear hiring team,\n\n")
