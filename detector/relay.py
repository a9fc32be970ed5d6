"""Relays: no-reply, notification and applicant-tracking-system senders, which reach nobody.

A reply to a relay is a reply to a machine; gracious looks for a human address instead and never
names an ATS (Greenhouse, Workday, ...) as the employer.
"""

from __future__ import annotations

import re

from detector.message import Address

__all__ = ["ATS_NAMES", "NOT_MONITORED", "ROLE_MAILBOX", "is_relay"]


# Applicant-tracking systems and job boards: relays, never the employer.
ATS_NAMES = frozenset(
    w.replace("_", " ")
    for w in (
        "greenhouse lever workday ashby smartrecruiters icims workable taleo oracle personio "
        "teamtailor bamboohr jazzhr recruitee jobvite successfactors sap_successfactors linkedin "
        "indeed glassdoor softgarden rexx d.vinci dvinci welcome_to_the_jungle infojobs stepstone "
        "breezy breezy_hr pinpoint jobylon comeet recruiterbox ultipro paylocity adp cornerstone "
        "gupy oleeo jobscore hirebridge applytojob no-reply noreply do_not_reply donotreply "
        "notifications mailer talentlink avature eightfold phenom beamery hibob join join.com "
        "manatal zoho_recruit hireology"
    ).split()
)


_ATS_DOMAINS = tuple(
    "greenhouse-mail.io greenhouse.io lever.co myworkday.com workday.com myworkdayjobs.com "
    "ashbyhq.com smartrecruiters.com icims.com workablemail.com workable.com taleo.net "
    "oraclecloud.com personio.de personio.com teamtailor-mail.com teamtailor.com bamboohr.com "
    "jazzhr.com applytojob.com recruitee.com jobvite.com successfactors.eu successfactors.com "
    "sapsf.com sapsf.eu linkedin.com indeed.com indeedemail.com breezy.hr pinpointhq.com "
    "softgarden.io softgarden.de rexx-recruitment.com dvinci.de dvinci-easy.com "
    "welcometothejungle.com infojobs.net stepstone.de jobylon.com comeet.co gupy.io oleeo.com "
    "avature.net hibob.com join.com manatal.com zohorecruit.com".split()
)


_RELAY_LOCAL = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply|notifications?|notify|mailer(-daemon)?|"
    r"bounces?|automated|auto|system|alerts?|postmaster|info-noreply|support|help|helpdesk|privacy|"
    r"dataprotection|datenschutz|unsubscribe|(\w+[-_.])?no[-_.]?reply([-_.]\w+)?)$",
    re.I,
)


NOT_MONITORED = re.compile(
    r"(do not|don'?t|please do not) (reply|respond)|not (be )?monitored|unmonitored|cannot receive replies|"
    r"nicht (auf diese (e-mail|nachricht) )?antworten|ne pas répondre|no respondas|no responda|"
    r"niet (op deze e-?mail )?(beantwoorden|reageren)",
    re.I,
)


ROLE_MAILBOX = re.compile(
    r"^(careers?|jobs?|recruit\w*|talent\w*|hr|hiring|people|personal|bewerbung\w*|karriere|"
    r"emploi|rh|recrutement|empleo|seleccion|rrhh|vacatures?|werken|sollicit\w*|lavora\w*|vagas)$",
    re.I,
)


def is_relay(address: Address | None) -> bool:
    """True for no-reply, notification and applicant-tracking-system addresses."""
    if address is None:
        return True
    local, _, domain = address.email.lower().rpartition("@")
    if _RELAY_LOCAL.match(local):
        return True
    return any(domain == d or domain.endswith("." + d) for d in _ATS_DOMAINS)
