"""detector.evaluation: confusion counts, scores, their text, and extraction accuracy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import plain

from detector.corpus import LabeledMail
from detector.evaluation import (
    FIELDS,
    FieldScore,
    Metrics,
    extraction_scores,
    format_metrics,
    metrics,
    same,
)
from detector.facts import Facts
from detector.message import parse


def test_metrics_counts_each_cell() -> None:
    m = metrics([1, 1, 1, 0, 0, 0, 0], [True, True, False, True, False, False, False])
    assert m == Metrics(tp=2, fp=1, fn=1, tn=3)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)


def test_metrics_with_different_precision_and_recall() -> None:
    m = metrics([1, 1, 1, 1, 0], [True, False, False, False, False])
    assert m == Metrics(tp=1, fp=0, fn=3, tn=1)
    assert (m.precision, m.recall) == (1.0, 0.25)
    assert m.f1 == pytest.approx(0.4)


def test_metrics_without_positives_are_zero_not_an_error() -> None:
    m = metrics([0, 0], [False, False])
    assert m == Metrics(tp=0, fp=0, fn=0, tn=2)
    assert (m.precision, m.recall, m.f1) == (0.0, 0.0, 0.0)
    assert metrics([], []) == Metrics(0, 0, 0, 0)


def test_metrics_refuse_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="zip"):
        metrics([1, 0], [True])


def test_as_dict_rounds_to_four_places() -> None:
    assert Metrics(tp=2, fp=1, fn=1, tn=3).as_dict() == {
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
        "confusion": {"tp": 2, "fp": 1, "fn": 1, "tn": 3},
    }


def test_format_metrics() -> None:
    assert format_metrics("Held-out", Metrics(tp=12, fp=3, fn=1, tn=140)) == (
        "Held-out\n"
        "  precision 0.800  recall 0.923  F1 0.857\n"
        "  confusion matrix (rows: true, columns: predicted)\n"
        "                    rejection  not_rejection\n"
        "    rejection              12              1\n"
        "    not_rejection           3            140"
    )


@pytest.mark.parametrize(
    ("correct", "total", "accuracy"), [(3, 4, 0.75), (0, 5, 0.0), (0, 0, 0.0), (2, 2, 1.0)]
)
def test_field_score_accuracy(correct: int, total: int, accuracy: float) -> None:
    assert FieldScore("company", correct, total).accuracy == accuracy


@pytest.mark.parametrize(
    ("name", "want", "got", "match"),
    [
        ("company", "Medienhaus Nordlicht GmbH & Co. KG", "Medienhaus Nordlicht", True),
        ("company", "The Acme Corporation", "acme", True),
        ("company", "Acme Ltd.", "ACME", True),
        ("company", "Acme (Berlin)", "Acme", True),
        ("company", "Acme", "Acme Labs", False),
        ("company", "Ltd", "Ltd", True),
        ("position", "Data Analyst (m/w/d)", "data analyst", True),
        ("position", "Senior Data-Analyst", "senior data-analyst", True),
        ("position", "Data Analyst", "Data Scientist", False),
        ("position", "Café Manager", "CAFÉ MANAGER", True),
        ("contact_name", "Anna Berg", "anna  berg", True),
        ("reply_address", "Jobs@Acme.example ", "jobs@acme.example", True),
        ("reply_address", "jobs@acme.example", "hr@acme.example", False),
        ("interviewed", True, True, True),
        ("interviewed", False, True, False),
        ("interviewed", True, "true", False),
        ("company", None, None, True),
        ("company", None, "Acme", False),
        ("company", "Acme", None, False),
        ("language", "de", "de", True),
        ("language", "de", "en", False),
    ],
)
def test_same(name: str, want: Any, got: Any, match: bool) -> None:
    assert same(name, want, got) is match


def _labeled(name: str, truth: dict[str, Any]) -> LabeledMail:
    message = parse(plain("We will not proceed.", message_id=f"<{name}@example.org>"))
    return LabeledMail(Path("rejection") / name, message, 1, truth)


def test_extraction_scores_count_only_labeled_fields() -> None:
    rows = [
        (
            _labeled("a.eml", {"company": "Acme GmbH", "position": "Analyst", "interviewed": True}),
            Facts("Acme", "Data Analyst", None, None, True, "en"),
        ),
        (
            _labeled("b.eml", {"company": "Birch", "reply_address": None, "language": "de"}),
            Facts("Birch Ltd", None, None, "jobs@birch.example", None, "de"),
        ),
    ]
    scores, misses = extraction_scores(rows)
    assert scores == [
        FieldScore("company", 2, 2),
        FieldScore("position", 0, 1),
        FieldScore("contact_name", 0, 0),
        FieldScore("reply_address", 0, 1),
        FieldScore("interviewed", 1, 1),
        FieldScore("language", 1, 1),
    ]
    assert misses == [
        ("a.eml", "position", "Analyst", "Data Analyst"),
        ("b.eml", "reply_address", None, "jobs@birch.example"),
    ]
    assert [s.field for s in scores] == list(FIELDS)


def test_extraction_scores_of_nothing() -> None:
    scores, misses = extraction_scores([])
    assert scores == [FieldScore(f, 0, 0) for f in FIELDS]
    assert misses == []


def test_choose_threshold_maximises_f1_on_held_out_probabilities() -> None:
    from detector.evaluation import choose_threshold  # noqa: PLC0415

    labels = [1, 1, 1, 1, 0, 0, 0, 0]
    probs = [0.95, 0.9, 0.72, 0.62, 0.58, 0.4, 0.2, 0.1]
    # 0.60 separates them exactly; 0.55 lets one non-rejection in, 0.65 loses a rejection.
    assert choose_threshold(labels, probs) == 0.6
    # Every threshold from 0.45 to 0.65 gives the same F1 here: the tie goes to 0.5.
    assert choose_threshold([1, 1, 0], [0.9, 0.7, 0.4]) == 0.5
    assert choose_threshold([0, 0], [0.1, 0.2]) == 0.5  # nothing to find: the default


def test_company_match_ignores_dotted_legal_forms() -> None:
    from detector.evaluation import same  # noqa: PLC0415

    assert same("company", "Conservas Albora", "Conservas Albora S.L.")
    assert same("company", "Vandermeer B.V.", "Vandermeer")
    assert not same("company", "Conservas Albora", "Conservas del Norte S.L.")
