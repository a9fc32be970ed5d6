"""detector.classifier: what the model reads, how verdicts follow the threshold, clear cases."""

from __future__ import annotations

import pytest
from conftest import (
    INVITATION_SUBJECT,
    INVITATION_TEXT,
    REJECTION_SUBJECT,
    REJECTION_TEXT,
    plain,
)

from detector.classifier import (
    MAX_CHARS,
    Model,
    Verdict,
    build_pipeline,
    classify,
    classify_many,
    document,
)
from detector.message import parse


def test_document_is_subject_and_new_text_masked() -> None:
    body = (
        "Dear Sam,\n\nSee https://jobs.example.com/apply?id=42 or www.example.org, "
        "write to hr.team+jobs@acme-labs.example, ref 2025-0042.\n\n"
        "Best regards,\nAnna Berg\n\n"
        "On Mon, 3 Mar 2025, Sam wrote:\n> my earlier mail\n"
    )
    message = parse(plain(body, subject="Application 123"))
    assert document(message) == (
        "Application 0\nDear Sam,\n\nSee  xurlx  or  xurlx  write to  xemailx , ref 0-0."
    )


def test_document_falls_back_to_the_whole_body() -> None:
    message = parse(plain("Best regards,\nAnna", subject="Hello"))
    assert message.text == "Best regards,\nAnna"
    assert document(message) == "Hello\nBest regards,\nAnna"


def test_document_is_capped() -> None:
    message = parse(plain("word " * 2000, subject="S"))
    assert len(document(message)) == MAX_CHARS


def test_build_pipeline_is_reproducible_and_calibrated() -> None:
    pipeline = build_pipeline(random_state=7)
    calibrated = pipeline.named_steps["classifier"]
    assert calibrated.method == "sigmoid"
    assert calibrated.estimator.random_state == 7
    assert calibrated.estimator.class_weight == "balanced"


def test_classify_many_of_nothing(shipped_model: Model) -> None:
    assert classify_many(shipped_model, []) == []


def test_classify_many_keeps_order_and_matches_classify(shipped_model: Model) -> None:
    messages = [
        parse(plain(REJECTION_TEXT, subject=REJECTION_SUBJECT)),
        parse(plain(INVITATION_TEXT, subject=INVITATION_SUBJECT)),
    ]
    verdicts = classify_many(shipped_model, messages)
    assert verdicts == [classify(shipped_model, m) for m in messages]
    assert [v.is_rejection for v in verdicts] == [True, False]
    for verdict in verdicts:
        assert 0.0 <= verdict.probability <= 1.0
        assert verdict.probability == round(verdict.probability, 4)


def test_verdict_follows_the_threshold(shipped_model: Model) -> None:
    message = parse(plain(INVITATION_TEXT, subject=INVITATION_SUBJECT))
    p = float(shipped_model.pipeline.predict_proba([document(message)])[0, 1])
    at = Model(shipped_model.pipeline, threshold=p)
    above = Model(shipped_model.pipeline, threshold=min(p + 1e-6, 0.999999))
    assert classify(at, message) == Verdict(True, round(p, 4))
    assert classify(above, message) == Verdict(False, round(p, 4))


# Clear cases a decent classifier gets right. The shipped model is what users run.
CLEAR_REJECTIONS = {
    "en": (
        REJECTION_SUBJECT,
        REJECTION_TEXT,
    ),
    "en, after interview": (
        "Update on your application",
        "Dear Sam,\n\nThank you for taking the time to interview with us for the Data Analyst "
        "position. Unfortunately, we have decided to move forward with another candidate.\n\n"
        "We wish you the best of luck.\n\nKind regards,\nAnna",
    ),
    "de": (
        "Ihre Bewerbung als Datenanalyst",
        "Sehr geehrter Herr Keller,\n\nvielen Dank für Ihre Bewerbung und Ihr Interesse an "
        "unserem Unternehmen. Leider müssen wir Ihnen mitteilen, dass wir uns für einen anderen "
        "Kandidaten entschieden haben.\n\nWir wünschen Ihnen für Ihre berufliche Zukunft alles "
        "Gute.\n\nMit freundlichen Grüßen\nAnna Berg",
    ),
    "fr": (
        "Votre candidature",
        "Bonjour Sam,\n\nNous vous remercions pour votre candidature au poste de Data Analyst. "
        "Malheureusement, nous avons le regret de vous informer que nous ne pouvons pas donner "
        "une suite favorable à votre candidature.\n\nNous vous souhaitons plein succès dans vos "
        "recherches.\n\nCordialement,\nAnna Berg",
    ),
    "es": (
        "Su candidatura",
        "Estimado Sam:\n\nGracias por su interés en el puesto de Analista de Datos. "
        "Lamentablemente, hemos decidido continuar el proceso con otros candidatos cuyo perfil "
        "se ajusta más a nuestras necesidades.\n\nLe deseamos mucho éxito.\n\n"
        "Saludos cordiales,\nAnna Berg",
    ),
    "nl": (
        "Uw sollicitatie",
        "Beste Sam,\n\nBedankt voor je sollicitatie voor de functie Data Analist. Helaas moeten "
        "we je laten weten dat we hebben gekozen voor een andere kandidaat.\n\n"
        "We wensen je veel succes.\n\nMet vriendelijke groet,\nAnna Berg",
    ),
}
CLEAR_NON_REJECTIONS = {
    "interview invitation": (INVITATION_SUBJECT, INVITATION_TEXT),
    "job offer": (
        "Job offer: Data Analyst",
        "Dear Sam,\n\nWe are delighted to offer you the position of Data Analyst at Northwind "
        "Labs. Please find the offer letter attached and sign it by Friday.\n\nWelcome aboard!\nAnna",
    ),
    "application received": (
        "We received your application",
        "Dear Sam,\n\nThank you for applying to the Data Analyst position at Northwind Labs. We "
        "have received your application and our team will review it in the coming days. We will "
        "be in touch about next steps.\n\nBest regards,\nAnna",
    ),
    "team lunch": (
        "Team lunch on Friday",
        "Hi all,\n\nReminder that the team lunch is on Friday at 12:30 at the Italian place "
        "around the corner. Please tell me by Thursday if you have dietary requirements.\n\n"
        "Cheers,\nAnna",
    ),
}


@pytest.mark.parametrize(
    ("subject", "text"), CLEAR_REJECTIONS.values(), ids=CLEAR_REJECTIONS.keys()
)
def test_clear_rejections_are_rejections(shipped_model: Model, subject: str, text: str) -> None:
    verdict = classify(shipped_model, parse(plain(text, subject=subject)))
    assert verdict.is_rejection, verdict


@pytest.mark.parametrize(
    ("subject", "text"), CLEAR_NON_REJECTIONS.values(), ids=CLEAR_NON_REJECTIONS.keys()
)
def test_clear_non_rejections_are_not(shipped_model: Model, subject: str, text: str) -> None:
    verdict = classify(shipped_model, parse(plain(text, subject=subject)))
    assert not verdict.is_rejection, verdict
