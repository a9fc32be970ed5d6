"""Which organisation made the decision: candidates from the display name, cue phrases
("at X", "bei X", "chez X"), the signature and the sender's domain, scored and merged.
"""

from __future__ import annotations

import re
from collections import defaultdict

from detector.message import Message
from detector.names import (
    JOB_WORDS,
    LEGAL_FORM,
    NOT_NAMES,
    TEAM_WORDS,
    domain_name,
    fold,
    is_person,
    split_display,
    tail,
)
from detector.relay import ATS_NAMES, is_relay

__all__ = ["company_key", "find_company", "merge_prefixes"]


# Words are bounded in length: an unbounded one makes a 1 MB token in a hostile mail quadratic.
_WORDS = r"[A-ZÀ-ÖØ-Þ0-9][\w&'’.\-]{0,40}"


_LINK = r"(?:&|and|of|de|du|des|la|le|für|fur|der|und|van|y|e|for|the|di|del|da|do|en)"


_NAME = rf"(?:{_WORDS}(?:[ \t]+(?:{_LINK}[ \t]+)?{_WORDS}){{0,5}})"


_COMPANY_CUES = [
    rf"\b(?:at|with|join|joining|within|to|About)\s+(?:the\s+)?({_NAME})",
    rf"({_NAME})(?:'s|’s)\s+(?:team|hiring|recruit|talent|career|people)",
    rf"(?im)^[ \t]*(?:employer|company|organi[sz]ation|hiring company|unternehmen|arbeitgeber|"
    rf"entreprise|employeur|empresa|bedrijf|werkgever)(?:[ \t]+name)?[ \t]*[:\t][ \t]*({_NAME})[ \t]*$",
    rf"(?m)^[ \t]*({_NAME})[ \t]+[·•][ \t]",  # job-board layout: "Employer · City (Hybrid)"
    rf"\b(?:bei|für die|chez|au sein de|rejoindre|bij|binnen|presso|interesse in)\s+({_NAME})",
]


_COMPANY_CUES_BY_LANGUAGE = {
    "es": [rf"\b(?:en|con|a|de)\s+({_NAME})"],
    "pt": [rf"\b(?:na|no|em|à|a)\s+({_NAME})"],
    "it": [rf"\b(?:in|a)\s+({_NAME})"],
    "fr": [rf"\b(?:à|de|d['’])\s*({_NAME})"],
}


class _Ballot:
    """Votes for employer candidates; each name is cleaned and vetted once, on entry."""

    def __init__(self, message: Message, position: str | None, contact: str | None) -> None:
        self.message = message
        self.contact = contact
        self.bad = {company_key(position)} if position else set()
        self.votes: defaultdict[str, float] = defaultdict(float)
        self.forms: dict[str, str] = {}

    def vote(self, raw: str | None, weight: float) -> None:
        name = _clean_company(raw or "")
        if not name or not _plausible_company(name, self.contact, self.message):
            return
        key = company_key(name)
        if not key or key in self.bad:
            return
        self.votes[key] += weight
        if key not in self.forms or len(name) > len(self.forms[key]):
            self.forms[key] = name

    def winner(self, everything: str) -> str | None:
        """The best-supported name, after folding prefixes and weighing how it is used."""
        if not self.votes:
            return None
        votes, forms = self.votes, self.forms
        merge_prefixes(votes, forms)
        for key in list(votes):
            form = forms[key]
            votes[key] += min(everything.count(form), 3) * 0.5
            if any(w in JOB_WORDS for w in key.split()):
                votes[key] -= 3.0
            if _AGENCY.search(form) and len(votes) > 1:
                votes[key] -= 2.0
            if " " not in key and _FIRST_NAME_USE.search(everything.replace(form, "\x00")):
                votes[key] -= 3.0  # "Thanks, Tom" / a line "Tom": a person, not the employer
        best = max(votes, key=lambda k: (votes[k], len(forms[k])))
        return forms[best] if votes[best] > 0 else None


def find_company(
    message: Message, position: str | None, contact: str | None, language: str
) -> str | None:
    """The employer named by the sender, signature, cue phrases and domain; None if unclear."""
    text = message.text or message.body
    ballot = _Ballot(message, position, contact)
    ballot.vote(split_display(message.sender).company, 4.0 if is_relay(message.sender) else 3.0)
    below_closing = [ln for ln in message.signature.split("\n") if ln.strip()][1:]
    # Name, title, unit, organisation, address: the organisation tends to come last.
    for i, line in enumerate(_signature_lines(below_closing or tail(text), contact)):
        ballot.vote(line, (0.5 if _UNIT.match(line) else 1.0) + 0.25 * i)
    for cues, factor in ((_COMPANY_CUES, 1.0), (_COMPANY_CUES_BY_LANGUAGE.get(language, []), 0.5)):
        for cue in cues:
            for source, weight in ((message.subject, 2.0), (text, 1.5)):
                for found in re.finditer(cue, source):
                    ballot.vote(found.group(1), weight * factor)
    everything = f"{message.subject}\n{text}\n{message.signature}"
    domain = domain_name(message)
    if domain and len(domain) >= 3:
        ballot.vote(_find_domain_in_text(domain, everything), 2.0)
        for key in list(ballot.votes):
            if _spells_domain(domain, key):
                ballot.votes[key] += 3.0
    return ballot.winner(everything)


def _spells_domain(domain: str, name: str) -> bool:
    """Whether the domain is the name written together: "cumberlandpress" for "Cumberland
    University Press", "liffeysidecu" for "Liffeyside Credit Union"; it must start with the name."""
    tokens = [fold(t) for t in name.replace("&", " and ").split() if fold(t)]
    if not tokens or not domain.startswith(tokens[0][:4]):
        return False

    def spell(rest: str, i: int) -> bool:
        if not rest:
            return True
        for j in range(i, len(tokens)):
            token = tokens[j]
            if rest.startswith(token) and spell(rest[len(token) :], j + 1):
                return True
            if rest[0] == token[0] and spell(rest[1:], j + 1):
                return True
        return False

    return spell(domain, 0) or (len(tokens[0]) >= 5 and domain.startswith(tokens[0]))


def merge_prefixes(votes: dict[str, float], forms: dict[str, str]) -> None:
    """Fold "Sterling Mutual" into "Sterling Mutual Insurance": the fuller name is the company."""
    keys = sorted(votes, key=len)
    for short in keys:
        longer = [k for k in keys if k != short and k.startswith(short + " ")]
        # "Brightwater Institute Summer Fellows Program" adds a programme, not a fuller name.
        if len(longer) == 1 and not set(longer[0][len(short) :].split()) & JOB_WORDS:
            votes[longer[0]] += votes.pop(short)


def _signature_lines(lines: list[str], contact: str | None) -> list[str]:
    """Signature lines that may name the organisation (not the name, title, phone or address)."""
    out = []
    for line in lines[:7]:
        line = line.strip(" *_|")
        if not line or re.search(r"@|https?:|www\.", line):
            continue
        for part in re.split(r"\s[|·•]\s|,\s|\s[–-]\s", line):
            part = part.strip()
            if (contact and part == contact) or re.search(r"\d", part):
                continue
            words = part.split()
            lowered = {w.lower().strip(".,") for w in words}
            capitalised = all(w[0].isupper() or re.fullmatch(_LINK, w) for w in words)
            if (
                words
                and len(words) <= 6
                and capitalised
                and not lowered & (JOB_WORDS | TEAM_WORDS)
                and not is_person(part)
            ):
                out.append(part)
    return out


def _clean_company(raw: str) -> str:
    # "Conservas Albora. Le ..." : a sentence ended inside the match.
    raw = re.split(r"(?<!\b[A-Z])(?<!\bCo)(?<!\bInc)(?<!\bLtd)(?<!\bSt)\.\s", raw)[0]
    name = raw.strip(" .,;:!?\"'“”‘’()[]")
    name = re.sub(r"['’]s$", "", name)
    tokens = name.split()
    # Trim words that are not part of a name ("Acme We", "Thank Acme").
    while tokens and (tokens[-1].lower().strip(".,") in NOT_NAMES | TEAM_WORDS):
        tokens.pop()
    while tokens and tokens[0].lower() in NOT_NAMES | {"a", "an"}:
        tokens.pop(0)
    return " ".join(tokens).strip(" .,;:-–")


# How a lone first name shows up in mail: greeted, signing a line, or thanked (\x00 marks it).
_FIRST_NAME_USE = re.compile(
    r"(?m)^[ \t]*\x00[ \t]*,?[ \t]*$|\b(?:hi|hello|dear|hey|thanks|cheers|best|regards),?[ \t]+\x00\b",
    re.I,
)
# Units inside an organisation, which a signature names before the organisation itself.
_UNIT = re.compile(
    r"^(?:school|faculty|department|dept|college|office|division|centre|center|institute|unit|"
    r"lehrstuhl|institut|abteilung|fachbereich|comité|service|dienst|afdeling|facultad|"
    r"departamento|servicio|team|équipe|equipo)\b",
    re.I,
)
# Agencies pass on their clients' decisions; the client is the employer.
_AGENCY = re.compile(
    r"\b(?:staffing|search|recruitment|recruiting|talent partners|personalberatung|headhunt\w*|"
    r"placements?|personnel|interim|uitzend\w*|werving|selección|recrutement)\b",
    re.I,
)


def _plausible_company(name: str, contact: str | None, message: Message) -> bool:
    low = name.lower()
    refused = (
        low in ATS_NAMES
        or low in NOT_NAMES
        or low in TEAM_WORDS
        or len(name) < 2
        or any(low == a or low.startswith(a + " ") for a in ATS_NAMES if len(a) > 3)
        or bool(contact and (low == contact.lower() or low in contact.lower().split()))
        or any(t.name and low in t.name.lower() for t in message.to)  # the candidate's own name
        or bool(re.fullmatch(r"[\d\W]+", name))
        or len(name.split()) > 6
        # "TX", "SHRM-CP": a state or a credential, not an employer
        or bool(re.fullmatch(r"[A-Z]{1,3}|[A-Z]+-[A-Z]+", name))
    )
    return not refused and (name[0].isupper() or name[0].isdigit())


def company_key(name: str) -> str:
    tokens = re.sub(r"[^\w&\s]", " ", name.lower()).split()
    while tokens and LEGAL_FORM.match(tokens[-1]):
        tokens.pop()
    return " ".join(tokens)


def _find_domain_in_text(domain: str, text: str) -> str | None:
    for found in re.finditer(_NAME, text):
        words = found.group(0).split()
        for n in range(len(words), 0, -1):
            candidate = " ".join(words[:n])
            if fold(candidate) == domain or (
                len(domain) >= 5 and fold(candidate).startswith(domain)
            ):
                return (
                    " ".join(words[: max(n, len(words))])
                    if fold(candidate) != domain
                    else candidate
                )
    return None
