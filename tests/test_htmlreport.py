"""``gracious evaluate --report``: one self-contained, escaped HTML page, or one clear error line.

A small labeled folder with ``--no-cv`` keeps these fast: no corpus cross-validation runs here.
Two files in it are labeled against their content, so the misclassified table is never empty.
"""

from __future__ import annotations

import base64
import html
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REJECTION_TEXT, invitation_mail, plain, rejection_mail

from detector.classifier import Model, classify_many
from detector.cli import main
from detector.corpus import LabeledMail
from detector.errors import GraciousError
from detector.evaluation import metrics
from detector.htmlreport import MISSING_EXTRA, render_report, write_report
from detector.message import parse
from detector.modelfile import shipped_dir
from detector.report import Evaluation, evaluate_labeled

HOSTILE_SUBJECT = '<script>alert("subject")</script> & more'
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def labeled(tmp_path: Path) -> Path:
    """Three clear mails per class, plus one of each filed under the wrong label."""
    root = tmp_path / "labeled"
    (root / "rejection").mkdir(parents=True)
    (root / "not_rejection").mkdir()
    for n in range(3):
        (root / "rejection" / f"r{n}.eml").write_bytes(rejection_mail(f"<r{n}@northwind-labs.com>"))
        (root / "not_rejection" / f"n{n}.eml").write_bytes(
            invitation_mail(f"<n{n}@northwind-labs.com>")
        )
    (root / "rejection" / "invitation.eml").write_bytes(invitation_mail("<inv@northwind-labs.com>"))
    (root / "not_rejection" / "hostile.eml").write_bytes(
        plain(
            REJECTION_TEXT,
            subject=HOSTILE_SUBJECT,
            sender=f'"{HOSTILE_NAME}" <evil@example.com>',
            message_id="<hostile@example.com>",
        )
    )
    return root


def _cells(page: str, name: str) -> list[str]:
    return re.findall(rf'<td class="(?:n )?{name}">(.*?)</td>', page)


def test_the_report_holds_the_figures_the_curve_and_exactly_the_misses(
    labeled: Path, tmp_path: Path, shipped_model: Model, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code = main(["evaluate", "--no-cv", "--labeled", str(labeled), "--report", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 0
    assert stderr == ""
    # The text is what it was without --report, then one line more.
    assert stdout == evaluate_labeled(labeled, shipped_model) + f"\nReport written to {out}\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    page = out.read_text(encoding="utf-8")

    # Self-contained: nothing to fetch, the plot inline.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "<link" not in page
    assert "<script" not in page
    (png,) = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert base64.b64decode(png).startswith(b"\x89PNG\r\n\x1a\n")

    # The figures are those of detector.evaluation for the same messages and model.
    mails = sorted(labeled.rglob("*.eml"))
    truth = {p.name: int(p.parent.name == "rejection") for p in mails}
    verdicts = classify_many(shipped_model, [parse(p.read_bytes()) for p in mails])
    m = metrics([truth[p.name] for p in mails], [v.is_rejection for v in verdicts])
    assert (m.tp, m.fn, m.fp, m.tn) == (3, 1, 1, 3)
    for name, value in (("tp", m.tp), ("fn", m.fn), ("fp", m.fp), ("tn", m.tn)):
        assert _cells(page, name) == [str(value)]
    assert _cells(page, "precision") == [f"{m.precision:.3f}"]
    assert _cells(page, "recall") == [f"{m.recall:.3f}"]
    assert _cells(page, "f1") == [f"{m.f1:.3f}"]

    # The operating point at the model's threshold is marked and named.
    point = (
        f"threshold {shipped_model.threshold:g}: precision {m.precision:.3f}, recall {m.recall:.3f}"
    )
    assert f'<span class="operating-point">{point}</span>' in page
    assert f'alt="Precision-recall curve; the dot marks {point}"' in page

    # Exactly the misclassified messages, each once, with subject, sender, label, probability.
    wrong = {
        p.name: v.probability
        for p, v in zip(mails, verdicts, strict=True)
        if v.is_rejection != bool(truth[p.name])
    }
    assert set(wrong) == {"hostile.eml", "invitation.eml"}
    assert sorted(_cells(page, "file")) == sorted(wrong)
    rows = dict(zip(_cells(page, "file"), _cells(page, "probability"), strict=True))
    assert rows == {name: f"{p:.2f}" for name, p in wrong.items()}
    assert _cells(page, "label") == ["not_rejection", "rejection"]
    assert "Interview invitation: Data Analyst" in _cells(page, "subject")

    # Hostile subjects and senders arrive as text, never as markup.
    assert html.escape(HOSTILE_SUBJECT) in _cells(page, "subject")
    assert f"{html.escape(HOSTILE_NAME)} &lt;evil@example.com&gt;" in _cells(page, "sender")
    assert HOSTILE_NAME not in page

    # The model card, as text.
    card = (shipped_dir() / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"<pre>{html.escape(card)}</pre>" in page


def _evaluation(rows: list[tuple[int, float]], *, threshold: float = 0.5) -> Evaluation:
    mails = tuple(
        LabeledMail(Path(f"m{n}.eml"), parse(plain("Hello", subject=f"mail {n}")), label)
        for n, (label, _) in enumerate(rows)
    )
    probs = tuple(p for _, p in rows)
    return Evaluation(
        title="made up",
        threshold=threshold,
        mails=mails,
        probabilities=probs,
        predictions=tuple(p >= threshold for p in probs),
    )


def test_render_report_counts_at_each_evaluations_threshold() -> None:
    ev = _evaluation([(1, 0.9), (1, 0.6), (1, 0.2), (0, 0.7), (0, 0.1)], threshold=0.65)
    page = render_report([ev], card="# Card <b>", model_version="v<1>", threshold=0.65)
    m = ev.metrics
    assert (m.tp, m.fn, m.fp, m.tn) == (1, 2, 1, 1)
    assert [_cells(page, c) for c in ("tp", "fn", "fp", "tn")] == [["1"], ["2"], ["1"], ["1"]]
    assert "threshold 0.65: precision 0.500, recall 0.333" in page
    assert sorted(_cells(page, "file")) == ["m1.eml", "m2.eml", "m3.eml"]
    assert "<pre># Card &lt;b&gt;</pre>" in page
    assert "<code>v&lt;1&gt;</code>" in page


def test_a_set_of_one_class_has_no_curve_and_no_card_is_said() -> None:
    page = render_report(
        [_evaluation([(0, 0.1), (0, 0.2)])], card="  \n", model_version="v", threshold=0.5
    )
    assert "No precision-recall curve: it needs both rejections and other mail." in page
    assert "data:image/png" not in page
    assert "No message was misclassified." in page
    assert "No model card was found." in page


def test_write_report_replaces_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("old", encoding="utf-8")
    write_report(path, "<p>new</p>\n")
    assert path.read_text(encoding="utf-8") == "<p>new</p>\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    missing = tmp_path / "nope" / "report.html"
    with pytest.raises(GraciousError, match=r"nope/report\.html: cannot write the report"):
        write_report(missing, "x")


def test_report_without_anything_to_evaluate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["evaluate", "--no-cv", "--report", str(out)]) == 1
    stdout, stderr = capsys.readouterr()
    assert (stdout, stderr) == (
        "",
        "Error: --report with --no-cv needs --labeled DIR: nothing to report on.\n",
    )
    assert not out.exists()


def test_a_missing_plotting_extra_keeps_an_earlier_report(
    labeled: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "report.html"
    out.write_text("the earlier report", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)  # import fails
    code = main(["evaluate", "--no-cv", "--labeled", str(labeled), "--report", str(out)])
    assert code == 1
    assert capsys.readouterr() == ("", f"Error: {MISSING_EXTRA}.\n")
    assert out.read_text(encoding="utf-8") == "the earlier report"


def test_a_missing_plotting_extra_gives_one_clear_line_and_no_file(
    labeled: Path, tmp_path: Path
) -> None:
    # The real command in a fresh interpreter, where "import matplotlib" fails as when not installed.
    fake = tmp_path / "no-matplotlib"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text(
        "raise ImportError(\"No module named 'matplotlib'\")\n", encoding="utf-8"
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.html"
    pythonpath = [str(fake), *filter(None, [os.environ.get("PYTHONPATH")])]
    command = [sys.executable, "-m", "detector", "evaluate", "--no-cv"]
    command += ["--labeled", str(labeled), "--report", str(out)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(pythonpath)},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ")
    assert "pip install 'gracious[report]'" in line
    assert line == f"Error: {MISSING_EXTRA}."
    assert not out.exists()
    assert list(out_dir.iterdir()) == []
