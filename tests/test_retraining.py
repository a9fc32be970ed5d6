"""Retraining (detector/retraining.py): the promotion gate, user labels as training mail, and
out-of-fold scoring of the user's labels.

The gate is checked with hand-made figures; ``compare`` with a hand-made candidate against the
shipped model; out-of-fold scoring with a dozen-mail corpus, so every fit takes milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import invitation_mail, plain, rejection_mail

from detector.classifier import Model, classify_many, document
from detector.corpus import LabeledMail
from detector.evaluation import Metrics
from detector.labels import Label, LabelStore, label_digest
from detector.message import parse
from detector.retraining import (
    CORPUS_TOLERANCE,
    Figures,
    Retrained,
    _reasons,
    _user_out_of_fold,
    compare,
    train_candidate,
    user_mails,
)

# --- the gate ------------------------------------------------------------------------------------

SAME = Metrics(tp=90, fp=10, fn=10, tn=90)  # precision 0.9, F1 0.9


def _figures(*, corpus: Metrics = SAME, combined: Metrics = SAME) -> Figures:
    return Figures(corpus=corpus, user=None, combined=combined)


def test_equal_figures_promote() -> None:
    assert _reasons(_figures(), _figures()) == []


def test_better_figures_promote() -> None:
    better = Metrics(tp=95, fp=5, fn=5, tn=95)
    assert _reasons(_figures(corpus=better, combined=better), _figures()) == []


def test_a_drop_in_combined_precision_refuses() -> None:
    # Recall, and so F1, goes up: precision alone refuses it.
    candidate = Metrics(tp=80, fp=20, fn=0, tn=100)  # precision 0.8, F1 0.8889
    active = Metrics(tp=90, fp=10, fn=90, tn=10)  # precision 0.9, F1 0.6429
    assert _reasons(_figures(combined=candidate), _figures(combined=active)) == [
        "precision on all held-out data would drop from 0.900 to 0.800"
    ]


def test_a_drop_in_combined_f1_refuses() -> None:
    candidate = Metrics(tp=50, fp=0, fn=50, tn=100)  # precision 1.0, F1 0.6667
    assert _reasons(_figures(combined=candidate), _figures()) == [
        "f1 on all held-out data would drop from 0.900 to 0.667"
    ]


def test_a_drop_shown_at_three_decimals_refuses_and_a_smaller_one_does_not() -> None:
    active = Metrics(tp=1000, fp=0, fn=0, tn=1000)
    shown = Metrics(tp=1000, fp=2, fn=0, tn=998)  # precision 0.998, F1 0.999
    assert _reasons(_figures(combined=shown), _figures(combined=active)) == [
        "precision on all held-out data would drop from 1.000 to 0.998",
        "f1 on all held-out data would drop from 1.000 to 0.999",
    ]
    unseen = Metrics(tp=10000, fp=1, fn=0, tn=9999)  # precision 0.9999: prints as 1.000
    assert _reasons(_figures(combined=unseen), _figures(combined=active)) == []


def test_a_corpus_slice_drop_within_the_tolerance_is_allowed() -> None:
    assert CORPUS_TOLERANCE == 0.01
    perfect = Metrics(tp=100, fp=0, fn=0, tn=100)
    for slightly_worse in (
        Metrics(tp=199, fp=1, fn=0, tn=200),  # precision 0.995
        Metrics(tp=99, fp=1, fn=0, tn=100),  # precision 0.99: exactly the tolerance
    ):
        assert _reasons(_figures(corpus=slightly_worse), _figures(corpus=perfect)) == []


def test_a_corpus_slice_drop_beyond_the_tolerance_refuses_even_when_the_rest_improves() -> None:
    # What flipped labels do: the candidate agrees with them better, and with the corpus less.
    perfect = Metrics(tp=100, fp=0, fn=0, tn=100)
    candidate = _figures(
        corpus=Metrics(tp=97, fp=3, fn=0, tn=100),  # precision 0.97, F1 0.985
        combined=Metrics(tp=200, fp=2, fn=0, tn=200),
    )
    active = _figures(corpus=perfect, combined=Metrics(tp=150, fp=20, fn=50, tn=180))
    assert _reasons(candidate, active) == [
        "precision on the corpus held-out slice would drop from 1.000 to 0.970 "
        "(more than 0.01; do some labels contradict the corpus?)",
        "f1 on the corpus held-out slice would drop from 1.000 to 0.985 "
        "(more than 0.01; do some labels contradict the corpus?)",
    ]


def test_every_reason_is_given_in_order() -> None:
    worse = Metrics(tp=50, fp=50, fn=50, tn=50)
    assert _reasons(_figures(corpus=worse, combined=worse), _figures()) == [
        "precision on all held-out data would drop from 0.900 to 0.500",
        "precision on the corpus held-out slice would drop from 0.900 to 0.500 "
        "(more than 0.01; do some labels contradict the corpus?)",
        "f1 on all held-out data would drop from 0.900 to 0.500",
        "f1 on the corpus held-out slice would drop from 0.900 to 0.500 "
        "(more than 0.01; do some labels contradict the corpus?)",
    ]


def test_figures_as_dict_for_the_metadata() -> None:
    user = Metrics(tp=1, fp=0, fn=1, tn=2)
    assert Figures(SAME, user, SAME).as_dict() == {
        "corpus_holdout": SAME.as_dict(),
        "user_labels": user.as_dict(),
        **SAME.as_dict(),
    }
    assert _figures().as_dict()["user_labels"] is None


# --- user labels as training mail ----------------------------------------------------------------


def test_user_mails_turn_labels_into_training_mail_and_report_unparseable_ones(
    tmp_path: Path,
) -> None:
    with LabelStore(tmp_path) as store:
        rejection = store.put(rejection_mail("<r@a.example>"), True, route="folder", origin="Yes")
        invitation = store.put(
            invitation_mail("<i@b.example>"), False, route="import", origin="/mail/i.eml"
        )
    # Bytes stored by an older gracious that this parser no longer accepts.
    broken = Label("<png@c.example>", True, "import", "shot.png", None, None, "x", b"\x89PNG")
    mails, failed = user_mails([rejection, broken, invitation])

    assert failed == ["shot.png: no mail headers found (no From, To, Subject, Date or Message-ID)"]
    assert [(m.path, m.label, m.message.key) for m in mails] == [
        (Path("Yes"), 1, "<r@a.example>"),
        (Path("/mail/i.eml"), 0, "<i@b.example>"),
    ]
    assert [m.truth for m in mails] == [
        {"family": "user:<r@a.example>", "digest": label_digest("<r@a.example>", True)},
        {"family": "user:<i@b.example>", "digest": label_digest("<i@b.example>", False)},
    ]
    assert [m.family for m in mails] == ["user:<r@a.example>", "user:<i@b.example>"]
    assert user_mails([]) == ([], [])


# --- out-of-fold scores of the user's labels -----------------------------------------------------

# Neither a rejection nor an invitation: what the model makes of it comes from the user's labels.
GARDEN = (
    "Hello,\n\nThe community garden meets on Saturday to plant tomatoes, basil and sunflowers. "
    "Bring gloves and a watering can.\n\nCheers,\nPat\n"
)


def _corpus() -> list[LabeledMail]:
    """A dozen clear corpus mails: enough for the pipeline's five calibration folds."""
    rejections = [rejection_mail(f"<r{i}@northwind-labs.com>") for i in range(6)]
    invitations = [invitation_mail(f"<i{i}@northwind-labs.com>") for i in range(6)]
    return [
        *(LabeledMail(Path(f"r{i}.eml"), parse(raw), 1) for i, raw in enumerate(rejections)),
        *(LabeledMail(Path(f"i{i}.eml"), parse(raw), 0) for i, raw in enumerate(invitations)),
    ]


def _garden(domain: str, n: int, rejection: bool) -> Label:
    """The same garden mail from ``domain``; only its Message-ID differs."""
    raw = plain(
        GARDEN, sender=f"Pat <pat@{domain}>", subject="Garden day", message_id=f"<g{n}@{domain}>"
    )
    return Label(f"<g{n}@{domain}>", rejection, "command", f"{domain}/{n}", None, None, "x", raw)


def _users(*labels: Label) -> list[LabeledMail]:
    mails, failed = user_mails(labels)
    assert failed == []
    return mails


@pytest.mark.parametrize(
    "labels",
    [
        # Two of each: stratified folds.
        [
            _garden("alpha.example", 1, True),
            _garden("alpha.example", 2, True),
            _garden("beta.example", 3, False),
            _garden("beta.example", 4, False),
        ],
        # One of each: plain group folds.
        [_garden("alpha.example", 1, True), _garden("beta.example", 2, False)],
    ],
    ids=["stratified", "grouped"],
)
def test_no_label_is_scored_by_a_model_that_trained_on_it(labels: list[Label]) -> None:
    corpus = _corpus()
    user = _users(*labels)
    retrained = train_candidate(corpus, user, threshold=0.4, version="20260101000000")

    assert (retrained.model.version, retrained.model.threshold) == ("20260101000000", 0.4)
    # A dozen mails are too few for a held-out slice: all of it is training part.
    assert (retrained.holdout, retrained.holdout_probs.shape) == ([], (0,))
    assert retrained.corpus_counts == {"rejection": 6, "not_rejection": 6}
    half = len(user) // 2
    assert retrained.user_counts == {"rejection": half, "not_rejection": half}
    assert retrained.user == user

    # The premise: every label is the same document, so any one model (such as the candidate,
    # which trained on all of them) gives them all the same score.
    assert len({document(m.message) for m in user}) == 1
    assert (
        len({v.probability for v in classify_many(retrained.model, [m.message for m in user])}) == 1
    )

    probs = retrained.user_probs
    assert probs is not None
    assert probs.shape == (len(user),)
    # Out of fold, each sender's labels were scored by a model that learned only the other
    # sender's opposite verdict: those the user called rejections score low, the others high.
    # A model that had trained on a label would have pulled its score the other way.
    said_rejection = {float(p) for p, m in zip(probs, user, strict=True) if m.label == 1}
    said_not = {float(p) for p, m in zip(probs, user, strict=True) if m.label == 0}
    assert len(said_rejection) == len(said_not) == 1
    assert max(said_rejection) < 0.5 < min(said_not)


@pytest.mark.parametrize(
    "verdicts",
    [(True, True, False, False), (True, False), (True, True, True)],
    ids=["stratified", "grouped", "one-class"],
)
def test_labels_all_from_one_sender_cannot_be_held_out(verdicts: tuple[bool, ...]) -> None:
    user = _users(*(_garden("alpha.example", i, v) for i, v in enumerate(verdicts)))
    assert _user_out_of_fold(_corpus(), user, 0.5) is None


# --- compare: the candidate against the active model ---------------------------------------------


def _mail(raw: bytes, label: int, *, rejection: bool | None = None) -> LabeledMail:
    """A user label as ``user_mails`` makes it (``rejection`` defaults to the label)."""
    message = parse(raw)
    verdict = bool(label) if rejection is None else rejection
    truth = {"family": f"user:{message.key}", "digest": label_digest(message.key, verdict)}
    return LabeledMail(Path("x.eml"), message, label, truth)


def _retrained(
    shipped: Model, user: list[LabeledMail], user_probs: list[float] | None
) -> Retrained:
    holdout = [
        LabeledMail(Path("h1.eml"), parse(rejection_mail("<h1@northwind-labs.com>")), 1),
        LabeledMail(Path("h2.eml"), parse(invitation_mail("<h2@northwind-labs.com>")), 0),
    ]
    return Retrained(
        model=Model(shipped.pipeline, 0.5, "20260102000000"),
        holdout=holdout,
        holdout_probs=np.array([0.9, 0.1]),  # both right, as the shipped model gets them
        user=user,
        user_probs=None if user_probs is None else np.array(user_probs),
        corpus_counts={},
        user_counts={},
    )


def _active(shipped: Model, trained_on: list[str]) -> Model:
    return Model(shipped.pipeline, 0.5, "20260101000000", {"label_digests": trained_on})


def test_the_premise_the_shipped_model_gets_the_clear_mails_right(shipped_model: Model) -> None:
    verdicts = classify_many(
        _active(shipped_model, []), [parse(rejection_mail()), parse(invitation_mail())]
    )
    assert [v.is_rejection for v in verdicts] == [True, False]


def test_the_active_model_is_judged_only_on_labels_it_never_trained_on(
    shipped_model: Model,
) -> None:
    seen_rejection = _mail(rejection_mail("<s1@a.example>"), 1)
    seen_invitation = _mail(invitation_mail("<s2@b.example>"), 0)
    new_rejection = _mail(rejection_mail("<n1@c.example>"), 1)
    new_odd = _mail(invitation_mail("<n2@d.example>"), 1)  # the user calls this one a rejection
    user = [seen_rejection, seen_invitation, new_rejection, new_odd]
    # Deliberately wrong scores on the seen ones: judged, they would change the figures.
    candidate = _retrained(shipped_model, user, [0.2, 0.9, 0.7, 0.6])
    active = _active(shipped_model, [m.truth["digest"] for m in (seen_rejection, seen_invitation)])

    result = compare(candidate, active)
    assert result.user_judged == 2
    assert result.candidate == Figures(
        corpus=Metrics(tp=1, fp=0, fn=0, tn=1),
        user=Metrics(tp=2, fp=0, fn=0, tn=0),
        combined=Metrics(tp=3, fp=0, fn=0, tn=1),
    )
    assert result.active == Figures(
        corpus=Metrics(tp=1, fp=0, fn=0, tn=1),
        user=Metrics(tp=1, fp=0, fn=1, tn=0),
        combined=Metrics(tp=2, fp=0, fn=1, tn=1),
    )
    assert (result.promote, result.reasons) == (True, ())


def test_a_relabeled_message_is_new_to_the_active_model(shipped_model: Model) -> None:
    # The active model trained on this message as a rejection; the user has since said "not".
    relabeled = _mail(rejection_mail("<flip@a.example>"), 0)
    active = _active(shipped_model, [label_digest("<flip@a.example>", True)])
    result = compare(_retrained(shipped_model, [relabeled], [0.1]), active)
    assert result.user_judged == 1
    assert result.candidate.user == Metrics(tp=0, fp=0, fn=0, tn=1)
    assert result.active.user == Metrics(tp=0, fp=1, fn=0, tn=0)
    assert result.promote


def test_equal_figures_promote_and_a_worse_candidate_is_refused(shipped_model: Model) -> None:
    user = [_mail(rejection_mail("<u1@a.example>"), 1), _mail(invitation_mail("<u2@b.example>"), 0)]
    active = _active(shipped_model, [])
    same = compare(_retrained(shipped_model, user, [0.8, 0.2]), active)
    assert same.candidate == same.active
    assert (same.user_judged, same.promote, same.reasons) == (2, True, ())

    worse = compare(_retrained(shipped_model, user, [0.8, 0.7]), active)
    assert worse.candidate.combined == Metrics(tp=2, fp=1, fn=0, tn=1)
    assert not worse.promote
    assert worse.reasons == (
        "precision on all held-out data would drop from 1.000 to 0.667",
        "f1 on all held-out data would drop from 1.000 to 0.800",
        "f1 on your labels would drop from 1.000 to 0.667",
    )


def test_without_out_of_fold_scores_only_the_corpus_slice_is_judged(
    shipped_model: Model,
) -> None:
    user = [_mail(rejection_mail("<u1@a.example>"), 1), _mail(invitation_mail("<u2@b.example>"), 1)]
    result = compare(_retrained(shipped_model, user, None), _active(shipped_model, []))
    assert result.user_judged == 0
    assert result.candidate == Figures(
        corpus=Metrics(tp=1, fp=0, fn=0, tn=1), user=None, combined=Metrics(1, 0, 0, 1)
    )
    assert result.active == result.candidate
    assert result.promote


def test_when_the_active_model_trained_on_every_label_only_the_corpus_is_judged(
    shipped_model: Model,
) -> None:
    user = [_mail(rejection_mail("<u1@a.example>"), 1), _mail(invitation_mail("<u2@b.example>"), 0)]
    active = _active(shipped_model, [m.truth["digest"] for m in user])
    result = compare(_retrained(shipped_model, user, [0.1, 0.9]), active)
    assert result.user_judged == 0
    assert result.candidate.user is None
    assert result.candidate.combined == Metrics(tp=1, fp=0, fn=0, tn=1)
    assert result.promote
