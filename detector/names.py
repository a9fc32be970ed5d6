"""People and organisations in headers and signatures: who signed, who the sender is.

Heuristics over capitalised phrases, word lists and addresses; no name lists are shipped. A
display name like "Jana Köhler | Nordwerk" holds both a person and an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from detector.message import Address, Message
from detector.relay import ATS_NAMES, is_relay

__all__ = [
    "JOB_WORDS",
    "LEGAL_FORM",
    "NOT_NAMES",
    "ORG_WORDS",
    "TEAM_WORDS",
    "Display",
    "contact_name",
    "domain_name",
    "fold",
    "is_person",
    "split_display",
    "strip_team_words",
    "tail",
]


TEAM_WORDS = frozenset(
    "team teams recruiting recruitment recruiter recruiters talent acquisition careers career "
    "hr human resources people hiring jobs job department dept notifications notification "
    "personalabteilung personal recrutement rh recursos humanos selección seleccion werving "
    "selectie office committee search desk support noreply no-reply admin "
    "candidate experience portal operations early graduate graduates campus student students "
    "resourcing applicant applicants university-recruiting rekrutmen recrutamento reclutamento "
    "selezione equipe équipe equipo talento talentos personas werving".split()
)


NOT_NAMES = frozenset(
    "unfortunately thank thanks we our your you us the this that dear hi hello best regards "
    "kind sincerely team application position role job candidate interview monday tuesday "
    "wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december please however after while since although i "
    "it he she they their his her my mr mrs ms dr sie ihre ihr wir vous nous votre usted su "
    "nuestra nuestro je u uw wij hr talent human resources recruiting careers leider liebe "
    "lieber sehr geehrte geehrter madame monsieur estimado estimada beste geachte all any "
    "every each some ihren ihrem ihrer unser unsere unserem unseren unserer uns wir sie ihnen "
    "dank vielen".split()
)


# Words that make a capitalised phrase an organisation rather than a person.
ORG_WORDS = frozenset(
    "hospital university college school academy bank group council society library studio "
    "studios partners services foods health healthcare capital labs lab systems solutions "
    "technologies technology tech software analytics consulting logistics energy insurance "
    "holdings institute foundation trust charity museum hotel hotels restaurant bakery "
    "bakeries kitchen kitchens games media press publishing pharma pharmaceuticals clinic "
    "dental care homes airlines airline airport authority department ministry agency city "
    "county district board union credit association club centre center company corporation "
    "industries manufacturing motors engineering construction properties property retail "
    "stores market markets coffee roasters distillery brewery farms network networks robotics "
    "digital ventures advisors advisers bakery pharmacy library lab stadtwerke universität "
    "klinikum gruppe verlag stiftung apotheke kanzlei hochschule gemeente université groupe "
    "société banque hôpital ayuntamiento grupo universidad fundación ziekenhuis universiteit "
    "stichting logistiek zorg gmbh ag ltd inc llc llp plc bv sa".split()
)


JOB_WORDS = frozenset(
    "manager engineer analyst designer assistant nurse developer specialist coordinator "
    "officer director lead intern internship representative technician associate consultant "
    "advisor adviser planner writer editor teacher lecturer scientist executive administrator "
    "clerk operator agent architect accountant auditor chef cook barista cashier driver "
    "mechanic electrician supervisor trainee apprentice researcher professor fellow postdoc "
    "paralegal lawyer attorney solicitor counsel pharmacist therapist receptionist secretary "
    "programmer marketer merchandiser producer controller buyer recruiter coach tutor "
    "instructor werkstudent praktikant praktikum mitarbeiter referent sachbearbeiter "
    "stagiaire chargé chargée responsable técnico técnica becario becaria medewerker stagiair "
    "vacancy position role graduate programme program scheme".split()
)


LEGAL_FORM = re.compile(
    r"\b(inc|ltd|llc|llp|gmbh|ag|bv|b\.v|nv|n\.v|sa|s\.a|sas|sl|s\.l|se|plc|co|corp|corporation|"
    r"limited|kg|gmbh & co\. kg|ug|srl|spa|s\.p\.a|ab|oy|as|pty|lda)\.?$",
    re.I,
)


_PERSON_TOKEN = re.compile(
    r"^(?:(?:Mc|Mac|O['’]|D['’]|De|Di|La|Le)(?=[A-Z]))?[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'’][A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿ]+)*\.?$"
    r"|^[A-Z]\.$|^(?:van|de|der|den|von|da|del|la|le|di|du|ten|ter|y|dos|das)$"
)


@dataclass(frozen=True)
class Display:
    """A display name read as a person, an organisation, or both ("Jana Köhler | Nordwerk")."""

    person: str | None
    company: str | None


_DISPLAY_SPLIT = re.compile(
    r"\s*[|–—/]\s*|\s+-\s+|\s*\(\s*|\s*\)\s*|\s+(?:at|from|@|bei|chez|for|für|van|bij|de la)\s+|,\s+",
)


_HONORIFIC = re.compile(
    r"^(?:dr|prof|professor|mr|mrs|ms|mx|miss|herr|frau|mme|mlle|m|sr|sra|srta|dhr|mevr)\.?\s+",
    re.I,
)
_VIA = re.compile(r"\s*\(?\b(?:via|über|par|vía|através de)\b\s+[^)]*\)?\s*$", re.I)


def fold(text: str) -> str:
    table = str.maketrans("äöüßéèêëáàâíìîóòôúùûñçøå", "aouseeeeaaaiiiooouuuncoa")
    return re.sub(r"[^a-z]", "", text.lower().translate(table))


def _name_in_local(name: str, local: str) -> bool:
    """Whether an address's local part is built from the name (jana.koehler, jkoehler, jana)."""
    folded = fold(local)
    tokens = [fold(t) for t in name.split() if len(fold(t)) >= 3]
    if not tokens or not folded:
        return False
    if any(t in folded for t in tokens):
        return True
    return len(tokens) >= 2 and folded.startswith(tokens[0][0]) and tokens[-1] in folded


def split_display(sender: Address | None) -> Display:
    if sender is None or not sender.name.strip():
        return Display(None, None)
    name = _HONORIFIC.sub("", _VIA.sub("", sender.name.strip(" \"'")))
    local = sender.email.partition("@")[0]
    relay = is_relay(sender)
    parts = [p.strip(" .,\"'") for p in _DISPLAY_SPLIT.split(name) if p and p.strip(" .,\"'")]
    person = company = None
    for part in parts:
        stripped = strip_team_words(part)
        if not stripped or stripped.lower() in ATS_NAMES:
            continue
        # "Granite Peak Bank <granitepeak@myworkday.com>": on a relay, a name that is also the
        # address is the employer's account, not a person.
        personal = (
            stripped == part
            and is_person(part)
            and not (relay and (len(parts) == 1 or _name_in_local(part, local)))
        )
        if personal and person is None:
            person = part
        elif not personal and company is None:
            company = stripped
    return Display(person, company)


def is_person(name: str) -> bool:
    tokens = name.replace(",", " ").split()
    if not 1 <= len(tokens) <= 4:
        return False
    lowered = [t.lower().strip(".,") for t in tokens]
    if any(t in TEAM_WORDS or t in NOT_NAMES or t in JOB_WORDS or t in ORG_WORDS for t in lowered):
        return False
    if any(LEGAL_FORM.match(t) for t in tokens[1:]):
        return False
    return tokens[0][0].isupper() and all(_PERSON_TOKEN.match(t) for t in tokens)


def contact_name(message: Message) -> str | None:
    """The person who signed the mail or sent it, when the mail names one."""
    display = split_display(message.sender)
    orgs = [fold(x) for x in (display.company, domain_name(message)) if x]
    text = message.text or message.body

    def is_org(name: str) -> bool:
        folded = fold(name)
        if any(len(o) >= 4 and (o in folded or folded in o) for o in orgs):
            return True
        # Used like an employer in the text: "at Kinabalu Telecom", "joining Sunny Side Diner".
        return bool(
            re.search(rf"\b(?:at|with|join|joining|to|from|for)\s+{re.escape(name)}\b", text)
        )

    person = display.person if display.person and not is_org(display.person) else None
    if person and is_relay(message.sender) and not _confirmed(person, message):
        person = None  # a relay's display name is an employer unless the mail is signed so
    candidates = _signers(_signature_lines(message.signature), is_org) or _signers(
        tail(text), is_org
    )
    local = message.sender.email.partition("@")[0] if message.sender else ""
    for signed in candidates:
        first = fold(signed.split()[0])
        if person and fold(person.split()[0]) == first:
            # "Kim" signing a mail from "Kim Lee": the fuller form of the same person.
            return person if len(person) >= len(signed) else signed
        if len(signed.split()) >= 2 or (len(first) >= 3 and first in fold(local)):
            return signed
    return person


def _confirmed(person: str, message: Message) -> bool:
    first = person.split(maxsplit=1)[0]
    return first in message.signature or first in "\n".join(tail(message.text))


def _signature_lines(signature: str) -> list[str]:
    """The signature's lines below the closing formula ("Best regards,")."""
    return [ln for ln in signature.split("\n") if ln.strip()][1:]


def tail(text: str) -> list[str]:
    """The last lines of a text without a recognisable closing, as a signature stand-in."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return lines[-3:] if len(lines) > 3 else []


def _signers(lines: list[str], is_org: Callable[[str], bool]) -> list[str]:
    """Lines that read as a person's name, nearest first (at most three lines are looked at)."""
    out = []
    for line in (ln.strip(" ,*_-–") for ln in lines[:3]):
        if not line or re.search(r"\d|@", line):
            continue
        name = re.split(r"\s[|–\-,]\s|,\s|\s\(", line)[0].strip()
        name = _HONORIFIC.sub("", name)
        if is_person(name) and not is_org(name):
            out.append(name)
        elif {w.lower() for w in name.split()} & TEAM_WORDS and not out:
            return []  # signed by a team: no person to thank
    return out


def domain_name(message: Message) -> str | None:
    """The organisation part of the human sender's domain (nordwerk.de -> nordwerk)."""
    for addr in (*message.reply_to, message.sender):
        if addr is None or is_relay(addr):
            continue
        labels = addr.email.rpartition("@")[2].lower().split(".")
        if len(labels) < 2:
            continue
        core = (
            labels[-3]
            if len(labels) > 2 and labels[-2] in ("co", "com", "ac", "org")
            else labels[-2]
        )
        if core in ("gmail", "outlook", "hotmail", "yahoo", "example", "icloud", "web", "gmx"):
            return None
        return core.replace("-", "")
    return None


def strip_team_words(name: str) -> str:
    tokens = name.split()
    while tokens and tokens[-1].lower().strip(":,") in TEAM_WORDS:
        tokens.pop()
    while tokens and tokens[0].lower() in TEAM_WORDS | {"the", "your", "de", "la", "le"}:
        tokens.pop(0)
    return " ".join(tokens)
