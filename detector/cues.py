"""Hand-written cue features that tell a *decision* from the vocabulary around it.

An acknowledgement ("thank you for your interest in the Analyst role, we have received your
application") shares almost every word with a rejection; what differs is a handful of phrases
that carry the decision ("we have decided to move forward with other candidates"). Word n-grams
learn those phrases only from many examples; these cues, written once per language, let the
linear model weigh them directly and carry over to mail written by others.

Each cue family is a regular expression; a document's feature is log(1 + matches). Two products
say what a linear model cannot: a negative decision *about a job*, and one *not* about a job.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["CUE_NAMES", "CueFeatures", "cue_counts"]

_F = re.I | re.M

_CUES: dict[str, re.Pattern[str]] = {
    # The employer declines: the decision itself, in the languages we train on.
    "decline": re.compile(
        r"\b(?:not|n't|won't|will not|unable to|cannot|can't|no longer)\s+(?:be\s+)?(?:able\s+to\s+)?"
        r"(?:mov\w*|progress\w*|proceed\w*|advanc\w*|continu\w*|offer\w*|select\w*|shortlist\w*|invit\w*|"
        r"consider\w*|pursu\w*|tak\w*\s+(?:your|you|this)|go(?:ing)?\s+forward|extend\w*|hire|hiring)"
        r"|\b(?:other|another|different|stronger|more\s+experienced)\s+(?:candidate|applicant|profile)s?\b"
        r"|\bsomeone\s+else\b|\bcandidates?\s+(?:whose|who(?:se)?\s+(?:experience|skills|background))"
        r"|\bdecided\s+(?:not\s+to|to\s+(?:move|proceed|pursue|go|continue|offer)\s+\w+\s+(?:with\s+)?(?:other|another|a\s+different|someone))"
        r"|\b(?:decision|chosen|chose|opted)\s+(?:not\s+to|to\s+(?:move|proceed|go)\s+(?:forward|ahead)\s+with\s+(?:other|another))"
        r"|\b(?:position|role|vacancy|job|post|opening|requisition)\s+(?:has|have|had|is|was)\s+(?:now\s+|already\s+|since\s+)?(?:been\s+)?(?:filled|closed|cancell?ed|withdrawn|put\s+on\s+hold)"
        r"|\bmade\s+(?:a|an|the)\s+(?:hire|offer|appointment)|\boffered\s+the\s+(?:role|position|job|post)\s+to"
        r"|\b(?:unsuccessful|not\s+(?:been\s+)?successful|not\s+(?:been\s+)?selected|not\s+shortlisted|not\s+(?:be\s+)?progress\w*)"
        r"|\bno\s+longer\s+(?:under|in|being)\s+consideration|\bclos\w+\s+(?:your|the)\s+application"
        r"|\bwithdraw\w*\s+(?:the|our|this)\s+offer|\brescind\w*|\bdifferent\s+direction"
        r"|\bleider\b|\babsage\b|\babsagen\b|nicht\s+(?:weiter\s+)?berücksichtig\w*|nicht\s+weiter\w*|"
        r"\bander\w*\s+(?:bewerber|kandidat)\w*|für\s+(?:einen?\s+)?ander\w+|\bbesetzt\b|nicht\s+in\s+die\s+engere"
        r"|malheureusement|\bpas\s+(?:été\s+)?retenu\w*|ne\s+(?:pas\s+|pourrons\s+pas\s+|pouvons\s+pas\s+)donner\s+(?:une\s+)?suite|"
        r"\bd'autres\s+candida\w+|\bautre\s+(?:candidat|profil)\w*|\bpourvu\b|\bne\s+correspond\s+pas"
        r"|lamentablemente|lamentamos|desafortunadamente|no\s+ha[sn]?\s+sido\s+seleccionad\w*|"
        r"\botr[oa]s?\s+candidat\w+|\bno\s+(?:podemos|vamos\s+a)\s+(?:continuar|seguir|avanzar|ofrecer)|\bcubiert[oa]\b"
        r"|\bhelaas\b|\bafgewezen\b|\bafwijz\w*|\bniet\s+(?:verder|door|uitgenodigd)|\bandere\s+kandida\w+|\bvervuld\b|\bingevuld\b"
        r"|\bpurtroppo\b|\bnon\s+(?:è|sia)\s+stat[ao]\s+selezionat\w*|\baltr[io]\s+candidat\w*"
        r"|\binfelizmente\b|\bnão\s+(?:foi|fomos)\s+selecionad\w*|\boutros?\s+candidat\w*",
        _F,
    ),
    # Soft-softeners that accompany a decline ("we regret", "sorry to tell you").
    "regret": re.compile(
        r"\bunfortunately\b|\bregret\w*|\bsadly\b|\bsorry\s+(?:to|that)\b|\bdisappoint\w*|\bnot\s+the\s+news\b|"
        r"\bbedauer\w*|\bregrett\w*|\bdésolé\w*|\bsentimos\b|\bspijt\b|\bjammer\b|\bci\s+dispiace\b|\blamentamos\b",
        _F,
    ),
    # The process goes on: received, under review, invited, scheduled, offered.
    "process": re.compile(
        r"\b(?:received|receipt|acknowledg\w*)\b|\bunder\s+review\b|\b(?:still|currently)\s+(?:reviewing|considering)\b|"
        r"\bwill\s+be\s+in\s+touch\b|\b(?:invite|invitation|schedule\w*|reschedul\w*|availability|calendar|time\s+slot|book\s+a)\b|"
        r"\b(?:pleased|delighted|happy|excited)\s+to\b|\bcongratulat\w*|\bnext\s+(?:step|stage|round)s?\b|"
        r"\bshortlisted\b(?<!not shortlisted)|\boffer\s+(?:letter|you\s+the)\b|\bmove\s+you\s+forward\b|"
        r"\beingang\b|\berhalten\b|\beingegangen\b|\beinladung\b|\beinladen\b|\btermin\w*|\bfreuen\s+uns\b|\bzusage\b|"
        r"\bbien\s+reçu\w*|accusé\s+de\s+réception|\bconvocation\b|\binviter\b|\bavons\s+le\s+plaisir\b|"
        r"\bhemos\s+recibido\b|\brecibid[oa]\b|\binvitar\w*|\bnos\s+complace\b|"
        r"\bontvangen\b|\buitnodig\w*|\binplannen\b|\bgraag\s+uit\b",
        _F,
    ),
    # The writer speaks for themselves: the candidate's own mail, not the employer's.
    "first_person": re.compile(
        r"\bI\s+(?:have|am|was|would|will|must|regret|decided|withdraw|accept|decline|wanted|hope|look)\b|"
        r"\bmy\s+(?:application|candidacy|interview)\b|\bich\s+(?:habe|möchte|muss|ziehe)\b|\bmeine\s+bewerbung\b|"
        r"\bje\s+(?:souhaite|dois|me\s+permets|retire)\b|\bma\s+candidature\b|\bmi\s+candidatura\b|\bmijn\s+sollicitatie\b",
        re.M,
    ),
    # About a job application at all.
    "job": re.compile(
        r"\b(?:position|role|job|vacancy|opening|candida\w*|applicant|application|hiring|recruit\w*|interview\w*|"
        r"internship|apprenticeship|graduate\s+(?:scheme|programme|program)|stelle|bewerbung\w*|vorstellungsgespräch|"
        r"poste|candidature|entretien|stage|puesto|vacante|entrevista|prácticas|vacature|sollicitatie\w*|functie|"
        r"sollicitatiegesprek|posizione|colloquio|vaga)\b",
        _F,
    ),
    # About something else that can be declined: papers, payments, rentals, admissions, code.
    "not_job": re.compile(
        r"\b(?:paper|submission|manuscript|abstract|reviewers?|conference|journal|payment|card|transaction|"
        r"subscription|invoice|refund|apartment|flat|rental|tenancy|lease|landlord|admission|admitted|"
        r"degree\s+programme|pull\s+request|merge|commit|repository|grant|proposal|funding|loan|mortgage|credit|"
        r"claim|visa|permit|scholarship|bursary|app\s+store|listing|meeting|event|ticket|order|"
        r"wohnung|zahlung|studienplatz|paiement|logement|pago|tarjeta|betaling|huurwoning|woning)\b",
        _F,
    ),
}
CUE_NAMES = (*_CUES, "decline_x_job", "decline_x_not_job", "decline_x_first_person")


def cue_counts(text: str) -> dict[str, int]:
    """How often each cue family occurs in ``text``."""
    return {name: len(pattern.findall(text)) for name, pattern in _CUES.items()}


def _row(text: str) -> list[float]:
    counts = cue_counts(text)
    values = {name: math.log1p(n) for name, n in counts.items()}
    decline = values["decline"]
    values["decline_x_job"] = decline * min(values["job"], 1.0)
    values["decline_x_not_job"] = decline * min(values["not_job"], 1.0)
    values["decline_x_first_person"] = decline * min(values["first_person"], 1.0)
    return [values[name] for name in CUE_NAMES]


class CueFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Stateless transformer: documents to cue features (see module docstring)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, documents: Any, y: Any = None) -> CueFeatures:
        """Nothing to learn; present for the scikit-learn API."""
        return self

    def transform(self, documents: Any) -> sparse.csr_matrix:
        """One row of cue features per document."""
        rows = np.array([_row(str(d)) for d in documents], dtype=np.float64) * self.weight
        return sparse.csr_matrix(rows.reshape(len(rows), len(CUE_NAMES)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Feature names, so the model can say which cue weighed most."""
        return np.array([f"cue:{name}" for name in CUE_NAMES], dtype=object)
