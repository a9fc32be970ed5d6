"""Which stage of an application a job mail marks: offer, interview, acknowledgement or other.

The contacts index asks this of mail that is not a rejection: an interview tells a later
rejection to thank the candidate for the interview and names the recruiter to reply to; an
acknowledgement dates the start of the wait that ``gracious stats`` measures.

Pure, bounded rules over a parsed :class:`Message` in English, German, French, Spanish, Dutch,
Italian and Portuguese. Mail *mentions* interviews far more often than it arranges one ("if your
profile matches we will invite you to an interview", "how to ace your interview"), so an
interview counts only when it is addressed to the reader: invited, scheduled, moved, confirmed or
thanked for afterwards, in a clause that is not a condition, an advice column or a job alert.
"""

from __future__ import annotations

import re

from detector.message import Message

__all__ = ["MAX_TEXT", "Stage", "stage"]

# What a mail is about is in its first screenful; reading more only costs time (and hostile
# input could make it cost a lot), so the rules see at most this much of the new text.
MAX_TEXT = 5_000
_MAX_SUBJECT = 300


class Stage:
    """The stages :func:`stage` returns, as plain strings so they store and compare simply."""

    REJECTION = "rejection"
    INTERVIEW = "interview"
    ACKNOWLEDGEMENT = "acknowledgement"
    OFFER = "offer"
    OTHER = "other"


def stage(message: Message, *, rejection: bool) -> str:
    """The :class:`Stage` ``message`` marks; ``rejection`` is the classifier's verdict and wins.

    Precedence is offer > interview > acknowledgement > other: an offer recalls the interviews,
    and an invitation often opens with "we received your application".
    """
    if rejection:
        return Stage.REJECTION
    subject = message.subject[:_MAX_SUBJECT]
    text = f"{subject}\n\n{(message.text or message.body)[:MAX_TEXT]}"
    if _BULK.search(text) or _ADVICE.search(subject):
        return Stage.OTHER
    clauses = _CLAUSE_END.split(text)
    if _is_offer(subject, text, clauses):
        return Stage.OFFER
    if _ends_process(clauses):
        return Stage.OTHER
    if _is_interview(subject, text, clauses):
        return Stage.INTERVIEW
    return Stage.ACKNOWLEDGEMENT if _is_acknowledgement(subject, text) else Stage.OTHER


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


# A sentence or a line: conditions and invitations are judged one clause at a time. A newline
# followed by a lower-case letter is a hard-wrapped sentence going on, not a new clause.
_CLAUSE_END = re.compile(r"[.!?;]+\s+|\n\s*\n|\n(?=\s*[^a-zà-ÿ\s])")

# Job alerts and newsletters talk about interviews and offers without being about one of yours.
_BULK = _any(
    r"\b(?:your|this|new)\s+job\s*alerts?\b|\bjob\s*alerts?\s*:|\bjobs?\s+(?:that\s+)?(?:match|matching|recommended\s+for|for\s+you\b|you\s+(?:may|might)\s+(?:like|be\s+interested))|"
    r"\b(?:new|recommended|similar)\s+jobs\b|\bsee\s+all\s+(?:\d+\s+)?(?:new\s+)?jobs|\bnewsletter\b|\bmanage\s+(?:your\s+)?(?:job\s+)?alerts?",
    r"^[^\n]{0,80}?\b\d+\+?\s+(?:new\s+|neue\s+|nouvelles\s+|nuevos\s+|nieuwe\s+|nuovi\s+|novas\s+)?(?:[\w-]+\s+){0,3}?(?:jobs|vacancies|Stellen|offres|empleos|vacantes|vacatures|annunci|vagas)\b",
    r"\bJob-?Agent\b|\bJob-?Alarm|\bneue\s+(?:Jobs|Stellenangebote)\s+f[üu]r|\balertes?\s+(?:emploi|e-mail)|\boffres?\s+(?:similaires|qui\s+correspondent)|\blettre\s+d'information",
    r"\balerta\s+de\s+empleo|\bofertas?\s+(?:para\s+ti|similares)|\bbolet[íi]n\b|\bvacature-?alert|\bvacatures\s+(?:voor\s+jou|in\s+de\s+buurt)|\bnieuwsbrief",
    r"\bannunci\s+(?:per\s+te|simili)|\bvagas\s+(?:para\s+(?:voc[eê]|ti)|recomendadas|semelhantes)",
)

# --- ends of a process -------------------------------------------------------------------

# An application the candidate took back ends the process, whatever it says about interviews.
_WITHDRAWAL = _any(
    r"\bwithdr[ae]w(?:n|ing|al)?\b[^.!?\n]{0,40}?\b(?:application|candidacy|candidature|from\s+(?:the|your|this)\s+(?:process|recruitment|search|consideration))|\bwithdrawal\b[^.!?\n]{0,3}$",
    r"\bBewerbung\b[^.!?\n]{0,40}?\bzur[üu]ck(?:zu)?(?:ziehen|gezogen)|\bziehe\b[^.!?\n]{0,60}?\bzur[üu]ck\b|\bR[üu]ckzug\b",
    r"\b(?:retir\w+|d[ée]sist\w+)\b[^.!?\n]{0,30}?\bcandidature|\bretrait\s+de\s+(?:ma|la)\s+candidature",
    r"\b(?:retir\w+|desist\w+)\b[^.!?\n]{0,30}?\b(?:candidatura|solicitud|proceso)|\bdesist[eê]ncia\b",
    r"\bsollicitatie\b[^.!?\n]{0,40}?\b(?:in(?:ge)?trekken|ingetrokken)|\bintrek\w*\s+(?:van\s+)?(?:mijn\s+)?sollicitatie|\btrek\b[^.!?\n]{0,40}?\bin\b",
    r"\britir\w+\b[^.!?\n]{0,30}?\bcandidatura|\britiro\s+(?:della\s+)?candidatura",
)

# A refusal the classifier did not count as a job rejection (a grant, a flat, a school place) is
# neither an acknowledgement nor an interview, however it opens.
_REFUSAL = _any(
    r"\b(?:unsuccessful|not\s+(?:been\s+)?successful)\b|\b(?:sorry|regret|afraid)\s+to\s+(?:say|tell|let\s+you\s+know|inform|write)\b|\bit\s+is\s+with\s+regret|\bdecided\s+not\s+to\b",
    r"\b(?:was|were|has|have|had)(?:n't|\s+not)\s+(?:been\s+)?(?:selected|chosen|accepted|approved|funded|shortlisted|awarded|allocated|offered|elected|matched|able\s+to\s+(?:offer|approve|accept|match|allocate|place|include|fund|grant|elect))\b",
    r"(?:\bcan't|\bcannot|\bcan\s+not|\bwon't|\bwill\s+not|(?:\bare|\bis|\bwere|'re|'s)(?:n't|\s+not)\s+(?:able|going)\s+to|\bunable\s+to|\bnot\s+able\s+to|\bcouldn't|\bcould\s+not|\bhad\s+to|\bhave\s+to)\s+(?:be\s+able\s+to\s+|be\s+)?(?:close\s+(?:the|your)\s+application|offer\w*\s+(?:you|your|him|her|them|it|us|an?|the)\b|offer\w*\s+[\w-]+\s+(?:a|an)\s+(?:place|spot|seat|role|position)|approv\w*|grant\w*|agree\s+to|open|place|allocat\w*|certif\w*|fund\w*|elect|decline|make\s+(?:a|an|you)\s+(?:grant|offer)|take\s+your\s+application\s+further)\b(?!\s+(?:\w+\s+)?(?:feedback|travel|reimburse\w*|sponsorship|relocation))|(?:n't|\bnot|\bunable\s+to)(?:\s+be\s+able\s+to)?\s+(?:accept|include|invite|pay|match)\s+(?:you|your|it|this|him|her|them)\b",
    r"\b(?:go(?:ing)?|move|moving|proceed(?:ing)?)\s+(?:ahead|forward)\s+with\s+(?:another|other|a\s+different)\b|\b(?:decided|chosen|chose|selected|opted)\b[^.!?\n]{0,40}?\b(?:another|other|a\s+different)\s+(?:applicant|candidate|household|family|person|business|tenant)",
    r"\bf[üu]r\s+(?:einen?|eine)\s+andere[nr]?\s+(?:Bewerber\w*|Kandidat\w*|Familie|Person|Haushalt)\s+entschieden|\bleider\s+nicht\s+anbieten|\bbedauern,?\s+Ihnen\s+(?:keine|mitteilen)|\b(?:retenu|choisi|privil[ée]gi[ée])\w*\b[^.!?\n]{0,40}?\bautre\s+(?:candidat|dossier)",
    r"\b(?:elegido|seleccionado|decidido|optado)\b[^.!?\n]{0,40}?\botr[oa]\s+(?:candidat|persona|solicitud|perfil)|\bgekozen\s+voor\s+(?:een\s+)?andere|\bscelto\b[^.!?\n]{0,40}?\baltr[oa]\s+candidat|\b(?:escolhemos|optamos|selecionamos)\b[^.!?\n]{0,40}?\boutr[oa]\s+candidat",
    r"\b(?:you|your\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:has|was|were)\s+(?:been\s+)?(?:declined|refused|rejected)\b|^declined:|\bdeclined\s+(?:your|the)\s+(?:[\w-]+\s+)?(?:invitation|request|meeting)",
    r"\bleider\s+(?:nicht\s+(?:ber[üu]cksichtig|ausgew[äa]hlt)|keine?n?\s+(?:Platz|Zusage|F[öo]rderung))|\babgelehnt\b|\bnicht\s+ber[üu]cksichtigt|\bentschieden,?\s+(?:Sie|dich|Ihre\s+[\w-]+)\s+nicht\b",
    r"\bpas\s+(?:été\s+)?retenue?s?\b|\bne\s+pas\s+(?:donner\s+suite|retenir)|\brefus[ée]e?\b|\bavis\s+d[ée]favorable|\b(?:regrettons|avons\s+le\s+regret)\s+de\s+vous\s+(?:informer|annoncer|faire\s+part)",
    r"\bno\s+(?:ha|has)\s+(?:sido|resultado)\s+(?:seleccionad|aceptad|aprobad|admitid|agraciad)|\bdenegad|\bdesestimad|\blamentamos\s+(?:decirte|decirle|comunicarte|comunicarle|informarte|informarle)|\bno\s+vamos\s+a\s+seguir\s+adelante",
    r"\bniet\s+(?:geselecteerd|gekozen|toegekend|gehonoreerd|aangenomen|in\s+aanmerking)|\bafgewezen|\bhelaas\s+(?:moeten|kunnen)\s+(?:we|wij)\s+(?:je|u)\s+(?:mededelen|laten\s+weten)",
    r"\bnon\s+(?:è\s+stat[ao]\s+(?:selezionat|accolt|approvat|ammess)|siamo\s+in\s+grado\s+di\s+offrir)|\brespint|\b(?:ci\s+dispiace|siamo\s+spiacenti\s+di)\s+comunicar",
    r"\bn[ãa]o\s+foi\s+(?:selecionad|aprovad|aceit|admitid)|\bindeferid|\brecusad|\blamentamos\s+informar",
)


# "You can withdraw your application at any time": how to withdraw, not a withdrawal.
_WITHDRAWAL_OFFERED = _any(
    r"\b(?:can|could|may|click|log\s+in|k[öo]nnen|kannst|m[öo]chten\s+Sie|wollen\s+Sie|wilt\s+u|wil\s+je|kunt\s+u|kun\s+je|pouvez|peux|puede|puedes|podr[áa]|pu[oò]|puoi|pode|podes)\b"
)
# "Please assume you have not been shortlisted" if nothing is heard: the usual footnote of an
# acknowledgement, not a decision.
_ASSUMED = _any(
    r"\bassume\b|\bdavon\s+aus|\bconsid[ée]r(?:ez|er)\b|\bconsider[ae]\b|\bga\s+(?:er\s+)?(?:dan\s+)?van\s+uit"
)


def _ends_process(clauses: list[str]) -> bool:
    """The candidate withdrew, or something (a flat, a grant, a place) was refused."""
    return any(
        (_WITHDRAWAL.search(c) and not _WITHDRAWAL_OFFERED.search(c))
        or (_REFUSAL.search(c) and not _ASSUMED.search(c))
        for c in clauses
        if not _CONDITION.search(c)
    )


# --- offers -------------------------------------------------------------------------------

_OFFER = _any(
    r"\boffer(?:ing)?\s+(?:letter|of\s+employment|details|package|pack)\b|\bletter\s+of\s+offer|\b(?:job|employment|formal|written|verbal|conditional|unconditional)\s+offer\b",
    r"\b(?:pleased|delighted|happy|thrilled|excited|glad)\s+to\s+(?:formally\s+|be\s+able\s+to\s+)?(?:offer|extend)\s+you\b[^.!?\n]{0,60}?\b(?:position|role|job|post|contract|employment|apprenticeship|internship|traineeship|offer)",
    r"\boffer\s+you\s+(?:the|a|this)\s+(?:[\w-]+\s+){0,3}?(?:position|role|job|post|contract)\b|\bextend(?:ing)?\s+(?:you\s+)?(?:an|the|a\s+formal)\s+offer|\boffer\s+for\s+the\b[^.!?\n]{0,60}?\b(?:position|role|post|job)",
    r"\b(?:accept(?:ed|ing)?|decline|turn\s+down)\s+(?:the|our|this|your|my)\s+(?:job\s+|kind\s+)?offer\b(?!\s+of\s+a\s+place)|\b(?:thanks?|thank\s+you|appreciate)\b[^.!?\n]{0,20}?\b(?:the|your)\s+(?:kind\s+|generous\s+)?offer\b",
    r"\byou(?:'ve|\s+have)\s+got\s+the\s+job|\b(?:employment|signed)\s+contract\b|\bcontract\s+of\s+employment|\bcontract\s+(?:to\s+sign|for\s+(?:your\s+)?signature)",
    r"\bVertragsangebot|\bArbeitsvertrag|\bZusage\b|\bSie\s+haben\s+die\s+Stelle|\bIhnen\s+(?:die|eine|diese)\s+(?:Stelle|Position|Anstellung)\b[^.!?\n]{0,30}?anbieten|\b(?:Dank|danke)\b[^.!?\n]{0,30}?\b(?:Ihr|dein|das)\s+(?:schriftliche\s+)?Angebot",
    r"\b(?:Sie|dich)\b[^.!?\n]{0,60}?\beinstellen\b|\bAngebot\s+(?:f[üu]r\s+(?:die|eine)\s+(?:Stelle|Position)|zur\s+Anstellung|als\s+\w)",
    r"\bproposition\s+(?:d'embauche|de\s+contrat|d'emploi|salariale)|\bpromesse\s+d'embauche|\blettre\s+d'(?:offre|embauche|engagement)|\bcontrat\s+de\s+travail",
    r"\b(?:plaisir|heureux|heureuse|ravie?s?)\s+de\s+(?:vous|te)\s+(?:proposer|offrir)\s+(?:le|ce|un)\s+(?:poste|contrat|CDI|CDD)|\b(?:merci|remercie)\b[^.!?\n]{0,30}?\b(?:votre|ta)\s+(?:proposition|offre)\b",
    r"\bcarta\s+(?:de\s+)?oferta|\boferta\s+(?:formal|laboral|de\s+contrataci[oó]n|econ[oó]mica)|\bpropuesta\s+(?:de\s+incorporaci[oó]n|de\s+contrataci[oó]n|econ[oó]mica|formal)",
    r"\bofrecer(?:te|le)\s+(?:el|la|un|una)\s+(?:puesto|plaza|posici[oó]n|contrato)|\bqueremos\s+que\s+(?:te\s+incorpores|formes\s+parte|te\s+unas)|\bcontrato\s+de\s+trabajo|\b(?:gracias|agradezco)\b[^.!?\n]{0,30}?\b(?:la|su|tu)\s+(?:oferta|propuesta)\b",
    r"\b(?:contract|arbeidsvoorwaarden)(?:aanbod|voorstel)|\barbeidsovereenkomst|\baanbod\s+voor\s+de\s+(?:functie|baan|rol|positie)|\b(?:bieden|aanbieden)\s+(?:je|u)\s+(?:de|een)\s+(?:functie|baan|positie|contract)|\b(?:je|u)\s+(?:graag\s+)?aannemen\b|\b(?:dank|bedankt)\b[^.!?\n]{0,30}?\bhet\s+aanbod\b",
    r"\bproposta\s+(?:di\s+assunzione|contrattuale|economica)|\blettera\s+(?:di\s+offerta|d'offerta|di\s+assunzione)|\bcontratto\s+di\s+(?:lavoro|assunzione)|\b(?:lieti|felici)\s+di\s+(?:offrirt|offrirl|proport|proporl)|\bti\s+vogliamo\s+(?:nel|in)\s+(?:team|squadra)",
    r"\bproposta\s+(?:de\s+emprego|de\s+trabalho|de\s+contrata[cç][aã]o|formal|salarial)|\bcarta[- ](?:de\s+)?(?:oferta|proposta)|\boferecer-(?:lhe|te)\s+(?:a|o)\s+(?:vaga|posi[cç][aã]o|cargo|lugar)",
)
# The offer named in a subject ("Offer - Data Engineer", "Ihr Angebot - Laborleiter"); a job word
# in the mail keeps shop promotions out.
_OFFER_SUBJECT = _any(r"\b(?:offer|Angebot|aanbod|oferta|offerta|proposta|propuesta|proposition)\b")
_JOB_WORD = _any(  # what an offer of a job mentions
    r"\b(?:position|role|job|salary|start\s+date|contract|Stelle|Gehalt|Vertrag|poste|salaire|contrat|puesto|salario|contrato|functie|salaris|posizione|RAL|contratto|vaga|sal[áa]rio|cargo)\b"
)
# "Before we make you an offer we would like two references": the offer is still to come.
_OFFER_PENDING = _any(
    r"\b(?:before|prior\s+to|bevor|vor\s+(?:dem|einem)|avant|antes|voordat|prima)\b[^.!?\n]{0,60}?\b(?:offer|Angebot|Vertragsangebot|offre|proposition|oferta|propuesta|aanbod|offerta|proposta)"
)


def _is_offer(subject: str, text: str, clauses: list[str]) -> bool:
    if _OFFER_SUBJECT.search(subject) and not _ADVICE.search(subject) and _JOB_WORD.search(text):
        return True
    return any(_OFFER.search(c) and not _OFFER_PENDING.search(c) for c in clauses)


# --- interviews ---------------------------------------------------------------------------

# What an interview is called. The explicit words name one; the meeting words (call, chat,
# meeting) name one only next to an invitation or a date.
_INTERVIEW_WORDS = (
    r"interview|phone\s+screen|screening\s+call|intro(?:ductory)?\s+call|assessment\s+(?:cent(?:re|er)|day)|on-?site|audition|"
    r"[\w-]*gespr[äa]ch|Kennenlern\w*|Assessment-?Cent\w*|entretien|entrevue|entrevista|videoentrevista|[\w-]*gesprek|kennismaking|colloqui[oi]"
)
_MEETING_WORDS = (
    _INTERVIEW_WORDS
    + r"|call|chat|conversation|meeting|video|site\s+visit|trial\s+(?:shift|day)|selection\s+day|practical\s+day|assessment\s*dag|(?:technical|final|second|next|first|third|last)\s+(?:round|stage)|Telefonat|Auswahltag|Treffen|Termin|Probe\w+|Schnupper\w+|Hospitation|Rundgang|"
    r"échange|rencontre|rendez-vous|appel|visio|journée\s+de\s+sélection|reuni[oó]n|llamada|videollamada|conversaci[oó]n|charla|jornada|afspraak|meeloopdag|proefdag|rondleiding|"
    r"incontro|chiamata|videochiamata|chiacchier\w+|conversa|reuni[aã]o|chamada|videochamada"
)
_MEETING = re.compile(rf"\b(?:{_MEETING_WORDS})(?!s\b|en\b)", re.IGNORECASE)
_INTERVIEW_SUBJECT = re.compile(
    rf"\b(?:{_INTERVIEW_WORDS}|intro\s+call|video\s*call|videocall)\b", re.IGNORECASE
)

# Invitations and arrangements addressed to the reader; each needs a meeting word close by.
_INVITE = re.compile(
    r"(?:\binvit\w*|\b(?:schedule|arrange|set\s+up|organi[sz]e|find\s+a\s+time\s+for|bring\s+you\s+in\s+for|come\s+(?:in|by|to)|pop\s+in|join\s+us)\b|"
    r"\byou(?:'re|\s+are)\s+through\b|\byou(?:'ll|\s+will)\s+(?:have|meet|be\s+meeting|speak)\b|\bare\s+you\s+(?:free|available)\b|\byou(?:'ve|\s+have)\s+(?:been\s+)?(?:selected|shortlisted|progressed|moved)\b|\b(?:ben\s+je|je\s+bent)\s+door\b|"
    r"\bEinladung\b|\b(?:lade|laden)\s+(?:wir\s+|ich\s+)?(?:Sie|dich|euch)\b|\b(?:Sie|dich)\b[^.!?\n]{0,40}?\beinladen\b|\bvereinbaren\b|\bschlage\s+(?:ich|wir)\b|"
    r"\b(?:invit\w+|convi\w+|convoqu\w+|proposer|proposons|propose|organiser|planifier|fixer|caler|auditionner)\b|"
    r"\b(?:cit(?:a|amos|arte|arle|ado|ada|aci[oó]n)|agendar|programar|coordinar|concertar|proponemos|propongo|venir)\b|"
    r"\b(?:uitnodig\w*|nodig\w*\s+(?:we\s+|wij\s+|ik\s+)?(?:je|jou|u)\b|inplannen|ingepland|plannen|stel\s+ik\s+voor)|"
    r"\b(?:convoc\w+|fissare|organizzare|propongo|proporre|venire)\b|\b(?:convid\w+|marcar|combinar)\b)"
    rf"(?:[^.!?\n]|\.(?=\d)){{0,80}}?\b(?:{_MEETING_WORDS})(?!s\b|en\b)",
    re.IGNORECASE,
)
# Said only of an interview with the reader: invited or reminded, wanted to meet, thanked for it
# or followed up on afterwards ("thanks for coming in", "nach unserem Gespräch").
_DIRECT = _any(
    r"\binterview\s+(?:invitation|invite|request|confirmation|reminder|details|time|slot)\b|\binvitation\s+to\s+interview|\byou(?:'re|\s+are)\s+invited\s+to\s+(?:an?\s+|the\s+|our\s+)?(?:[\w-]+\s+){0,3}?(?:interview|selection|assessment)",
    r"\b(?:wants?|like|love|keen|happy|pleased|delighted|glad)\s+to\s+(?:meet|see)\s+(?:with\s+)?you\b|\b(?:like|love|keen)\s+to\s+(?:speak|talk|chat)\s+(?:with|to)\s+you|\b(?:could|can|would)\s+you\s+(?:come|pop)\s+(?:in|by|to|into|over)\b",
    r"\bthank(?:s|\s+you)(?:\s+again|\s+so\s+much)?\s+for\s+(?:the|your|our|taking\s+the\s+time\s+(?:for|to\s+(?:meet|speak|talk)))\s+(?:[\w-]+\s+){0,2}?(?:interview|call|chat|conversation|meeting|visit|invitation|time\s+(?:on|yesterday|today|last))",
    r"\bthank(?:s|\s+you)(?:\s+again|\s+once\s+more|\s+so\s+much)?\s+for\s+(?:speaking|talking|meeting|chatting)\s+(?:with|to)\s+(?:me|us)|\bthank(?:s|\s+you)(?:\s+again|\s+once\s+more|\s+so\s+much)?\s+for\s+coming\s+(?:in|to|by)\b",
    r"\b(?:following|after)\s+(?:your|our)\s+(?:[\w-]+\s+)?(?:interview|call|conversation|chat|meeting)|\b(?:enjoyed|great|good|nice|lovely|pleasure)\s+(?:speaking|talking|meeting|chatting|to\s+(?:meet|speak|talk|chat))\b",
    r"\bthank(?:s|\s+you)(?:\s+again)?\s+for\s+(?:(?:making|taking)\s+(?:the\s+)?time\s+(?:today|yesterday|this\s+morning|on\s+\w+day|to\s+(?:meet|speak|talk|chat))|(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|this\s+morning)\b",
    r"\b(?:sie|dich)\s+(?:gerne?\s+)?pers[öo]nlich\s+kennen(?:zu)?lernen|\b(?:w[üu]rde|m[öo]chte|m[öo]chten|w[üu]rden)\s+(?:ich|wir)\s+(?:Sie|dich)\s+(?:gerne?\s+)?(?:pers[öo]nlich\s+)?kennen(?:zu)?lernen|\b(?:das|unser)\s+[\w-]*gespr[äa]ch\s+mit\s+(?:dir|Ihnen)|\bwir\s+freuen\s+uns\s+auf\s+(?:das|unser|ein)\s+Gespr[äa]ch",
    r"\b(?:Dank|danke)\b[^.!?\n]{0,30}?\b(?:das|unser|Ihr|dein)\s+(?:[\w-]+\s+){0,3}?(?:[\w-]*gespr[äa]ch|Telefonat|Interview|Kennenlernen)|\b(?:nach|seit)\s+(?:unserem|Ihrem|deinem|dem)\s+(?:[\w-]+\s+)?(?:[\w-]*gespr[äa]ch|Telefonat|Interview)",
    r"\b(?:vous|te)\s+(?:inviter|convier|convoquer|rencontrer|auditionner)\b|\b(?:aimerions|aimerais|souhaitons|souhaiterions)\s+(?:vous|te)\s+(?:rencontrer|voir|parler)|\b(?:aimerions|souhaitons)\s+échanger\s+avec\s+(?:vous|toi)",
    r"\b(?:merci|remercie)\b[^.!?\n]{0,30}?\b(?:notre|l'|cet|votre|ton)\s*(?:[\w-]+\s+)?(?:entretien|échange|appel\s+téléphonique|rencontre)|\bsuite\s+à\s+(?:notre|votre|ton|l')\s*(?:[\w-]+\s+)?(?:entretien|échange|rencontre)",
    r"\b(?:gustar[íi]a|queremos|quisi[ée]ramos|encantar[íi]a)\s+(?:conocerte|conocerle|verte|hablar\s+contigo)|\b(?:te|le)\s+(?:invitamos|convocamos|citamos)\s+a\s+(?:una|la)\s+(?:entrevista|reuni[oó]n)",
    r"\b(?:gracias|agradec\w+)\b[^.!?\n]{0,30}?\b(?:la|tu|su|nuestra)\s+(?:entrevista|conversaci[oó]n|llamada|charla|reuni[oó]n)|\b(?:tras|despu[ée]s\s+de)\s+(?:la|tu|su|nuestra)\s+(?:entrevista|conversaci[oó]n)",
    r"\b(?:bedankt|dank)\b[^.!?\n]{0,30}?\b(?:het|ons|je|jouw|uw|de)\s+(?:[\w-]+\s+)?(?:gesprek|sollicitatiegesprek|kennismaking|interview|uitnodiging)|\b(?:na|sinds)\s+(?:ons|je|jouw|uw|het)\s+(?:[\w-]+\s+)?[\w-]*gesprek|\bkennis\s+(?:met\s+(?:je|u)\s+)?(?:te\s+)?maken",
    r"\b(?:vorremmo|piacerebbe|lieti\s+di)\s+(?:invitart|invitarl|conoscert|conoscerl|incontrart|incontrarl)|\b(?:grazie|ringrazi\w+)\b[^.!?\n]{0,30}?\b(?:il|l'|per\s+il)\s*(?:colloquio|incontro)|\b(?:dopo|a\s+seguito\s+del)\s+(?:il\s+|nostro\s+)?colloquio",
    r"\bgostar[íi]amos\s+de\s+(?:convid|conhec|conversar)|\b(?:obrigad[oa]|agrade[cç]\w+)\b[^.!?\n]{0,30}?\b(?:a|pela|nossa)\s+(?:entrevista|conversa)|\b(?:ap[óo]s|depois\s+d)a\s+(?:nossa\s+|sua\s+)?(?:entrevista|conversa)",
)
# A particular interview ("your interview", "unser Gespräch", "la entrevista del martes") and
# something about when it is: scheduled, moved, confirmed, tomorrow, Tuesday at 10.
_THIS_INTERVIEW = _any(
    r"\b(?:your|our|the|this|tomorrow's|today's|friday's|monday's|tuesday's|wednesday's|thursday's)\s+(?:(?!or\b|and\b)[\w-]+\s+){0,2}?(?:interview|call|chat|conversation)\b(?!s|\s+(?:shortlist|stage|process|panel|round|phase|week|period|questions|schedule|dates))",
    r"\b(?:Ihr|Ihre[mns]?|unser|unsere[mns]?|dein|deine[mns]?|das|dem|den)\s+(?:[\w-]+\s+)?(?:[\w-]*gespr[äa]ch|Interview|Call|Telefonat|Termin\w*)\b",
    r"\b(?:votre|notre|ton|l'|cet)\s*(?:[\w-]+\s+)?(?:entretien|échange|rendez-vous|appel)\b(?!s)",
    r"\b(?:tu|su|nuestra|la|esta)\s+(?:[\w-]+\s+)?(?:entrevista|reuni[oó]n|llamada|charla)\b(?!s)",
    r"\b(?:je|jouw|uw|ons|het)\s+(?:[\w-]+\s+)?(?:[\w-]*gesprek|interview|afspraak)\b(?!ken)",
    r"\b(?:il|tuo|suo|nostro)\s+(?:[\w-]+\s+)?(?:colloquio|incontro)\b|\b(?:a|sua|tua|nossa)\s+(?:[\w-]+\s+)?(?:entrevista|conversa|reuni[aã]o)\b(?!s)",
)
_WEEKDAY = (
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|"
    r"luned[ìi]|marted[ìi]|mercoled[ìi]|gioved[ìi]|venerd[ìi]|segunda|ter[çc]a|quarta|quinta|sexta"
)
_TIME = r"(?:\b\d{1,2}(?:[:.h]\d{2}\b|\s*(?:am|pm|uhr|h|uur)\b)|\b(?:at|um|à|vers|a\s+las|om|alle|às)\s+\d{1,2}\b)"
# When: moved, confirmed, tomorrow, a time slot, a weekday with a time.
_WHEN = _any(
    r"\b(?:re)?schedul\w*|\bmov(?:e|ed|ing)\b|\bpostpon\w*|\bcancel\w*|\bconfirm\w*|\bremind\w*|\bnew\s+(?:time|date)|\btime\s*slots?\b|\btomorrow\b|\btoday\b|\bnext\s+week\b|\b(?:calendar|teams|zoom|meet)\s+(?:invite|invitation|link)",
    r"\bverschieb\w*|\bVerschiebung|\bverlegen|\bbest[äa]tig\w*|\bErinnerung|\bmorgen\b|\bn[äa]chste\s+Woche|\bgeplant|\bTerminvorschl\w*|\bZeitfenster|\bSlot\b",
    r"\breport\w*|\bd[ée]cal\w*|\bd[ée]plac\w*|\bconfirm\w*|\brappel\b|\bdemain\b|\bcr[ée]neaux?|\bpr[ée]vu",
    r"\breprogram\w*|\bcambi\w*\s+(?:la\s+)?(?:fecha|hora)|\bmover\b|\baplaz\w*|\brecordatorio|\bma[ñn]ana\b|\bprevista|\bagendad\w*|\bprogramad\w*",
    r"\bverzet\w*|\bverplaats\w*|\bbevestig\w*|\bherinnering|\bmorgen\b|\bvolgende\s+week|\bgepland|\bingepland",
    r"\bspost\w*|\brinvi\w*|\bconferm\w*|\bpromemoria|\bdomani\b|\bfissat\w*|\bprevist\w*",
    r"\breagend\w*|\bremarc\w*|\badia\w*|\blembrete|\bamanh[ãa]\b|\bmarcad\w*",
    rf"\b(?:{_WEEKDAY})\b[^!?\n]{{0,25}}?{_TIME}",
    r"\b(?:find|sort|pick|choose|book|agree|select)\s+(?:out\s+)?(?:a|an|your)\s+(?:[\w-]+\s+)?(?:time|slot|date)\b",
)
# A day and a time put to the reader as a question: "Would Tuesday at 10 work?"
_PROPOSAL = re.compile(
    rf"\b(?:{_WEEKDAY})\b[^!?\n]{{0,40}}?{_TIME}[^!?\n]{{0,80}}\?", re.IGNORECASE
)
# Advice and event listings talk about interviews in the abstract.
_ADVICE = _any(
    r"\b(?:tips?|how\s+to|ways\s+to|what\s+to\s+do|guide|ace|nail|mistakes|webinar|masterclass|podcast|checklist|things\s+to\s+know|questions\s+to\s+ask|prepare\s+for\s+(?:an?|any|your\s+next)\b)",
    r"\bTipps\b|\bso\s+meistern\b|\bconseils\b|\bastuces\b|\bconsejos\b|\bsuggerimenti\b|\bdicas\b",
)
# "If your profile matches we will invite you", "should you be shortlisted": a condition, not an
# event.
_CONDITION = _any(
    r"\b(?:if|should|once|whether|in\s+case|in\s+the\s+event)\b[^.!?\n]{0,80}?\b(?:profile|match|fit|suitable|selected|shortlisted|successful|qualifi\w+|experience|skills|background|progress|move\s+forward|take\s+(?:it|you|your\s+application)\s+further|decide|interested|invited|contacted|requirements|criteria|heard|hear\s+from|(?:'d|would|wish|wishes|want)\s+(?:like\s+)?to)",
    r"\b(?:wenn|falls|sofern|ob|sollte[n]?|passt\s+es)\b[^.!?\n]{0,80}?(?:Profil|Qualifikation|Bewerbung|Unterlagen|Erfahrung|pass\w+|[üu]berzeug\w+|in\s+Frage|ausgew[äa]hlt|engere|geeignet|einl[äa]dt|einladen|eingeladen|ber[üu]cksichtigt|Anforderungen|Kriterien)",
    r"\b(?:si|au\s+cas\s+où|dans\s+le\s+cas\s+où|lorsque)\b[^.!?\n]{0,80}?(?:profil|correspond|retenue?|s[ée]lectionn|candidature\s+(?:est|était)|int[ée]ress|invit|convoqu|exp[ée]rience|comp[ée]tences|crit[èe]res)",
    r"\b(?:si|en\s+caso\s+de)\b[^.!?\n]{0,80}?(?:perfil|encaj|seleccionad|preseleccionad|cumpl|adecuad|interes|experiencia|ajust|requisitos)",
    r"\b(?:als|indien|mocht(?:en)?|wanneer|of)\s+(?:je|jouw|uw|u|we|wij|er|het)\b[^.!?\n]{0,80}?(?:profiel|aansl|past|passen|geschikt|geselecteerd|door\s+naar|interesse|uitnodig|uitgenodigd|ervaring|eisen|klikt)",
    r"\b(?:se|qualora|nel\s+caso)\b[^.!?\n]{0,80}?(?:profilo|corrispond|selezionat|idone|in\s+linea|interess|esperienza|requisiti)",
    r"\b(?:se|caso)\b[^.!?\n]{0,80}?(?:perfil|selecionad|adequ|corresponde|interess|experi[êe]ncia|requisitos)",
)
# "Shortlisted candidates will be contacted", "employers may invite you": the process described
# in general, not an interview offered to the reader.
_GENERIC = _any(
    r"\b(?:candidates|applicants|employers|recruiters|companies|everyone|people)\b|\b(?:we|they|you)\s+(?:may|might)\s+(?:be\s+)?(?:contact|invit|reach|ask)",
    r"\b(?:Bewerber(?:innen)?|Kandidat(?:inn)?en|Personen)\b|\b(?:candidat(?:e|ure)?s|personnes)\b|\b(?:candidat[oa]s|personas|pessoas)\b",
    r"\b(?:kandidaten|sollicitanten|mensen)\b|\bcandidati\b",
    r"\b(?:who|whom)\s+(?:we|to)\b|\ba\s+qui[ée]n\b|\bwen\s+(?:wir|sie)\b|\bqui\s+(?:nous|sera)\b|\bwie\s+(?:we|wij)\b|\ba\s+chi\b|\ba\s+quem\b",
)


# A test is a step of its own, not an interview, even when one is "invited" to it.
_TEST = _any(
    r"\b(?:online\s+)?(?:test|tests|assessment|assessments|questionnaire|challenge|exercise|task|case\s+study|psychotest)\b|"
    r"\bOnline-?(?:Test|Assessment)|\bTest\w*|\b[ée]preuve|\bprueba|\bexamen|\bcapaciteitentest|\btoets|\bprova\b"
)


def _is_interview(subject: str, text: str, clauses: list[str]) -> bool:
    """An interview named in the subject, or one arranged with, or thanked for by, the reader.

    Each clause is judged on its own, so that "if your profile matches, we will invite you to an
    interview" or "shortlisted candidates will be contacted" does not count.
    """
    if (_INTERVIEW_SUBJECT.search(subject) and not _CONDITION.search(subject)) or (
        _PROPOSAL.search(text) and not _TEST.search(text)
    ):
        return True
    meeting_subject = bool(_MEETING.search(subject))
    for clause in clauses:
        if _CONDITION.search(clause) or _GENERIC.search(clause) or _ADVICE.search(clause):
            continue
        invite = _INVITE.search(clause)
        if (
            _DIRECT.search(clause)
            # "invite you to the next step: an online test" is no interview
            or (invite and not (_TEST.search(clause) and not _INTERVIEW_SUBJECT.search(invite[0])))
            or (
                _WHEN.search(clause)
                and (
                    _THIS_INTERVIEW.search(clause) or (meeting_subject and not _TEST.search(clause))
                )
            )
        ):
            return True
    return False


# --- acknowledgements ---------------------------------------------------------------------

# Application received, submitted, in review, forwarded to the hiring manager.
_ACKNOWLEDGEMENT = _any(
    r"\b(?:we(?:'ve|\s+have)?|have)\s+(?:successfully\s+|now\s+)?(?:received|got|gotten)\s+(?:your|the)\s+(?:[\w-]+\s+)?(?:application|CV|résumé|resume|submission|documents|portfolio)|\bgot\s+your\s+(?:CV|application|email|note)",
    r"\b(?:your\s+)?(?:application|submission|CV|portfolio)(?:'s|\s+(?:has\s+been|was|is|has))\s+(?:successfully\s+|safely\s+)?(?:received|submitted|registered|complete|in\b|with\s+(?:our|the)|arrived|sent|landed|come\s+through|came\s+through)",
    r"\bapplication\s+(?:received|confirmation|acknowledge?ment|submitted|sent)|\bsubmission\s+confirmation|\breceipt\s+of\s+(?:your\s+)?application|\bwe\s+have\s+your\s+application",
    r"\b(?:confirm(?:s|ing)?|acknowledge?(?:s|ing)?)\s+(?:the\s+)?(?:safe\s+)?(?:receipt|that\s+(?:you\s+have|we\s+have|you've|your\s+application))",
    r"\b(?:application|CV|résumé|profile)\s+(?:is|are)\s+(?:currently\s+|now\s+|still\s+)?(?:being\s+(?:reviewed|considered|assessed|evaluated)|under\s+(?:review|consideration)|in\s+review)|\b(?:still|currently)\s+(?:reviewing|considering|assessing)\b|\btaking\s+longer\s+than|\blonger\s+than\s+(?:expected|planned|we)",
    r"\bthank(?:s|\s+you)\s+(?:so\s+much\s+)?for\s+(?:applying|your\s+application|submitting\s+(?:your|an)\s+application)|\b(?:and|again)\s+for\s+applying\b|\b(?:hear|be\s+in\s+touch)\s+(?:from\s+us\s+)?either\s+way",
    r"\b(?:well|have|has\s+been|we)\s+received\s+(?:your\s+(?:[\w-]+\s+)?(?:application|CV|résumé|resume|portfolio|documents)|it)\b|\bfor\s+sending\s+(?:(?:us|me)\s+)?(?:your\s+|the\s+)?(?:CV|application|résumé|resume|portfolio)|\bthis\s+(?:message|email|e-mail|is\s+to)\s+confirms?\s+(?:that\s+)?(?:your|you|the)\b",
    r"\bapplication\s+status\b|\bstatus\s+(?:of|for)\s+(?:your\s+)?application|\bstatus\s+(?:has\s+)?changed|\bunder\s+(?:review|consideration)\b|\b(?:forwarded|passed|sent|shared)\s+(?:on\s+)?to\s+(?:the\s+|our\s+)?(?:hiring|recruit\w+)|\bapplication\s+was\s+sent\s+to\b|\bstill\s+(?:very\s+much\s+)?active\b|\bpassed\s+(?:our|the)\s+(?:initial|first)\s+(?:screen|review|stage|sift)|\bnow\s+with\s+(?:the|our)\s+(?:hiring|recruit)",
    # German
    r"\bEingangsbest[äa]tigung|\bEingang\s+Ihrer\s+(?:[\w-]+\s+)?(?:Bewerbung|Unterlagen)|\b(?:Bewerbung|Unterlagen)\b[^.!?\n]{0,60}?\b(?:erhalten|eingegangen|angekommen|eingereicht|gesendet|weitergeleitet|in\s+Bearbeitung|liegen\s+(?:jetzt\s+)?bei\s+uns)|\b(?:erhalten|eingegangen)\b[^.!?\n]{0,10}?Bewerbung",
    r"\b(?:Bewerbung|Unterlagen)\s+(?:wird|werden)\s+(?:derzeit\s+|gerade\s+|nun\s+|jetzt\s+)?(?:gepr[üu]ft|gesichtet|bearbeitet)|\b(?:pr[üu]f\w+|sichten)\s+(?:wir\s+)?(?:Ihre|deine|jede)\s+(?:Bewerbung|Unterlagen)|\bin\s+Pr[üu]fung\b|\bverz[öo]gert\s+sich|\bZwischen(?:stand|nachricht|info\w*)|\bl[äa]nger\s+als\s+(?:geplant|gedacht|erwartet)|\b(?:vielen\s+)?Dank\s+f[üu]r\s+Ihre\s+Bewerbung|\bdanke,\s+dass\s+du\s+dich|\bZusendung\s+Ihrer\s+Unterlagen",
    # French
    r"\bbien\s+re[çc]u\s+(?:votre|ta|ton)\s+(?:candidature|CV|dossier)|\baccus[ée]\s+de\s+r[ée]ception|\b(?:candidature|dossier|profil|CV)\b[^.!?\n]{0,80}?\b(?:a|ont|vient\s+d')\s+(?:bien\s+)?(?:été|être)\s+(?:re[çc]ue?|enregistr[ée]e?|transmise?)|\b(?:bonne\s+)?r[ée]ception\s+de\s+(?:votre|ta)\s+candidature",
    r"\b(?:candidature|dossier)\s+(?:est\s+)?(?:toujours\s+|actuellement\s+)?(?:en\s+cours\s+d'(?:étude|examen|analyse)|à\s+l'étude)|\b(?:étudi|examin|analys)\w*\s+(?:votre|ta|les|chaque)\s+(?:candidature|profil|dossier)|\bmerci\s+(?:pour\s+(?:votre|ta)\s+candidature|d'avoir\s+postul)|\bretard\s+dans",
    # Spanish
    r"\bhemos\s+recibido\s+(?:correctamente\s+)?(?:tu|su)\s+(?:candidatura|solicitud|CV|curr[íi]culum)|\b(?:confirmamos|acusamos)\s+(?:la\s+)?recepci[oó]n|\b(?:candidatura|solicitud)\b[^.!?\n]{0,40}?\b(?:ha\s+sido|se\s+ha|qued[óo]|ha\s+quedado)\s+(?:recibida|registrad[ao]|enviad[ao]|admitida)|\b(?:ya\s+)?tenemos\s+tu\s+candidatura|(?:^|\n)\s*¡?recibid[oa]\b|\brecibimos\s+(?:tu|su)\b|\b(?:lo|la)\s+he\s+recibido\b|\bhe\s+recibido\s+(?:tu|su)\b|\b(?:qued[óo]|ha\s+quedado)\s+registrad",
    r"\b(?:estamos|seguimos)\s+(?:revisando|evaluando|valorando|analizando)\b|\brevisamos\s+(?:todos|todas|tu|su)|\b(?:candidatura|solicitud)\s+(?:est[áa]|sigue)\s+(?:siendo\s+)?(?:en\s+(?:proceso\s+de\s+)?(?:revisi[oó]n|evaluaci[oó]n|estudio)|evaluada|revisada|abierta)|\b(?:se\s+est[áa]\s+alargando|se\s+ha\s+retrasado|con\s+retraso)|\bgracias\s+por\s+(?:tu|su)\s+(?:candidatura|solicitud|postulaci[oó]n)",
    # Dutch
    r"\b(?:hebben|heb)\s+(?:we\s+|wij\s+)?(?:je|jouw|uw)\s+(?:sollicitatie|kandidatuur|cv|reactie)\s+(?:in\s+goede\s+orde\s+|goed\s+)?ontvangen|\bontvangstbevestiging|\bgoede\s+ontvangst|\bbevestig\w*\s+(?:wij\s+|we\s+)?(?:hierbij\s+)?de\s+ontvangst",
    r"\b(?:sollicitatie|kandidatuur)\s+is\s+(?:in\s+goede\s+orde\s+|goed\s+)?(?:ontvangen|binnen|verzonden)|\b(?:bekijken|beoordelen)\s+(?:we|wij)\s+(?:je|jouw|uw|alle)\s+(?:sollicitatie|cv|kandidatuur)|\bin\s+behandeling\b|\b(?:cv|sollicitatie|brief)\b[^.!?\n]{0,30}?\bdoorgestuurd|\bduurt\b[^.!?\n]{0,30}?\blanger\b|\b(?:bedankt|dank)\s+voor\s+(?:je|jouw|uw)\s+sollicitatie",
    # Italian
    r"\babbiamo\s+ricevuto\s+(?:correttamente\s+)?(?:la\s+|il\s+)?(?:tua|sua|vostra|tuo|suo)\s+(?:candidatura|domanda|CV|curriculum)|\b(?:conferm\w+)\s+(?:la\s+|l'avvenuta\s+)?ricezione|\bcandidatura\s+(?:è\s+stata\s+)?(?:ricevuta|registrata|inviata)",
    r"\b(?:stiamo|stanno)\s+(?:valutando|esaminando)\b|\bin\s+fase\s+di\s+(?:valutazione|revisione|selezione)|\bgrazie\s+per\s+(?:la\s+tua|la\s+sua|esserti\s+candidat)",
    # Portuguese
    r"\brecebemos\s+(?:a\s+|o\s+)?(?:sua|tua|seu|teu)\s+(?:candidatura|inscri[cç][aã]o|curr[íi]culo)|\bconfirmamos\s+(?:a\s+rece[cç][aã]o|o\s+recebimento|a\s+recep[cç][aã]o|que\s+recebemos)|\bcandidatura\s+(?:foi\s+)?(?:recebida|registada|registrada|submetida)|\brece[cç][aã]o\s+da\s+sua\s+candidatura",
    r"\b(?:estamos|est[áa])\s+(?:a\s+analisar|analisando|avaliando|a\s+avaliar)\b|\bem\s+an[áa]lise\b|\b(?:obrigad[oa]|agradecemos)\b[^.!?\n]{0,30}?\b(?:candidatura|se\s+candidatar)",
)
# A hiring process running late: the application is still under review. Parcels and trains run
# late too, so these count only in mail about an application.
_DELAY = _any(
    r"\bdelay(?:ed|s)?\b|\bon\s+hold\b|\bpaus(?:e|ed)\b|\bpostponed\b|\brevised\s+(?:timetable|timeline|date|schedule)|\btimeline\s+update|\blater\s+than\b|\bsorry\s+for\s+the\s+(?:wait|delay|silence)|\bhaven't\s+forgotten|\bpush\w*\s+(?:our|the)\s+timeline|\bnothing\s+(?:has\s+been\s+)?decided|\bno\s+decision\s+(?:has\s+been\s+(?:made|taken)\s+)?yet",
    r"\bverz[öo]ger\w*|\bnoch\s+(?:keine|nicht)\s+(?:Entscheidung|entschieden)|\bEntscheidung\b[^.!?\n]{0,30}?\bnoch\s+nicht",
    r"\bretard\b|\bn'a\s+pas\s+(?:encore\s+)?pu\s+statuer|\breport[ée]e?\b|\bretras\w*|\bpospuest\w*|\bvertraging|\buitgesteld|\bloopt\s+(?:het\s+)?(?:wat\s+)?uit\b|\britard\w*|\brinviat\w*|\batras\w*|\badiad\w*",
)
_JOB_CONTEXT = _any(
    r"\b(?:application|applied|applying|candidacy|role|position|vacancy|post|recruitment|hiring|shortlisting|selection|CV|résumé|Bewerbung|Stelle|Auswahl\w*|candidature|poste|recrutement|candidatura|puesto|vacante|postulaci[oó]n|selecci[oó]n|sollicitatie|vacature|functie|procedure|posizione|selezione|vaga|cargo|sele[cç][aã]o)\b"
)
# "Your application for Data Analyst", "Ihre Bewerbung als ...": a mail about the reader's
# application that is neither a rejection, an interview nor an offer is its acknowledgement.
_ABOUT_YOUR_APPLICATION = _any(
    r"^(?:your\s+application|Ihre\s+Bewerbung|deine\s+Bewerbung|votre\s+candidature|ta\s+candidature|tu\s+candidatura|su\s+candidatura|su\s+solicitud|je\s+sollicitatie|uw\s+sollicitatie|la\s+tua\s+candidatura|la\s+sua\s+candidatura|a\s+sua\s+candidatura|sua\s+candidatura)\b"
)


def _is_acknowledgement(subject: str, text: str) -> bool:
    return bool(
        _ACKNOWLEDGEMENT.search(text)
        or _ABOUT_YOUR_APPLICATION.search(subject)
        or (_DELAY.search(text) and _JOB_CONTEXT.search(text))
    )
