"""Stage of an application: offer, interview, acknowledgement or other, in seven languages."""

from __future__ import annotations

import ast
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import plain

from detector.message import Message, parse
from detector.stage import MAX_TEXT, Stage, stage


def mail(
    subject: str, body: str, *, sender: str = "Mara Lind <mara.lind@brookfield.example>"
) -> Message:
    return parse(plain(body, subject=subject, sender=sender))


def of(subject: str, body: str) -> str:
    return stage(mail(subject, body), rejection=False)


INTERVIEWS = {
    "en": (
        "Interview invitation - Logistics Coordinator",
        "Hi Sam,\n\nThank you for your application for the Logistics Coordinator role. We would like "
        "to invite you to a first interview at our Leeds office.\n\nWould Tuesday 14 May at 10:30 "
        "suit you? It will take about 45 minutes, with me and our operations lead.\n\nBest,\nMara",
    ),
    "en-reschedule": (
        "Re: Tuesday",
        "Hi Sam,\n\nSorry, something came up on our side: could we move your interview to Thursday "
        "at 2pm instead? Same room, same people.\n\nMara",
    ),
    "de": (
        "Einladung zum Vorstellungsgespräch",
        "Sehr geehrte Frau Weber,\n\nvielen Dank für Ihre Bewerbung als Buchhalterin. Wir möchten "
        "Sie gerne persönlich kennenlernen und laden Sie zu einem Vorstellungsgespräch am Mittwoch, "
        "12. März, um 9:30 Uhr in unser Büro in Kassel ein.\n\nBitte bestätigen Sie uns den Termin "
        "kurz per E-Mail.\n\nMit freundlichen Grüßen\nJonas Brandt",
    ),
    "fr": (
        "Votre candidature - assistant(e) de gestion",
        "Bonjour Claire,\n\nMerci pour votre candidature. Votre parcours nous intéresse et nous "
        "souhaiterions vous rencontrer pour un entretien dans nos locaux de Nantes.\n\nPourriez-vous "
        "m'indiquer vos disponibilités la semaine prochaine ?\n\nBien cordialement,\nSophie Marchand",
    ),
    "es": (
        "Siguiente paso - técnico/a de mantenimiento",
        "Hola, Pablo:\n\nHemos revisado tu currículum y nos gustaría conocerte. Te invitamos a una "
        "entrevista por videollamada el jueves 6 de marzo a las 11:00.\n\n¿Te viene bien? Si no, "
        "propónnos otra hora.\n\nUn saludo,\nLucía Ortega",
    ),
    "nl": (
        "Uitnodiging sollicitatiegesprek",
        "Beste Daan,\n\nBedankt voor je sollicitatie als planner. Graag nodigen we je uit voor een "
        "gesprek op dinsdag 4 februari om 14.00 uur bij ons kantoor in Utrecht.\n\nLaat je even weten "
        "of dat past?\n\nGroet,\nEline de Vries",
    ),
    "it": (
        "Colloquio - addetto/a magazzino",
        "Buongiorno Marco,\n\nabbiamo letto il suo curriculum con interesse e vorremmo invitarla a un "
        "colloquio presso la nostra sede di Verona, lunedì 10 marzo alle 15:00.\n\nCi conferma la sua "
        "disponibilità?\n\nCordiali saluti,\nElena Ferri",
    ),
    "pt": (
        "Entrevista - analista financeiro",
        "Olá Rita,\n\nObrigado pela sua candidatura. Gostaríamos de a convidar para uma entrevista "
        "nas nossas instalações em Lisboa, na quarta-feira, dia 5, às 10h00.\n\nPode confirmar a sua "
        "disponibilidade?\n\nCumprimentos,\nJoão Matos",
    ),
    "en-after": (
        "Thanks for today",
        "Hi Sam,\n\nThank you for the interview this morning - the team enjoyed meeting you. We are "
        "seeing two more people this week and will come back to you by Friday.\n\nMara",
    ),
}

ACKNOWLEDGEMENTS = {
    "en": (
        "We received your application - Logistics Coordinator",
        "Hi Sam,\n\nThank you for applying for the Logistics Coordinator position. We have received "
        "your application and our team will review it over the next two weeks.\n\nBrookfield "
        "Talent Team",
    ),
    "de": (
        "Eingangsbestätigung Ihrer Bewerbung",
        "Sehr geehrte Frau Weber,\n\nwir haben Ihre Bewerbung als Buchhalterin erhalten und bedanken "
        "uns für Ihr Interesse. Wir prüfen Ihre Unterlagen und melden uns in etwa drei Wochen.\n\n"
        "Ihr Personalteam",
    ),
    "fr": (
        "Accusé de réception",
        "Bonjour Claire,\n\nNous avons bien reçu votre candidature au poste d'assistante de gestion "
        "et nous vous en remercions. Elle est en cours d'étude.\n\nL'équipe recrutement",
    ),
    "es": (
        "Hemos recibido tu candidatura",
        "Hola, Pablo:\n\nHemos recibido tu candidatura para el puesto de técnico de mantenimiento. "
        "Estamos revisando todos los perfiles y te diremos algo en unas dos semanas.\n\nEquipo de "
        "Personas",
    ),
    "nl": (
        "Je sollicitatie als planner",
        "Beste Daan,\n\nWe hebben je sollicitatie in goede orde ontvangen. De selectiecommissie "
        "bekijkt alle brieven na de sluitingsdatum van 20 januari.\n\nMet vriendelijke groet,\nHR",
    ),
    "it": (
        "Abbiamo ricevuto la tua candidatura",
        "Ciao Marco,\n\nabbiamo ricevuto la tua candidatura per la posizione di addetto magazzino. "
        "Il nostro team la sta valutando e ti aggiorneremo presto.\n\nUfficio Risorse Umane",
    ),
    "pt": (
        "Candidatura recebida",
        "Olá Rita,\n\nRecebemos a sua candidatura para a função de analista financeiro. Está em "
        "análise pela nossa equipa de recrutamento.\n\nObrigado,\nRecursos Humanos",
    ),
    "en-delay": (
        "Logistics Coordinator - a short delay",
        "Hi Sam,\n\nA quick note to say we haven't forgotten your application. Our hiring manager "
        "has been away, so the review is taking longer than we planned; expect news by the end of "
        "the month.\n\nMara",
    ),
}

OFFERS = {
    "en": (
        "Your offer - Logistics Coordinator",
        "Hi Sam,\n\nI'm delighted to offer you the position of Logistics Coordinator. Your offer "
        "letter is attached, with salary, start date and benefits.\n\nPlease let me know by Friday.\n\n"
        "Mara",
    ),
    "de": (
        "Ihr Arbeitsvertrag",
        "Liebe Frau Weber,\n\nnach den beiden Gesprächen freuen wir uns sehr: Sie haben die Stelle! "
        "Anbei finden Sie den Arbeitsvertrag mit Beginn zum 1. April.\n\nHerzliche Grüße\nJonas Brandt",
    ),
    "fr": (
        "Proposition d'embauche",
        "Bonjour Claire,\n\nSuite à nos entretiens, nous avons le plaisir de vous proposer le poste "
        "d'assistante de gestion en CDI. Vous trouverez la proposition d'embauche en pièce jointe.\n\n"
        "Sophie",
    ),
    "es": (
        "Carta de oferta",
        "Hola, Pablo:\n\nTras las entrevistas, queremos que te incorpores al equipo de "
        "mantenimiento. Te adjunto la carta de oferta con el salario y la fecha de incorporación.\n\n"
        "Lucía",
    ),
    "nl": (
        "Aanbod: planner",
        "Beste Daan,\n\nNa de gesprekken willen we je graag aannemen als planner. In de bijlage vind "
        "je de arbeidsovereenkomst met salaris en startdatum.\n\nEline",
    ),
    "it": (
        "Proposta di assunzione",
        "Buongiorno Marco,\n\ndopo il colloquio siamo lieti di offrirle il posto di addetto "
        "magazzino. In allegato trova la proposta di assunzione e il contratto di lavoro.\n\nElena",
    ),
}


@pytest.mark.parametrize("case", sorted(INTERVIEWS))
def test_interview_in_each_language(case: str) -> None:
    assert of(*INTERVIEWS[case]) == Stage.INTERVIEW


@pytest.mark.parametrize("case", sorted(ACKNOWLEDGEMENTS))
def test_acknowledgement_in_each_language(case: str) -> None:
    assert of(*ACKNOWLEDGEMENTS[case]) == Stage.ACKNOWLEDGEMENT


@pytest.mark.parametrize("case", sorted(OFFERS))
def test_offer_in_each_language(case: str) -> None:
    assert of(*OFFERS[case]) == Stage.OFFER


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Thanks for applying to Brookfield",
            "Hi Sam,\n\nThanks for applying for the Logistics Coordinator role. We review every "
            "application by hand. If your profile matches what we are looking for, we will invite "
            "you to an interview within two weeks.\n\nBrookfield Talent",
        ),
        (
            "Application received - Staff Nurse",
            "Dear Sam,\n\nYour application has been received. Shortlisted candidates will be "
            "invited to interview by email in early March.\n\nRecruitment Team",
        ),
        (
            "Ihre Bewerbung",
            "Sehr geehrte Frau Weber,\n\nvielen Dank für Ihre Bewerbung. Wenn Ihr Profil zu unseren "
            "Anforderungen passt, laden wir Sie zu einem Vorstellungsgespräch ein.\n\nIhr Personalteam",
        ),
        (
            "Votre candidature",
            "Bonjour Claire,\n\nNous avons bien reçu votre candidature. Si votre profil correspond à "
            "nos besoins, nous vous contacterons pour un entretien.\n\nL'équipe recrutement",
        ),
        (
            "Tu candidatura",
            "Hola, Pablo:\n\nHemos recibido tu candidatura. Si tu perfil encaja, te llamaremos para "
            "una entrevista.\n\nEquipo de Personas",
        ),
        (
            "Je sollicitatie",
            "Beste Daan,\n\nBedankt voor je sollicitatie, we hebben hem goed ontvangen. Als je profiel "
            "aansluit, nodigen we je uit voor een gesprek.\n\nHR",
        ),
    ],
)
def test_acknowledgement_that_mentions_a_possible_interview(subject: str, body: str) -> None:
    assert of(subject, body) == Stage.ACKNOWLEDGEMENT


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "How to ace your interview: 7 tips from recruiters",
            "Hello job hunters,\n\nThis week: how to prepare for your interview, the questions to "
            "ask at the end, and why a thank-you note after the interview still matters.\n\n"
            "Careers Weekly",
        ),
        (
            "Your interview questions, answered",
            "Hi there,\n\nIn this issue of our newsletter: how to schedule interviews around your "
            "current job, and what to say when a recruiter asks for your availability.\n\nUnsubscribe",
        ),
        (
            "12 new jobs matching your profile",
            "Data Analyst - Brookfield Logistics - Leeds\nJunior Analyst - Northwind - Remote\n"
            "Interview within a week! Apply now.\n\nSee all new jobs | Manage your job alerts",
        ),
        (
            "8 neue Jobs für „Buchhalter“ in Kassel",
            "Buchhalter (m/w/d) - Stadtwerke Kassel\nVorstellungsgespräch innerhalb einer Woche\n\n"
            "Ihr Job-Agent",
        ),
        (
            "Your order has shipped",
            "Hi Sam,\n\nYour parcel is on its way and will arrive on Tuesday between 10:00 and "
            "12:00.\n\nThanks for shopping with us.",
        ),
    ],
)
def test_newsletters_alerts_and_ordinary_mail_are_other(subject: str, body: str) -> None:
    assert of(subject, body) == Stage.OTHER


def test_invitation_that_acknowledges_the_application_is_an_interview() -> None:
    body = (
        "Hi Sam,\n\nWe have received your application for the Logistics Coordinator role - thank "
        "you. We'd like to invite you to a video interview on Monday at 11:00.\n\nMara"
    )
    assert of("Your application", body) == Stage.INTERVIEW


def test_offer_that_recalls_the_interviews_is_an_offer() -> None:
    body = (
        "Hi Sam,\n\nThank you for the interviews last week. We are pleased to offer you the role "
        "of Logistics Coordinator; the offer letter is attached.\n\nMara"
    )
    assert of("Good news", body) == Stage.OFFER


def test_invitation_to_an_online_test_is_not_an_interview() -> None:
    body = (
        "Hi Sam,\n\nThank you for your application. We are pleased to invite you to the next "
        "step: an online test of about 40 minutes, to be completed by Friday.\n\nBrookfield Talent"
    )
    assert of("Next step: online test", body) == Stage.ACKNOWLEDGEMENT


def test_candidate_withdrawal_after_an_interview_is_other() -> None:
    body = (
        "Dear Mara,\n\nThank you for the interview last week. I have since accepted another "
        "position and would like to withdraw my application.\n\nKind regards,\nSam"
    )
    assert of("Withdrawal of my application", body) == Stage.OTHER


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Flat 4 - your application",
            "Dear Sam,\n\nThank you for your application for Flat 4. After the viewings the "
            "landlord has decided to go ahead with another applicant.\n\nOakside Lettings",
        ),
        (
            "Founders' floor",
            "Hi Sam,\n\nThanks for your application for a desk and for the tour on Tuesday. We're "
            "not going to be able to offer you a desk this time.\n\nThe Coworking Team",
        ),
        (
            "Ihre Bewerbung um die Wohnung Lindenstraße 4",
            "Sehr geehrte Frau Weber,\n\nvielen Dank für Ihre Bewerbung um die Wohnung. Wir haben "
            "uns für eine andere Familie entschieden.\n\nIhre Wohnungsgenossenschaft",
        ),
    ],
)
def test_refused_application_for_something_else_is_other(subject: str, body: str) -> None:
    assert of(subject, body) == Stage.OTHER


@pytest.mark.parametrize(
    "case", [*(INTERVIEWS[k] for k in ("en", "de")), ACKNOWLEDGEMENTS["fr"], OFFERS["es"]]
)
def test_the_classifiers_rejection_always_wins(case: tuple[str, str]) -> None:
    assert stage(mail(*case), rejection=True) == Stage.REJECTION


def test_stage_names_are_plain_strings() -> None:
    assert (Stage.REJECTION, Stage.INTERVIEW, Stage.ACKNOWLEDGEMENT, Stage.OFFER, Stage.OTHER) == (
        "rejection",
        "interview",
        "acknowledgement",
        "offer",
        "other",
    )


def test_subject_alone_can_name_the_interview() -> None:
    assert of("Interview invitation: Logistics Coordinator", "") == Stage.INTERVIEW


FILLER = "The depot opens at seven and the loading bays are swept before the first lorry. "


def test_only_the_first_max_text_characters_are_read() -> None:
    invitation = "We would like to invite you to an interview at our office."
    before = FILLER * 20 + invitation
    after = FILLER * (MAX_TEXT // len(FILLER) + 5) + invitation
    assert len(after) > MAX_TEXT + len(invitation)
    assert of("Logistics Coordinator", before) == Stage.INTERVIEW
    assert of("Logistics Coordinator", after) == Stage.OTHER


@pytest.mark.parametrize(
    "body",
    [
        "a" * 1_000_000,
        "invite " * 150_000,
        "if you are " + " " * 1_000_000 + "interview",
        ("Monday " + "1" * 50) * 20_000,
        "\n".join(["we would like to invite you"] * 40_000),
    ],
    ids=["single-token", "trigger-words", "whitespace", "weekday-digits", "many-lines"],
)
def test_hostile_megabyte_body_finishes_fast(body: str) -> None:
    message = replace(mail("Logistics Coordinator", "Hi"), body=body, text=body)
    start = time.perf_counter()
    for _ in range(5):
        stage(message, rejection=False)
    assert time.perf_counter() - start < 1.0


def test_stage_module_is_pure() -> None:
    source = Path(__file__).resolve().parent.parent / "detector" / "stage.py"
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported == {"__future__", "re", "detector.message"}
