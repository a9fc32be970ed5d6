"""The explanation is the shipped model's own arithmetic, read back as phrases of the message."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from conftest import invitation_mail, plain, rejection_mail
from sklearn.pipeline import Pipeline

from detector.classifier import Model, classify, document
from detector.errors import ModelError
from detector.explain import Explanation, Phrase, explain, format_explanation
from detector.message import Message, parse

# The rejecting sentences of conftest.REJECTION_TEXT, without their function words.
REJECTION_WORDING = {
    "regret", "inform", "decided", "not", "move", "forward", "chosen", "pursue", "other",
    "candidates", "wish", "success",
}  # fmt: skip
INVITATION_WORDING = {"invite", "invitation", "interview", "slot", "calendar", "link", "minutes"}


def _linear_score(model: Model, message: Message) -> float:
    """The mean decision value of the calibrated SVMs, computed by scikit-learn itself."""
    features = model.pipeline.named_steps["features"].transform([document(message)])
    calibrated = model.pipeline.named_steps["classifier"].calibrated_classifiers_
    return float(np.mean([c.estimator.decision_function(features)[0] for c in calibrated]))


def _matching(phrases: tuple[Phrase, ...], wording: set[str]) -> list[str]:
    return [p.text for p in phrases if wording & set(p.text.split())]


def test_a_rejection_is_explained_by_its_rejecting_words(shipped_model: Model) -> None:
    message = parse(rejection_mail())
    expl = explain(shipped_model, message)
    verdict = classify(shipped_model, message)
    assert (expl.is_rejection, expl.probability) == (verdict.is_rejection, verdict.probability)
    assert expl.is_rejection
    assert len(expl.toward) == 8
    assert len(_matching(expl.toward, REJECTION_WORDING)) >= 2, expl.toward
    assert not _matching(expl.toward, INVITATION_WORDING), expl.toward
    assert all(p.weight > 0 for p in expl.toward)
    assert all(p.weight < 0 for p in expl.against)
    weights = [p.weight for p in expl.toward]
    assert weights == sorted(weights, reverse=True)


@pytest.mark.parametrize("mail", [rejection_mail, invitation_mail], ids=["rejection", "invitation"])
def test_the_phrases_add_up_to_the_models_own_score(
    shipped_model: Model, mail: Callable[[], bytes]
) -> None:
    message = parse(mail())
    expl = explain(shipped_model, message)
    # Folding character n-grams into words must neither lose nor invent any of the score.
    assert expl.score == pytest.approx(_linear_score(shipped_model, message), abs=1e-9)
    assert (expl.score > 0) == (expl.probability > 0.5)


def test_an_invitation_is_pushed_away_by_its_inviting_words(shipped_model: Model) -> None:
    invitation = explain(shipped_model, parse(invitation_mail()))
    rejection = explain(shipped_model, parse(rejection_mail()))
    assert not invitation.is_rejection
    assert invitation.score < 0
    assert len(_matching(invitation.against, INVITATION_WORDING)) >= 2, invitation.against
    assert not _matching(invitation.against, REJECTION_WORDING - {"forward"}), invitation.against
    # Leaning negative compared with a rejection: weaker pull toward, stronger push against.
    assert sum(p.weight for p in invitation.toward) < sum(p.weight for p in rejection.toward)
    assert sum(p.weight for p in invitation.against) < sum(p.weight for p in rejection.against)


def test_masked_addresses_links_and_numbers_read_as_what_they_stand_for(
    shipped_model: Model,
) -> None:
    text = (
        "Unfortunately we will not move forward with your application 4711. "
        "Questions: jobs@northwind-labs.com or https://northwind-labs.com/careers\n"
    )
    message = parse(plain(text, subject="Your application"))
    assert "xemailx" in document(message)
    expl = explain(shipped_model, message, top=10_000)
    texts = {p.text for p in (*expl.toward, *expl.against)}
    assert {"<email>", "<link>", "<number>"} <= texts
    assert not {t for t in texts if "xemailx" in t or "xurlx" in t}
    assert not {t for t in texts if t[0] in ".,:;!?" or t[-1] in ".,:;!?"}


def test_top_limits_each_side(shipped_model: Model) -> None:
    expl = explain(shipped_model, parse(rejection_mail()), top=3)
    assert (len(expl.toward), len(expl.against)) == (3, 3)


def test_a_pipeline_without_a_classifier_cannot_be_explained(shipped_model: Model) -> None:
    features = shipped_model.pipeline.named_steps["features"]
    broken = Model(pipeline=Pipeline([("features", features)]))
    with pytest.raises(ModelError, match="cannot be explained") as caught:
        explain(broken, parse(rejection_mail()))
    assert isinstance(caught.value.__cause__, KeyError)


def test_something_that_is_no_pipeline_cannot_be_explained() -> None:
    with pytest.raises(ModelError, match="not a fitted TF-IDF and calibrated linear pipeline"):
        explain(Model(pipeline=object()), parse(rejection_mail()))


def test_format_explanation_lines() -> None:
    expl = Explanation(
        is_rejection=True,
        probability=0.9871,
        score=1.25,
        baseline=-0.5,
        toward=(Phrase("regret to inform", 0.42), Phrase("<email>", 0.05)),
        against=(),
    )
    assert format_explanation(expl) == [
        "rejection (probability 0.987; score +1.250 = baseline -0.500 + phrases +1.750)",
        "toward rejection:",
        '  + "regret to inform"  +0.420',
        '  + "<email>"           +0.050',
        "against:",
        "  (none)",
    ]
