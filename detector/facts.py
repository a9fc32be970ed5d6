"""What a rejection is about: company, position, whom to thank, where to reply, interview or not.

Pure rules over a parsed :class:`Message`. Every value returned occurs in the mail (or is None):
gracious never invents a company or a name, and the reply template words around what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from detector.employer import company_key, find_company
from detector.jobtitle import find_position
from detector.language import detect_language
from detector.message import Address, Message
from detector.names import contact_name
from detector.relay import NOT_MONITORED, ROLE_MAILBOX, is_relay

__all__ = ["Facts", "extract"]


@dataclass(frozen=True)
class Facts:
    """The facts a reply is written from; None where the mail does not say."""

    company: str | None
    position: str | None
    contact_name: str | None
    reply_to: str | None
    interviewed: bool | None
    language: str


# The facts of a rejection are in its first pages; a huge body only costs time (and hostile
# input could make it cost a lot), so the rules read at most this much.
MAX_TEXT = 20_000


def extract(message: Message) -> Facts:
    """Pull the facts of a rejection out of ``message``; unknowns are None, never guesses."""
    message = replace(
        message,
        subject=message.subject[:500],
        text=message.text[:MAX_TEXT],
        body=message.body[:MAX_TEXT],
        signature=message.signature[:3000],
        quoted="",
    )
    text = message.text or message.body
    language = detect_language(f"{message.subject}\n{text}")
    contact = contact_name(message)
    position = find_position(message)
    company = find_company(message, position, contact, language)
    if position and company:
        if company_key(position) == company_key(company):
            position = None
        else:
            position = _without_company(position, company)
    return Facts(
        company=company,
        position=position,
        contact_name=contact,
        reply_to=_reply_address(message, contact),
        interviewed=_interviewed(f"{message.subject}\n{text}"),
        language=language,
    )


def _without_company(position: str, company: str) -> str:
    """ "Harcourt Rail Graduate Scheme" at Harcourt Rail Ltd is the "Graduate Scheme"."""
    words, name = position.split(), company_key(company).split()
    if len(words) > len(name) and [w.lower() for w in words[: len(name)]] == name:
        return " ".join(words[len(name) :])
    return position


_EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])([\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})")


def _reply_address(message: Message, contact: str | None) -> str | None:
    own = {a.email.lower() for a in message.to}
    body_says_no_reply = bool(NOT_MONITORED.search(message.body))
    for addr in message.reply_to:
        if not is_relay(addr) and addr.email.lower() not in own:
            return addr.email
    sender = message.sender
    if sender and not is_relay(sender) and sender.email.lower() not in own:
        local = sender.email.split("@")[0]
        if not (body_says_no_reply and not _looks_personal(local, contact)):
            return sender.email
    found: list[str] = []
    for email in _EMAIL_IN_TEXT.findall(f"{message.text}\n{message.signature}"):
        email = str(email).rstrip(".")
        candidate = Address("", email)
        if email.lower() in own or is_relay(candidate):
            continue
        found.append(email)
    if not found:
        return None
    if contact:
        first = contact.split()[0].lower()
        for email in found:
            if first in email.lower().split("@")[0]:
                return email
    personal = [e for e in found if not ROLE_MAILBOX.match(e.split("@")[0])]
    roles = [e for e in found if ROLE_MAILBOX.match(e.split("@")[0])]
    return (roles or personal)[0] if not contact else (personal or roles)[0]


def _looks_personal(local: str, contact: str | None) -> bool:
    if contact and contact.split()[0].lower() in local.lower():
        return True
    return bool(re.match(r"^[a-z]+[._-][a-z]+$", local, re.I)) and not ROLE_MAILBOX.match(local)


_NO_INTERVIEW = re.compile(
    r"not (?:be )?(?:invit\w+|select\w+|mov\w+ forward|progress\w*|shortlist\w*)[^.]{0,40}(?:to|for) (?:an? |the )?(?:interview|next stage)|"
    r"without (?:an )?interview|no interview|"
    r"nicht zu einem (?:Vorstellungs)?gespräch|pas (?:retenue? )?pour (?:un|l')entretien|"
    r"no (?:ha sido|has sido) (?:seleccionad[ao] )?para (?:la|una) entrevista|niet uit(?:ge)?nodig\w* voor een (?:sollicitatie)?gesprek",
    re.I,
)


# Contact that has happened: a call, a chat, a visit, a trial shift, an interview already held.
_INTERVIEW = re.compile(
    r"\binterviewed\b|\binterviewing\s+(?:with|for)\b|\b(?:your|the|our|last|recent|today's|yesterday's)\s+interviews?\b|"
    r"\binterviews?\s+(?:with\s+(?:us|me|our|the)|last|on\s+(?:mon|tue|wed|thu|fri|sat|sun))|"
    r"phone screen|screening call|(?:video|phone|teams|zoom|intro|introductory|our|the)\s+call\b|"
    r"\b(?:spoke|speaking|talking|spoken|met|meeting|chatting|sitting\s+down)\s+(?:with|to)\s+(?:you|us|me|our|the)|"
    r"\bthank(?:s|\s+you)?(?:\s+again|\s+so\s+much|\s+a\s+million)?\s+for\s+(?:the\s+|our\s+|your\s+|taking\s+the\s+time\s+to\s+)?"
    r"(?:call|chat|chatting|talk|talking|speaking|meeting|coming|visiting|visit|trial|staging|conversation|sitting)|"
    r"\b(?:came|coming)\s+(?:in|out|to\s+(?:see|meet|the))\b|trial\s+(?:shift|day)|"
    r"(?:meet|meeting|speak|talk|chat)\s+(?:with\s+)?(?:you|us)\b|conversations?\s+(?:with|we\s+had)|"
    r"on-?site|panel|assessment\s+(?:centre|center|day)|pairing\s+session|final\s+round|second\s+round|"
    r"take\s+the\s+time\s+to\s+(?:meet|speak|talk)|time\s+(?:to\s+meet|to\s+speak|with\s+us|you\s+spent)|"
    r"Vorstellungsgespräch|\bGespräch\w*|Kennenlernen|kennenzulernen|Telefonat|Assessment-?Center|"
    r"entretien|échange\w*|rencontr\w+|entrevista\w*|conversaci[oó]n|reuni[oó]n|conocer(?:te|le|la)|"
    r"\bgesprek\w*|kennismaking|colloqui\w*|conversa\b",
    re.I,
)
# "Interview" as a stage the candidate did not reach ("selected a few to move on to interviews").
_ANY_INTERVIEW = re.compile(r"\binterview\w*", re.I)
_FUTURE_INTERVIEW = re.compile(
    r"\b(?:to|for)\s+(?:an?\s+|the\s+|your\s+)?(?:first\s+|next\s+|second\s+|final\s+|site\s+|on-?site\s+)?"
    r"(?:round\s+of\s+)?interviews?\b|\binterview\s+(?:stage|shortlist)",
    re.I,
)


_APPLICATION_ONLY = re.compile(
    r"\b(?:application|applied|applying|CV|résumé|resume|profile|submission|online test|assessment)\b|"
    r"Bewerbung\w*|Unterlagen|candidature|dossier|candidatura|sollicitatie\w*|curriculum|\bcv\b",
    re.I,
)


def _interviewed(text: str) -> bool | None:
    """True when the mail says the candidate met, spoke with or was interviewed by them."""
    if _NO_INTERVIEW.search(text):
        return False
    if _INTERVIEW.search(text):
        return True
    mentions = len(_ANY_INTERVIEW.findall(text))
    if mentions:
        return mentions > len(_FUTURE_INTERVIEW.findall(text))
    if _APPLICATION_ONLY.search(text):
        return False
    return None
