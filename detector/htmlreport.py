"""The page ``gracious evaluate --report`` writes: one self-contained HTML file, plots inline.

Nothing on the page loads from anywhere else (inline CSS, plots as base64 PNG), so it can be
mailed or archived as one file. Every subject, sender and path is escaped: they come from mail,
and mail is hostile input.

matplotlib is the optional ``gracious[report]`` extra and is imported only when a page is drawn,
so the rest of gracious neither needs nor loads it.
"""

from __future__ import annotations

import base64
import html
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sklearn.metrics import precision_recall_curve

from detector import __version__
from detector.errors import GraciousError
from detector.report import Evaluation

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

__all__ = ["MISSING_EXTRA", "render_report", "require_plotting", "write_report"]

MISSING_EXTRA = (
    "the HTML report needs the plotting extra (pip install 'gracious[report]'); nothing was written"
)

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1f; }
h1, h2 { line-height: 1.2; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; padding-bottom: .3rem;
     overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.misses td { overflow-wrap: anywhere; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
figure { margin: 1rem 0; }
figcaption { color: #555; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; white-space: pre-wrap; }
footer { margin-top: 3rem; color: #777; font-size: 13px; }
"""


def require_plotting() -> None:
    """Raise :class:`GraciousError` naming the extra when matplotlib cannot be imported.

    The CLI asks before it evaluates: a missing extra should cost a second, not a
    cross-validation, and leave nothing behind.
    """
    _matplotlib()


def render_report(
    evaluations: Sequence[Evaluation], *, card: str, model_version: str, threshold: float
) -> str:
    """The whole page: per evaluation its figures, confusion matrix, precision-recall curve and
    misclassified messages; then the model card (markdown, shown as it is)."""
    figure, canvas = _matplotlib()
    sections = [_section(ev, figure, canvas) for ev in evaluations]
    card_html = f"<pre>{_esc(card)}</pre>" if card.strip() else "<p>No model card was found.</p>"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>gracious evaluation, model {_esc(model_version)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<h1>gracious evaluation</h1>",
            f'<p>Model <code>{_esc(model_version)}</code> at threshold <span class="threshold">'
            f"{threshold:g}</span>: a message is called a rejection when its probability is at "
            "least this.</p>",
            *sections,
            '<section id="model-card">',
            "<h2>Model card</h2>",
            card_html,
            "</section>",
            f"<footer>Written by gracious {_esc(__version__)}.</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def write_report(path: Path, page: str) -> None:
    """Write ``page`` to ``path`` through a temporary file beside it, then replace.

    A failure leaves no half page, and an earlier report stays whole until the new one is
    complete. The file is private to the user (mkstemp's 0600): it lists subjects and senders.
    """
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise GraciousError(f"{path}: cannot write the report: {err.strerror or err}") from err
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(page)
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise GraciousError(f"{path}: cannot write the report: {err.strerror or err}") from err


def _matplotlib() -> tuple[type[Figure], type[FigureCanvasAgg]]:
    # The Agg canvas directly, never pyplot: no GUI backend, no global figures to leak or close.
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as err:
        raise GraciousError(MISSING_EXTRA) from err
    return Figure, FigureCanvasAgg


def _section(ev: Evaluation, figure: type[Figure], canvas: type[FigureCanvasAgg]) -> str:
    m = ev.metrics
    parts = [
        '<section class="evaluation">',
        f"<h2>{_esc(ev.title)}</h2>",
        '<table class="scores">',
        "<tr><th>precision</th><th>recall</th><th>F1</th><th>messages</th></tr>",
        f'<tr><td class="n precision">{m.precision:.3f}</td>'
        f'<td class="n recall">{m.recall:.3f}</td><td class="n f1">{m.f1:.3f}</td>'
        f'<td class="n count">{len(ev.mails)}</td></tr>',
        "</table>",
        '<table class="confusion">',
        f"<caption>Confusion matrix at threshold {ev.threshold:g} "
        "(rows: true, columns: predicted)</caption>",
        '<tr><td></td><th scope="col">rejection</th><th scope="col">not_rejection</th></tr>',
        f'<tr><th scope="row">rejection</th><td class="n tp">{m.tp}</td>'
        f'<td class="n fn">{m.fn}</td></tr>',
        f'<tr><th scope="row">not_rejection</th><td class="n fp">{m.fp}</td>'
        f'<td class="n tn">{m.tn}</td></tr>',
        "</table>",
        _curve(ev, figure, canvas),
        *_failed(ev),
        *_misses(ev),
        "</section>",
    ]
    return "\n".join(parts)


def _curve(ev: Evaluation, figure: type[Figure], canvas: type[FigureCanvasAgg]) -> str:
    """The precision-recall curve as an inline PNG, the operating point at the threshold marked."""
    labels = ev.labels
    if len(set(labels)) < 2:
        return "<p>No precision-recall curve: it needs both rejections and other mail.</p>"
    precision, recall, _ = precision_recall_curve(labels, list(ev.probabilities))
    m = ev.metrics
    point = f"threshold {ev.threshold:g}: precision {m.precision:.3f}, recall {m.recall:.3f}"
    fig = figure(figsize=(6, 4.5), dpi=100, layout="constrained")
    canvas(fig)
    ax = fig.add_subplot()
    ax.plot(recall, precision, drawstyle="steps-post", label="precision-recall curve")
    ax.plot([m.recall], [m.precision], "o", color="C3", markersize=8, label=point)
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    png = io.BytesIO()
    # No "Software" chunk, so the same figures give the same bytes.
    fig.savefig(png, format="png", metadata={"Software": None})
    data = base64.b64encode(png.getvalue()).decode("ascii")
    return (
        '<figure class="pr-curve">'
        f'<img src="data:image/png;base64,{data}" width="600" height="450" '
        f'alt="Precision-recall curve; the dot marks {point}">'
        f"<figcaption>Precision-recall curve over the held-out probabilities. The dot marks "
        f'the current <span class="operating-point">{point}</span>.</figcaption>'
        "</figure>"
    )


def _failed(ev: Evaluation) -> list[str]:
    if not ev.failed:
        return []
    return [
        f"<p>Could not parse {len(ev.failed)} files:</p>",
        '<ul class="failed">',
        *(f"<li>{_esc(str(path))}: {_esc(err)}</li>" for path, err in ev.failed),
        "</ul>",
    ]


def _misses(ev: Evaluation) -> list[str]:
    missed = ev.misclassified()
    if not missed:
        return ["<p>No message was misclassified.</p>"]
    rows = []
    for mail, p in missed:
        sender = mail.message.sender
        label = "rejection" if mail.label else "not_rejection"
        rows.append(
            '<tr class="miss">'
            f'<td class="subject">{_esc(mail.message.subject)}</td>'
            f'<td class="sender">{_esc(str(sender) if sender else "")}</td>'
            f'<td class="label">{label}</td>'
            f'<td class="n probability">{p:.2f}</td>'
            f'<td class="file">{_esc(mail.path.name)}</td>'
            "</tr>"
        )
    return [
        '<table class="misses">',
        f"<caption>Misclassified messages ({len(missed)})</caption>",
        "<tr><th>subject</th><th>sender</th><th>labeled</th><th>probability</th><th>file</th></tr>",
        *rows,
        "</table>",
    ]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
