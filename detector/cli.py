"""The ``gracious`` command: the only place that prints, configures logging and picks exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from detector import __version__
from detector.classifier import Model, Verdict, classify_many
from detector.compose import compose
from detector.config import Config, load_config
from detector.corpus import iter_eml
from detector.errors import GraciousError, MessageError
from detector.facts import Facts, extract
from detector.message import Message, parse

__all__ = ["main"]

log = logging.getLogger("gracious")
BATCH = 256


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8", errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except GraciousError as err:
        return _fail(str(err), args.debug)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # the error boundary: one line, traceback only with --debug
        return _fail(f"unexpected {type(err).__name__}: {err}. Please report it", args.debug, 70)


def _fail(message: str, debug: bool, code: int = 1) -> int:
    if debug:
        log.exception("traceback")
    text = message.rstrip(".")
    hint = "" if debug else " (run with --debug for details)" if code == 70 else ""
    print(f"Error: {text}.{hint}", file=sys.stderr)
    return code


def _configure_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("mailparser").setLevel(logging.WARNING)
    # imapclient's DEBUG log is the protocol itself, drafts included: never bodies in our logs.
    logging.getLogger("imapclient").setLevel(logging.INFO)


def _parser() -> argparse.ArgumentParser:
    common = _common_options(suppress=False)
    # The same options after the command; SUPPRESS keeps them from resetting values given before it.
    sub_common = _common_options(suppress=True)
    parser = argparse.ArgumentParser(
        prog="gracious",
        description="Find job-application rejections in your mail and draft a gracious reply.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"gracious {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help_: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        p = sub.add_parser(name, help=help_, description=help_, parents=[sub_common])
        p.set_defaults(handler=handler)
        return p

    p = command("classify", "Say whether each message is a job-application rejection.", _classify)
    _paths_and_config(p)
    p = command(
        "draft", "Classify, extract the facts and render the reply draft (no mailbox).", _draft
    )
    _paths_and_config(p)
    p = command("train", "Fit the classifier on the shipped corpus and write models/.", _train)
    p.add_argument(
        "--out", type=Path, help="where to write the model (default: the shipped models/)"
    )
    p.add_argument(
        "--corpus", type=Path, help="labeled folder to train on (default: the shipped corpus)"
    )
    p.add_argument("--no-cv", action="store_true", help="skip the cross-validated figures")
    p = command(
        "evaluate", "Cross-validated figures on the corpus, and on a labeled folder.", _evaluate
    )
    p.add_argument(
        "--labeled",
        type=Path,
        metavar="DIR",
        help="folder with rejection/*.eml, not_rejection/*.eml and optional labels.jsonl",
    )
    p.add_argument(
        "--corpus", type=Path, help="labeled folder to cross-validate (default: shipped corpus)"
    )
    p.add_argument("--no-cv", action="store_true", help="skip cross-validation on the corpus")
    p.add_argument(
        "--misses", action="store_true", help="list misclassified files and extraction misses"
    )
    p.add_argument("-c", "--config", type=Path, help="config file (for the threshold)")
    p.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="also write a self-contained HTML page: figures, precision-recall curve, "
        "misclassified messages, model card (needs: pip install 'gracious[report]')",
    )
    p = command(
        "run", "One pass over every configured mailbox: save a draft per new rejection.", _run
    )
    p.add_argument("--once", action="store_true", help="one pass, then exit (the default)")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p.add_argument("--dry-run", action="store_true", help="say what would be saved; write nothing")
    back = p.add_mutually_exclusive_group()
    back.add_argument(
        "--since",
        type=_since,
        metavar="DAYS|YYYY-MM-DD",
        help="look back this far instead of since_days (a backfill on purpose)",
    )
    back.add_argument("--all", action="store_true", help="look at every message, however old")
    p = command("daemon", "Watch every mailbox: scheduled passes, woken by IMAP IDLE.", _daemon)
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p.add_argument(
        "--log-format", choices=("text", "json"), default="text", help="json: one object per line"
    )
    p.add_argument(
        "--print-systemd-unit",
        action="store_true",
        help="print a systemd user unit that runs this daemon, then exit",
    )
    p = command("doctor", "Check config, credentials, connection, folders and model.", _doctor)
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    _teaching_commands(command)
    return parser


def _teaching_commands(
    command: Callable[[str, str, Callable[[argparse.Namespace], int]], Any],
) -> None:
    """review, show, label, retrain and models: the user looks, labels and teaches."""
    p = command("review", "What gracious saw and did, newest first.", _review)
    p.add_argument("--since", type=int, metavar="DAYS", help="only the last DAYS days")
    p.add_argument(
        "--uncertain", action="store_true", help="only the uncertain band, asking for a label"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per message per line")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p = command("show", "One message: its facts, why it was classified so, its draft.", _show)
    p.add_argument("key", metavar="KEY", help="a reference from `gracious review`, or a Message-ID")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p = command(
        "label",
        "Tell gracious whether a message is a rejection; a new label replaces the old one.",
        _label,
    )
    p.add_argument("key", metavar="KEY", nargs="?", help="a reference from `gracious review`")
    p.add_argument("verdict", nargs="?", choices=LABELS, help="rejection or not-rejection")
    p.add_argument(
        "--import",
        dest="import_path",
        type=Path,
        metavar="PATH",
        help="label every message in a folder of .eml files, an mbox or a Maildir",
    )
    p.add_argument("--as", dest="import_as", choices=LABELS, help="the label for --import")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p = command(
        "retrain",
        "Retrain on the corpus and your labels; the new model goes live only if not worse.",
        _retrain,
    )
    p.add_argument(
        "--force", action="store_true", help="promote the candidate even if the gate refuses it"
    )
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p = command(
        "stats", "Rejections per week and month, by stage, time to decision, notes.", _stats
    )
    p.add_argument("--json", action="store_true", help="the figures as one JSON object")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p = command("digest", "Print the weekly reflection note for a week (saves nothing).", _digest)
    p.add_argument(
        "--week", metavar="YYYY-Www", help="the ISO week, e.g. 2026-W47 (default: last week)"
    )
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")
    p = command("models", "List the model versions; `models use VERSION` rolls back.", _models)
    p.add_argument("action", nargs="?", choices=("list", "use"), default="list")
    p.add_argument("version", nargs="?", metavar="VERSION", help="for `use`: the version")
    p.add_argument("--json", action="store_true", help="one JSON object per model per line")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's)")


def _since(value: str) -> date:
    """``--since 90`` (days) or ``--since 2026-01-31``."""
    try:
        if value.isdigit():
            return (datetime.now(UTC) - timedelta(days=int(value))).date()
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither a number of days nor a date"
        ) from None


def _common_options(*, suppress: bool) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    count_default: Any = argparse.SUPPRESS if suppress else 0
    flag_default: Any = argparse.SUPPRESS if suppress else False
    common.add_argument(
        "-v", "--verbose", action="count", default=count_default, help="more log output (-vv)"
    )
    common.add_argument(
        "--debug", action="store_true", default=flag_default, help="show tracebacks of errors"
    )
    return common


def _paths_and_config(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="an .eml file, or a folder searched recursively for *.eml",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per message per line")
    p.add_argument("-c", "--config", type=Path, help="config file (default: the user's, if any)")


# --- classify and draft ------------------------------------------------------------------------


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if not path.exists():
            yield path  # reported as an error row, the run goes on
        else:
            yield from iter_eml(path)


def _parsed(paths: Sequence[Path]) -> Iterator[tuple[Path, Message | str]]:
    for path in _files(paths):
        try:
            yield path, parse(path.read_bytes())
        except MessageError as err:
            yield path, str(err)
        except OSError as err:
            yield path, f"cannot read file: {err.strerror or err}"


def _batches(paths: Sequence[Path]) -> Iterator[list[tuple[Path, Message | str]]]:
    batch: list[tuple[Path, Message | str]] = []
    for item in _parsed(paths):
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _scored(
    model: Model, paths: Sequence[Path]
) -> Iterator[tuple[Path, Message | str, Verdict | None]]:
    for batch in _batches(paths):
        messages = [m for _, m in batch if isinstance(m, Message)]
        verdicts = iter(classify_many(model, messages))
        for path, item in batch:
            yield path, item, next(verdicts) if isinstance(item, Message) else None


def _model(config: Config) -> Model:
    from detector.service import active_model  # noqa: PLC0415 - keeps `gracious --help` fast

    return active_model(config)


def _classify(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    model = _model(config)
    out = sys.stdout
    for path, item, verdict in _scored(model, args.paths):
        if verdict is None:
            _emit(out, args.json, {"path": str(path), "error": str(item)}, f"{path}: error: {item}")
            continue
        row = {
            "path": str(path),
            "rejection": verdict.is_rejection,
            "probability": verdict.probability,
        }
        label = "rejection" if verdict.is_rejection else "not a rejection"
        _emit(out, args.json, row, f"{path}: {label} (p={verdict.probability:.2f})")
    return 0


def _draft(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.identity.is_placeholder:
        print(
            "Note: using the placeholder identity [Your Name] <your.name@example.invalid>; "
            "set [identity] name and email in your config.",
            file=sys.stderr,
        )
    model = _model(config)
    now = datetime.now(UTC)
    out = sys.stdout
    for path, item, verdict in _scored(model, args.paths):
        if verdict is None or not isinstance(item, Message):
            _emit(out, args.json, {"path": str(path), "error": str(item)}, f"{path}: error: {item}")
            continue
        try:
            row = _draft_row(path, item, verdict, config, now)
        except GraciousError:
            raise  # a broken template or config: one clear line, not a row per message
        except Exception as err:  # hostile input must not stop the run; report it on its row
            log.debug("drafting %s failed", path, exc_info=True)
            row = {"path": str(path), "error": f"internal error: {type(err).__name__}: {err}"}
            _emit(out, args.json, row, f"{path}: error: {row['error']}")
            continue
        _emit(out, args.json, row, _readable_draft(row))
    return 0


def _draft_row(
    path: Path, message: Message, verdict: Verdict, config: Config, now: datetime
) -> dict[str, Any]:
    facts: Facts = extract(message)
    draft = None
    if verdict.is_rejection:
        reply = compose(message, facts, config, now=now)
        body = reply.get_content()
        draft = {
            "to": str(reply.get("To", "")),
            "subject": str(reply["Subject"]),
            "in_reply_to": reply.get("In-Reply-To"),
            "references": reply.get("References"),
            "message_id": str(reply["Message-ID"]),
            "body": body,
        }
    return {
        "path": str(path),
        "rejection": verdict.is_rejection,
        "probability": verdict.probability,
        "company": facts.company,
        "position": facts.position,
        "contact_name": facts.contact_name,
        "reply_to": facts.reply_to,
        "interviewed": facts.interviewed,
        "language": facts.language,
        "draft": draft,
    }


def _readable_draft(row: dict[str, Any]) -> str:
    head = f"{row['path']}: " + (
        f"rejection (p={row['probability']:.2f})"
        if row["rejection"]
        else f"not a rejection (p={row['probability']:.2f}), no draft"
    )
    draft = row["draft"]
    if not draft:
        return head
    facts = ", ".join(
        f"{k}={row[k]!r}"
        for k in ("company", "position", "contact_name", "interviewed", "language")
    )
    to = draft["to"] or "(nobody found: fill in the recipient)"
    return (
        f"{head}\n  facts: {facts}\n"
        f"  To: {to}\n  Subject: {draft['subject']}\n\n"
        + "\n".join("    " + line if line else "" for line in draft["body"].splitlines())
        + "\n"
    )


def _emit(out: TextIO, as_json: bool, row: dict[str, Any], text: str) -> None:
    out.write((json.dumps(row, ensure_ascii=False) if as_json else text) + "\n")


# --- train and evaluate ------------------------------------------------------------------------


def _train(args: argparse.Namespace) -> int:
    from detector.build import train_from_corpus  # noqa: PLC0415
    from detector.modelfile import shipped_dir  # noqa: PLC0415

    out = args.out or shipped_dir()
    model = train_from_corpus(out, corpus=args.corpus, cross_validate=not args.no_cv)
    meta = model.metadata
    print(f"Trained model {model.version} on {meta['corpus_counts']} -> {out}")
    cv = meta.get("cross_validation")
    if cv:
        print(
            f"Grouped 5-fold CV: precision {cv['precision']:.3f}  recall {cv['recall']:.3f}  "
            f"F1 {cv['f1']:.3f}"
        )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from detector.report import (  # noqa: PLC0415
        cross_validate_corpus,
        format_evaluation,
        score_labeled,
    )

    if args.report:
        from detector.htmlreport import require_plotting  # noqa: PLC0415

        if args.no_cv and not args.labeled:
            raise GraciousError("--report with --no-cv needs --labeled DIR: nothing to report on")
        require_plotting()  # before the cross-validation, not minutes after it
    config = load_config(args.config)
    model = _model(config)
    evaluations = []
    if not args.no_cv:
        evaluations.append(cross_validate_corpus(args.corpus, threshold=model.threshold))
        print(format_evaluation(evaluations[-1], misses=args.misses))
    if args.labeled:
        if not args.no_cv:
            print()
        evaluations.append(score_labeled(args.labeled, model))
        print(format_evaluation(evaluations[-1], misses=args.misses))
    if args.report:
        from detector.htmlreport import render_report, write_report  # noqa: PLC0415

        page = render_report(
            evaluations,
            card=_model_card(model),
            model_version=model.version,
            threshold=model.threshold,
        )
        write_report(args.report, page)
        print(f"Report written to {args.report}")
    return 0


def _model_card(model: Model) -> str:
    """The model card beside the model; a report without one beats no report."""
    from detector.modelfile import shipped_dir  # noqa: PLC0415

    card_path = model.metadata.get("card_path")
    path = Path(card_path) if card_path else shipped_dir() / "MODEL_CARD.md"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        log.warning("no model card for the report: %s: %s", path, err)
        return ""


# --- mailboxes ---------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    from detector.runner import PassOptions  # noqa: PLC0415 - keeps `gracious --help` fast
    from detector.service import run_once  # noqa: PLC0415

    config = load_config(args.config)
    options = PassOptions(
        dry_run=args.dry_run, since=args.since, everything=args.all, progress=True
    )
    summary = run_once(config, options)
    for block in (*summary.planned, *summary.saved):
        print(block + "\n")
    print(("Dry run: " if args.dry_run else "") + summary.line(dry_run=args.dry_run))
    return 1 if summary.errors else 0


def _daemon(args: argparse.Namespace) -> int:
    if args.print_systemd_unit:
        print(systemd_unit(args.config), end="")
        return 0
    from detector.daemon import Daemon  # noqa: PLC0415

    level = logging.DEBUG if args.verbose > 0 else logging.INFO
    root = logging.getLogger()
    root.setLevel(level)
    if args.log_format == "json":
        for handler in root.handlers:
            handler.setFormatter(_JsonFormatter())
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return Daemon(args.config).run()


def _doctor(args: argparse.Namespace) -> int:
    from detector.doctor import diagnose  # noqa: PLC0415

    failed = 0
    for finding in diagnose(args.config):
        print(finding.line(), flush=True)
        failed += not finding.ok
    print("All checks passed." if not failed else f"{failed} problem(s) found.")
    return 1 if failed else 0


# --- review and teaching ------------------------------------------------------------------------

LABELS = ("rejection", "not-rejection")


def _review(args: argparse.Namespace) -> int:
    from detector.labels import LabelStore  # noqa: PLC0415
    from detector.review import review_rows, review_table  # noqa: PLC0415
    from detector.state import Journal  # noqa: PLC0415

    config = load_config(args.config)
    path = config.state.resolved()
    if not path.is_file():
        print(f"Nothing to review yet: no journal at {path}. Run `gracious run --once` first.")
        return 0
    try:
        since = datetime.now(UTC) - timedelta(days=args.since) if args.since is not None else None
    except OverflowError:
        raise GraciousError(f"--since {args.since}: too many days") from None
    journal = Journal(path, readonly=True)
    try:
        records = journal.records(since=since)
    finally:
        journal.close()
    with LabelStore(config.state.data_dir()) as store:
        labels = store.verdicts()
    rows = review_rows(records, labels, uncertain=args.uncertain)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if not rows:
        print("Nothing uncertain to label." if args.uncertain else "Nothing to review.")
        return 0
    print(review_table(rows))
    if args.uncertain:
        print("\nLabel them: gracious label REF rejection|not-rejection")
    return 0


def _journal_records(config: Config, *, since: datetime | None = None) -> list[Any]:
    """Every record in the journal (read-only), none when there is no journal yet."""
    from detector.state import Journal  # noqa: PLC0415

    path = config.state.resolved()
    if not path.is_file():
        return []
    journal = Journal(path, readonly=True)
    try:
        return journal.records(since=since)
    finally:
        journal.close()


def _stats(args: argparse.Namespace) -> int:
    from detector.stats import format_stats, search_stats  # noqa: PLC0415

    config = load_config(args.config)
    records = _journal_records(config)
    stats = search_stats(records)
    print(json.dumps(stats, ensure_ascii=False) if args.json else format_stats(stats))
    return 0


def _digest(args: argparse.Namespace) -> int:
    from detector.runner import describe_draft  # noqa: PLC0415
    from detector.weekly import iso_week, last_week, render_weekly_note, weekly_context  # noqa: PLC0415

    config = load_config(args.config)
    now = datetime.now(UTC)
    try:
        week = iso_week(args.week) if args.week else last_week(now.date())
    except (ValueError, OverflowError):
        raise GraciousError(f"{args.week!r} is not an ISO week like 2026-W47") from None
    records = _journal_records(config)
    context = weekly_context(config, records, week=week, now=now)
    if context is None:
        print(f"Nothing to reflect on for {week[0]}: no rejections, no notes waiting, no answers.")
        return 0
    print(describe_draft(render_weekly_note(config, context)))
    return 0


def _show(args: argparse.Namespace) -> int:
    from detector.labels import LabelStore  # noqa: PLC0415
    from detector.review import show_text  # noqa: PLC0415
    from detector.runner import describe_draft  # noqa: PLC0415
    from detector.teaching import fetch_recorded, find_record  # noqa: PLC0415

    config = load_config(args.config)
    record = find_record(config, args.key)
    with LabelStore(config.state.data_dir()) as store:
        known = store.get(record.key)
    why: list[str]
    try:
        raw = known.raw if known is not None else fetch_recorded(config, record)
        why = _why(config, raw)
    except GraciousError as err:
        why = [f"  cannot explain it without the message: {err}"]
    draft = describe_draft(record.draft) if record.draft else None
    label = None if known is None else known.rejection
    print(show_text(record, label=label, why=why, draft=draft))
    return 0


def _why(config: Config, raw: bytes) -> list[str]:
    from detector.explain import explain, format_explanation  # noqa: PLC0415

    model = _model(config)
    lines = [f"  (the phrases that weighed most with model {model.version})"]
    return lines + ["  " + line for line in format_explanation(explain(model, parse(raw)))]


def _label(args: argparse.Namespace) -> int:
    from detector.teaching import import_labels, label_record  # noqa: PLC0415

    config = load_config(args.config)
    if args.import_path is not None:
        if args.key or args.verdict or args.import_as is None:
            raise GraciousError(
                "use either `gracious label KEY rejection|not-rejection` or "
                "`gracious label --import PATH --as rejection|not-rejection`"
            )
        result = import_labels(config, args.import_path, args.import_as == "rejection")
        for problem in result.skipped:
            print(f"skipped: {problem}", file=sys.stderr)
        print(
            f"Labeled {result.labeled} messages from {args.import_path} as {args.import_as}"
            + (f" ({result.replaced} relabeled)" if result.replaced else "")
            + (f"; {len(result.skipped)} skipped" if result.skipped else "")
        )
        return 0
    if not args.key or not args.verdict:
        raise GraciousError(
            "say which message and how: `gracious label KEY rejection|not-rejection` "
            "(references are in `gracious review`)"
        )
    label = label_record(config, args.key, args.verdict == "rejection")
    print(f"Labeled {label.key} as {args.verdict}.")
    return 0


def _retrain(args: argparse.Namespace) -> int:
    from detector.teaching import retrain  # noqa: PLC0415

    config = load_config(args.config)
    result = retrain(config, force=args.force)
    for line in result.lines():
        print(line)
    return 0 if result.promoted else 3


def _models(args: argparse.Namespace) -> int:
    from detector.registry import ModelRegistry  # noqa: PLC0415
    from detector.teaching import model_rows  # noqa: PLC0415

    config = load_config(args.config)
    if args.action == "use":
        if not args.version:
            raise GraciousError("say which version: `gracious models use VERSION`")
        registry = ModelRegistry(config.state.data_dir())
        before = registry.active_version()
        try:
            model = registry.activate(args.version)
        except GraciousError as err:
            raise GraciousError(f"{err}; model {before} stays active") from err
        print(f"Model {model.version} is now active (it was {before}).")
        return 0
    rows = model_rows(config)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    print(
        f"  {'VERSION':<24}{'CREATED':<18}{'CORPUS':>7}{'LABELS':>7}{'P':>7}{'R':>7}{'F1':>7}  HOW"
    )
    for row in rows:
        figures = "".join(
            f"{row[k]:>7.3f}" if isinstance(row[k], int | float) else f"{'-':>7}"
            for k in ("precision", "recall", "f1")
        )
        mark = "*" if row["active"] else " "
        how = row["problem"] or row["promotion"]
        print(
            f"{mark} {row['version']:<24}{row['created']:<18}{row['corpus']:>7}{row['labels']:>7}"
            f"{figures}  {how}"
        )
    print("\n* active. P, R, F1: held-out figures when the model was made.")
    return 0


class _JsonFormatter(logging.Formatter):
    """One JSON object per log line, for journald and log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def systemd_unit(config: Path | None) -> str:
    """A systemd user unit for this installation: this Python, this config, journald logging."""
    command = [sys.executable, "-m", "detector", "daemon"]
    if config is not None:
        command += ["-c", str(config.resolve())]
    return f"""[Unit]
Description=gracious: drafts a gracious reply to every job-application rejection
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart={" ".join(shlex.quote(part) for part in command)}
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=30
# SIGTERM lets gracious finish the message it is on; give it time.
TimeoutStopSec=60

[Install]
WantedBy=default.target
"""
