"""The position a mail is about: cue phrases in several languages ("for the X role",
"Bewerbung als X", "au poste de X"), labelled lines ("Position: X") and title-like subject parts.
"""

from __future__ import annotations

import re
from collections import defaultdict

from detector.employer import company_key, merge_prefixes
from detector.message import Message
from detector.names import JOB_WORDS, NOT_NAMES, ORG_WORDS
from detector.relay import ATS_NAMES

__all__ = ["find_position"]


_CAP = r"[A-ZÀ-ÖØ-Þ0-9][\w&/'’+#*]{0,40}(?:\.\w{1,20}){0,3}"


_JOIN = r"(?:of(?:[ \t]+the)?|and|in|for|&|de|la|du|des|der|für|y|e|van|voor)"


_TITLE = rf"[\"“„«‘']?({_CAP}(?:(?:[ \t]+|[ \t]?[-–][ \t]?|,[ \t])(?:{_CAP}|\([^()\n]{{1,40}}\)|{_JOIN}(?=[ \t]+[A-ZÀ-ÖØ-Þ]))){{0,9}})[\"”“»’']?"


_LOWER_TITLE = r"[\"“„«‘']?([\w’'][\w’'/&*()%-]{0,40}(?:[ \t]+[\w’'/&*()%-]{1,40}){0,7}?)[\"”“»’']?"


_ROLE_WORD = (
    r"(?:position|role|vacancy|opening|job|post|opportunity|internship|apprenticeship|"
    r"programme|program|traineeship|req(?:uisition)?|spot|place|assessment\s+day|interview)"
)


_END = r"(?=\s+(?:at|with|in our|here|within|for|at our|on our|position|role)\b|\s*[.,;:!?()\n–]|\s+-\s|$)"


_LOCAL_END = (
    r"(?=\s+(?:bei|in|im|an|mit|und|oder|zu|zum|konnten|können|haben|hat|ist|sind|wurde|wird|nicht|"
    r"leider|daher|entschieden|chez|au sein|à|au|dans|pour|et|a|ont|est|nous|ne|qui|que|en|con|y|ha|"
    r"hemos|no|para|de la empresa|bij|binnen|is|hebben|heeft|niet|die|dat|met|presso|na|em|eine?n?|"
    r"sie|hasta|han|se|sido|fue|queda|publié|été|sera|n['’]|gaan|wordt|zijn|we|daarom|helaas|"
    r"stopzetten|è|stato|sono|foi|está)\b"
    r"|\s*[.,;:!?()\n–]|\s+-\s|$)"
)


_POSITION_CUES: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            rf"\b(?:join|joining|apply to|applying to|applied to|work(?:ing)? (?:at|for|with))\s+(?:the\s+)?[A-ZÀ-ÖØ-Þ][\w&'’.-]{{0,40}}(?:\s+[A-ZÀ-ÖØ-Þ&][\w&'’.-]{{0,40}}){{0,4}}\s+as\s+(?:an?\s+|our\s+)?{_TITLE}{_END}"
        ),
        3.0,
    ),
    (
        re.compile(
            rf"\b(?:rejected|considered|selected|shortlisted|successful|unsuccessful|search|recruitment|recruiting|hiring|hire)\s+for\s+(?:the\s+|our\s+|an?\s+)?(?:position of\s+|role of\s+)?{_TITLE}{_END}"
        ),
        2.0,
    ),
    (re.compile(rf"\bAusbildung\s+(?:zum|zur|als)\s+{_LOWER_TITLE}{_LOCAL_END}"), 2.5),
    (
        re.compile(
            rf"(?im)^[ \t]*(?:position|post|job title|role|vacancy|class title|job|stelle|position|poste|intitulé du poste|puesto|vacante|functie|vacature)[ \t]*:[ \t]*{_TITLE}[ \t]*(?:,|$|\(ref|\s+[-–]\s+(?:ref|job))"
        ),
        4.0,
    ),
    (re.compile(rf"\b(?:applying|applied|apply) to be an? {_TITLE}{_END}"), 2.5),
    (
        re.compile(
            rf"\b(?:the|our|your|this|an?|for|as|of)[ \t]+(?:open[ \t]+|advertised[ \t]+)?{_TITLE}[ \t]+{_ROLE_WORD}\b"
        ),
        3.0,
    ),
    (
        re.compile(
            rf"\b(?:position|role|post|vacancy|opening|job) (?:of|as) (?:an? )?{_TITLE}{_END}"
        ),
        3.0,
    ),
    (
        re.compile(
            rf"\b(?:application|applying|applied|candidacy|interest|interview\w*|candidate|consideration|apply)[ \t]+(?:for|to|in|as)[ \t]+(?:the[ \t]+|our[ \t]+|this[ \t]+)?(?:position of |role of )?(?:an? )?{_TITLE}{_END}"
        ),
        2.0,
    ),
    (
        re.compile(
            rf"(?:Bewerbung|bewerben|beworben|Stelle|Position|Ausschreibung)\s+(?:als|zur|zum|für die Position(?: als)?|für die Stelle(?: als)?|auf die Stelle(?: als)?|um die Stelle(?: als)?)\s+(?:eine?n?\s+)?{_LOWER_TITLE}{_LOCAL_END}"
        ),
        2.5,
    ),
    (re.compile(rf"\b(?:au|pour le|du|le) poste (?:de |d['’])?{_LOWER_TITLE}{_LOCAL_END}"), 2.5),
    (re.compile(rf"\b(?:al|para el|del|el) puesto de {_LOWER_TITLE}{_LOCAL_END}"), 2.5),
    (re.compile(rf"\b(?:la|a la) (?:posición|vacante|plaza) de {_LOWER_TITLE}{_LOCAL_END}"), 2.5),
    (
        re.compile(
            rf"\b(?:functie|vacature|positie|rol)(?: van| als| voor)? {_LOWER_TITLE}{_LOCAL_END}"
        ),
        2.0,
    ),
    (
        re.compile(
            rf"\bsollicitatie (?:als|voor) (?:de functie (?:van )?)?{_LOWER_TITLE}{_LOCAL_END}"
        ),
        2.5,
    ),
    (re.compile(rf"\b(?:posizione|ruolo) di {_LOWER_TITLE}{_LOCAL_END}"), 2.5),
    (re.compile(rf"\b(?:vaga|cargo) de {_LOWER_TITLE}{_LOCAL_END}"), 2.5),
]


_SUBJECT_CUES: list[re.Pattern[str]] = [
    re.compile(
        rf"(?i:application|candidacy|bewerbung|candidature|candidatura|sollicitatie|update)\s*(?i:for|to|on|als|pour|para|voor|:|–|-)\s*(?i:the\s+|your\s+|le poste de\s+|el puesto de\s+)?{_TITLE}(?=\s+(?:at|with|bei|chez|en|bij|application|role|position)\b|\s+[-–|(]|\s*$)"
    ),
    re.compile(rf"^(?:re:\s*|aw:\s*)?{_TITLE}\s+(?:[-–|:]|at|bei|chez)\s+"),
    re.compile(rf"\b(?:for|on|re|about)\s+(?:the\s+)?{_TITLE}\s*(?:{_ROLE_WORD})?\s*$"),
]


_POSITION_STOP = re.compile(
    r"^(?:position|role|job|opening|vacancy|post|application|candidate|team|company|opportunity|"
    r"interview|process|next|other|future|open|this|that|our|your|stelle|poste|puesto|functie|"
    r"update|status|decision|thank you|thanks|news|hiring|recruitment|selection|candidature)$",
    re.I,
)


def find_position(message: Message) -> str | None:
    text = message.text or message.body
    votes: defaultdict[str, float] = defaultdict(float)
    forms: dict[str, str] = {}

    def vote(raw: str, weight: float) -> None:
        title = _clean_title(raw)
        if not title:
            return
        key = title.lower()
        votes[key] += weight
        forms.setdefault(key, title)

    for pattern, weight in _POSITION_CUES:
        for found in pattern.finditer(text):
            vote(found.group(1), weight)
        for found in pattern.finditer(message.subject):
            vote(found.group(1), weight + 1.0)
    for pattern in _SUBJECT_CUES:
        match = pattern.search(message.subject)
        if match:
            vote(match.group(1), 1.5)
    for part in _subject_parts(message.subject):
        vote(part, 2.0 if {w.lower().strip("()") for w in part.split()} & JOB_WORDS else 0.5)
    if not votes:
        return None
    sender_name = (message.sender.name if message.sender else "").lower()
    for key in list(votes):
        if key in sender_name or company_key(key) in _ATS_AND_STOP:
            del votes[key]
            continue
        votes[key] += min(text.lower().count(key), 3) * 0.5
    merge_prefixes(votes, forms)
    if not votes:
        return None
    best = max(votes, key=lambda k: (votes[k], len(k)))
    return forms[best]


_ATS_AND_STOP = ATS_NAMES | {"linkedin", "indeed"}


_SUBJECT_NOISE = re.compile(
    r"\b(?:application|applying|applied|update|outcome|result|results|status|decision|feedback|news|"
    r"thank|thanks|next steps|confirmation|invitation|reminder|regarding|your|our|we|you|re|fw|"
    r"bewerbung|absage|rückmeldung|candidature|réponse|candidatura|proceso|sollicitatie|terugkoppeling|"
    r"reference|ref|requisition|competition|chat|call|test|recruitment|selection|campus|interview|"
    r"follow-up|offer|solicitud|concours|colloquio)\b",
    re.I,
)


def _subject_parts(subject: str) -> list[str]:
    """Parts of a subject like "Acme - Data Analyst - outcome" that read as a job title.

    A part is cut at " at <employer>" and at its first lowercase word ("Assistant Professor search"),
    unless it names a kind of job ("Stage Assistant(e) marketing digital").
    """
    clean = re.sub(r"^(?:\s*(?:re|aw|fw|fwd|wg|tr)\s*:\s*)+", "", subject, flags=re.I)
    out = []
    for part in re.split(r"\s+[-–—|]\s+|:\s+", clean):
        part = re.split(r"\s+(?:at|with|bei|chez|bij|en|presso)\s+", part.strip(" .!?"))[0]
        if _SUBJECT_NOISE.search(part):
            continue
        words = part.split()
        lowered = {w.lower().strip("(),") for w in words}
        if words and words[0][0].isupper() and lowered & JOB_WORDS and len(words) <= 6:
            out.append(part)
            continue
        kept = []
        for w in words:
            if not (w[0].isupper() or w[0].isdigit() or w[0] == "(" or re.fullmatch(_JOIN, w)):
                break
            kept.append(w)
        if 1 <= len(kept) <= 8:
            out.append(" ".join(kept))
    return out


def _clean_title(raw: str) -> str | None:
    title = raw.strip(" \"'“”„«»‘’-–,.")
    title = re.sub(
        r"^(?:the|a|an|our|this|le|la|el|de|het|een|die|der|das|of|for)\s+", "", title, flags=re.I
    )
    title = re.sub(
        r"^(?:(?:search|recruitment|hiring)\s+for|(?:poste|puesto|functie|rol|stelle|position|role)"
        r"\s+(?:de|d['’]|van|als|of))\s*",
        "",
        title,
        flags=re.I,
    )
    title = re.sub(rf"\s+{_ROLE_WORD}$", "", title, flags=re.I)
    title = re.sub(r"\s+(?:stelle|poste|puesto|functie|vacature)$", "", title, flags=re.I)
    title = re.sub(rf"\s+{_JOIN}$", "", title)
    if title.count("(") > title.count(")"):
        title = title[: title.rindex("(")].rstrip()  # "Director of Residence Life (Search"
    words = title.split()
    if not words or len(words) > 10 or _POSITION_STOP.match(title):
        return None
    if words[0].lower() in NOT_NAMES and not words[0].isupper():
        return None
    lowered = [w.lower().strip("(),") for w in words]
    if lowered[-1] in ORG_WORDS and not set(lowered) & JOB_WORDS:
        return None  # "Ridgemont State University" is where, not what
    return title
