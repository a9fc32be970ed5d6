"""The gracious command: output contracts, the error boundary, help, and the installed entry points."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import invitation_mail, plain, rejection_mail

from detector import __version__
from detector.classifier import classify_many
from detector.cli import main
from detector.config import PLACEHOLDER_EMAIL, load_config
from detector.corpus import corpus_hash
from detector.errors import ConfigError
from detector.message import parse
from detector.modelfile import read_model, shipped_dir
from drafts import reply_message_id

NO_HEADERS = "no mail headers found (no From, To, Subject, Date or Message-ID)"
PLACEHOLDER_NOTE = (
    "Note: using the placeholder identity [Your Name] <your.name@example.invalid>; "
    "set [identity] name and email in your config.\n"
)
DRAFT_ROW_KEYS = {
    "path",
    "rejection",
    "probability",
    "company",
    "position",
    "contact_name",
    "reply_to",
    "interviewed",
    "language",
    "draft",
}
DRAFT_KEYS = {"to", "subject", "in_reply_to", "references", "message_id", "body"}
COMMANDS = [
    "classify",
    "draft",
    "train",
    "evaluate",
    "run",
    "daemon",
    "doctor",
    "review",
    "show",
    "label",
    "retrain",
    "stats",
    "digest",
    "models",
]


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    """A folder with a clear rejection, a clear non-rejection, garbage and a non-.eml file."""
    folder = tmp_path / "mail"
    (folder / "nested").mkdir(parents=True)
    (folder / "rejection.eml").write_bytes(rejection_mail())
    (folder / "nested" / "invitation.eml").write_bytes(invitation_mail())
    (folder / "garbage.eml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR garbage")
    (folder / "readme.txt").write_text("not mail", encoding="utf-8")
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def rows(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def by_name(parsed: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(row["path"]).name: row for row in parsed}


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- classify -----------------------------------------------------------------------------------


def test_classify_json_rows(mail_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["classify", "--json", str(mail_dir)], capsys)
    assert code == 0
    assert err == ""
    parsed = rows(out)
    assert [Path(r["path"]).relative_to(mail_dir).as_posix() for r in parsed] == [
        "garbage.eml",
        "nested/invitation.eml",
        "rejection.eml",
    ]
    found = by_name(parsed)
    assert found["garbage.eml"] == {"path": str(mail_dir / "garbage.eml"), "error": NO_HEADERS}
    for name, rejection in (("rejection.eml", True), ("invitation.eml", False)):
        row = found[name]
        assert set(row) == {"path", "rejection", "probability"}
        assert row["rejection"] is rejection
        assert isinstance(row["probability"], float)
        assert 0.0 <= row["probability"] <= 1.0
    assert found["rejection.eml"]["probability"] >= 0.5 > found["invitation.eml"]["probability"]


def test_classify_reports_a_missing_path_and_goes_on(
    mail_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.eml"
    code, out, err = run(
        ["classify", "--json", str(missing), str(mail_dir / "rejection.eml")], capsys
    )
    assert code == 0
    assert err == ""
    first, second = rows(out)
    assert first == {"path": str(missing), "error": "cannot read file: No such file or directory"}
    assert second["path"] == str(mail_dir / "rejection.eml")
    assert second["rejection"] is True


def test_classify_text_output(mail_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out_json, _ = run(["classify", "--json", str(mail_dir)], capsys)
    found = by_name(rows(out_json))
    code, out, err = run(["classify", str(mail_dir)], capsys)
    assert code == 0
    assert err == ""
    p_rej = found["rejection.eml"]["probability"]
    p_inv = found["invitation.eml"]["probability"]
    assert out.splitlines() == [
        f"{mail_dir / 'garbage.eml'}: error: {NO_HEADERS}",
        f"{mail_dir / 'nested' / 'invitation.eml'}: not a rejection (p={p_inv:.2f})",
        f"{mail_dir / 'rejection.eml'}: rejection (p={p_rej:.2f})",
    ]


def test_classify_uses_the_configured_threshold(
    mail_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "[detector]\nthreshold = 0.999999\n")
    _, out, _ = run(
        ["classify", "--json", "-c", str(config), str(mail_dir / "rejection.eml")], capsys
    )
    (row,) = rows(out)
    assert row["rejection"] is (row["probability"] >= 0.999999)


# --- draft --------------------------------------------------------------------------------------


def test_draft_json_rows(mail_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["draft", "--json", str(mail_dir)], capsys)
    assert code == 0
    assert err == PLACEHOLDER_NOTE
    found = by_name(rows(out))
    assert found["garbage.eml"] == {"path": str(mail_dir / "garbage.eml"), "error": NO_HEADERS}

    invitation = found["invitation.eml"]
    assert set(invitation) == DRAFT_ROW_KEYS
    assert invitation["rejection"] is False
    assert invitation["draft"] is None

    rejection = found["rejection.eml"]
    assert set(rejection) == DRAFT_ROW_KEYS
    assert rejection["rejection"] is True
    assert rejection["language"] == "en"
    assert rejection["reply_to"] == "anna.berg@northwind-labs.com"
    draft = rejection["draft"]
    assert set(draft) == DRAFT_KEYS
    assert draft["to"] == rejection["reply_to"]
    assert draft["subject"] == "Re: Your application for Data Analyst"
    assert draft["in_reply_to"] == "<rej-1@northwind-labs.com>"
    assert draft["references"] == "<rej-1@northwind-labs.com>"
    assert draft["message_id"] == reply_message_id("<rej-1@northwind-labs.com>", PLACEHOLDER_EMAIL)
    assert draft["body"].endswith("\n[Your Name]\n")
    assert "None" not in draft["body"]
    for key in ("company", "position", "contact_name", "reply_to"):
        assert rejection[key] is None or isinstance(rejection[key], str)
    assert rejection["interviewed"] in (True, False, None)


def test_draft_with_a_real_identity_and_tone(
    mail_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "reply.en.txt.j2").write_text(
        "Thank you, {{ tone }} reply.\n{{ sender_name }}\n", encoding="utf-8"
    )
    config = write_config(
        tmp_path,
        '[identity]\nname = "Sam Keller"\nemail = "sam@example.org"\n\n'
        '[drafts]\ntone = "brief"\ntemplates_dir = "tpl"\n',
    )
    code, out, err = run(
        ["draft", "--json", "-c", str(config), str(mail_dir / "rejection.eml")], capsys
    )
    assert code == 0
    assert err == ""
    (row,) = rows(out)
    assert row["draft"]["body"] == "Thank you, brief reply.\nSam Keller\n"
    assert row["draft"]["message_id"] == reply_message_id(
        "<rej-1@northwind-labs.com>", "sam@example.org"
    )


def test_draft_text_output(mail_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["draft", str(mail_dir / "rejection.eml"), str(mail_dir / "nested")], capsys
    )
    assert code == 0
    assert err == PLACEHOLDER_NOTE
    lines = out.splitlines()
    assert re.fullmatch(
        re.escape(f"{mail_dir / 'rejection.eml'}: rejection (p=") + r"[01]\.\d\d\)", lines[0]
    )
    assert lines[1].startswith("  facts: company=")
    assert lines[2] == "  To: anna.berg@northwind-labs.com"
    assert lines[3] == "  Subject: Re: Your application for Data Analyst"
    assert "    [Your Name]" in lines
    assert re.fullmatch(
        re.escape(f"{mail_dir / 'nested' / 'invitation.eml'}: not a rejection (p=")
        + r"0\.\d\d\), no draft",
        lines[-1],
    )


def test_draft_of_hostile_input_keeps_headers_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = plain(
        "Dear Sam,\n\nThank you for your application. Unfortunately we have decided not to move "
        "forward with your application and have chosen another candidate.\n\n"
        "Best regards,\nAnna Berg",
        subject="=?utf-8?q?Your_application=0D=0ABcc=3A_x=40evil=2Etest?=",
        sender="=?utf-8?q?Anna_Berg=0D=0ABcc=3A_x=40evil=2Etest?= <anna.berg@northwind-labs.com>",
        message_id="<evil-1@northwind-labs.com>",
    )
    path = tmp_path / "evil.eml"
    path.write_bytes(raw)
    code, out, _ = run(["draft", "--json", str(path)], capsys)
    assert code == 0
    (row,) = rows(out)
    assert row["rejection"] is True
    draft = row["draft"]
    for key in ("to", "subject", "in_reply_to", "references", "message_id"):
        assert draft[key] is None or not re.search(r"[\r\n]", draft[key])
    assert draft["subject"] == "Re: Your application Bcc: x@evil.test"


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["classify", "draft"])
@pytest.mark.parametrize(
    "case",
    [
        ("[drafts]\ntone = 5\n", "drafts.tone must be a string, got int"),
        ("[identity\n", "not valid TOML"),
        ("[detector]\nthreshold = 2\n", "detector.threshold must be between 0 and 1 (exclusive)"),
        ("surprise = 1\n", "unknown key surprise"),
    ],
    ids=["wrong type", "bad toml", "bad threshold", "unknown key"],
)
def test_broken_config_is_one_error_line(
    command: str,
    case: tuple[str, str],
    mail_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text, message = case
    config = write_config(tmp_path, text)
    code, out, err = run([command, "--json", "-c", str(config), str(mail_dir)], capsys)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"Error: {config}: {message}")
    assert err.endswith(".\n")
    assert "Traceback" not in err


def test_missing_config_file(
    mail_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "missing.toml"
    code, out, err = run(["classify", "-c", str(config), str(mail_dir)], capsys)
    assert (code, out, err) == (1, "", f"Error: {config}: no such config file.\n")


def test_broken_template_is_one_error_line(
    mail_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "reply.en.txt.j2").write_text("{{ undefined_thing }}\n", encoding="utf-8")
    config = write_config(tmp_path, f'[drafts]\ntemplates_dir = "{templates}"\n')
    code, out, err = run(
        ["draft", "--json", "-c", str(config), str(mail_dir / "rejection.eml")], capsys
    )
    assert code == 1
    assert out == ""
    assert err.splitlines()[-1].startswith("Error: reply template reply.en.txt.j2 failed: ")
    assert "undefined_thing" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("position", ["before", "after"])
def test_debug_logs_the_traceback(
    position: str,
    mail_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = write_config(tmp_path, "[drafts]\ntone = 5\n")
    tail = ["-c", str(config), str(mail_dir)]
    argv = (
        ["--debug", "classify", *tail] if position == "before" else ["classify", "--debug", *tail]
    )
    with caplog.at_level(logging.DEBUG, logger="gracious"):
        code, _, err = run(argv, capsys)
    assert code == 1
    assert err == f"Error: {config}: drafts.tone must be a string, got int.\n"
    tracebacks = [r for r in caplog.records if r.name == "gracious" and r.exc_info]
    assert len(tracebacks) == 1
    assert tracebacks[0].exc_info is not None
    assert tracebacks[0].exc_info[0] is ConfigError


# --- help and version ---------------------------------------------------------------------------


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: gracious ")
    listed = re.findall(r"^    (\w+)\s{2,}\S", out, flags=re.M)
    assert listed == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"usage: gracious {command} ")
    assert err == ""


def test_the_readme_documents_every_command() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"| `gracious {c}" not in readme]
    assert missing == []


def test_the_example_config_loads_and_documents_every_section() -> None:
    path = Path(__file__).parent.parent / "config.example.toml"
    config = load_config(path)
    text = path.read_text(encoding="utf-8")
    sections = ["identity", "detector", "training", "drafts", "state"]
    assert [s for s in sections if f"[{s}]" not in text] == []
    assert config.accounts[0].name == "sample"


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([], capsys)
    assert code == 2
    assert out.startswith("usage: gracious ")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"gracious {__version__}\n"


# --- train and evaluate -------------------------------------------------------------------------


def test_train_writes_a_loadable_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A small labeled folder keeps this fast; the full corpus is trained once, in test_modelfile.
    corpus = tmp_path / "corpus"
    for label, make in (("rejection", rejection_mail), ("not_rejection", invitation_mail)):
        (corpus / label).mkdir(parents=True)
        for n in range(6):
            (corpus / label / f"{n}.eml").write_bytes(make(f"<{label}-{n}@northwind-labs.com>"))
    out_dir = tmp_path / "model"
    code, out, err = run(
        ["train", "--corpus", str(corpus), "--out", str(out_dir), "--no-cv"], capsys
    )
    assert code == 0
    assert err == ""
    model = read_model(out_dir)
    assert out == (
        f"Trained model {model.version} on {{'not_rejection': 6, 'rejection': 6}} -> {out_dir}\n"
    )
    assert model.metadata["corpus_hash"] == corpus_hash(corpus)
    assert model.metadata["cross_validation"] is None
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "MODEL_CARD.md",
        "metadata.json",
        "rejection.skops",
    ]
    verdicts = classify_many(model, [parse(rejection_mail()), parse(invitation_mail())])
    assert [v.is_rejection for v in verdicts] == [True, False]


def test_evaluate_a_labeled_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "labeled"
    (root / "rejection").mkdir(parents=True)
    (root / "not_rejection").mkdir()
    (root / "rejection" / "r.eml").write_bytes(rejection_mail())
    (root / "not_rejection" / "n.eml").write_bytes(invitation_mail())
    (root / "not_rejection" / "bad.eml").write_bytes(b"garbage without headers")
    (root / "labels.jsonl").write_text(
        json.dumps({"file": "rejection/r.eml", "language": "en"}) + "\n", encoding="utf-8"
    )
    code, out, err = run(["evaluate", "--no-cv", "--labeled", str(root)], capsys)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    shipped = json.loads((shipped_dir() / "metadata.json").read_text(encoding="utf-8"))
    assert lines[0] == (
        f"Labeled folder {root} (2 messages), model {shipped['version']}, "
        f"threshold {shipped['threshold']}"
    )
    assert lines[1:9] == [
        "  precision 1.000  recall 1.000  F1 1.000",
        "  confusion matrix (rows: true, columns: predicted)",
        "                    rejection  not_rejection",
        "    rejection               1              0",
        "    not_rejection           0              1",
        "  could not parse 1 files",
        f"    {root / 'not_rejection' / 'bad.eml'}: {NO_HEADERS}",
        "Extraction on 1 labeled rejections (accuracy per field)",
    ]
    assert "  language       100.0%  (1/1)" in lines


# --- the installed entry points -----------------------------------------------------------------


@pytest.mark.parametrize(
    "launcher",
    [[str(Path(sys.executable).parent / "gracious")], [sys.executable, "-m", "detector"]],
    ids=["gracious", "python -m detector"],
)
def test_entry_points_classify(launcher: list[str], mail_dir: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [*launcher, "classify", "--json", str(mail_dir), str(tmp_path / "nope.eml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == ""
    found = by_name(rows(done.stdout))
    assert sorted(found) == ["garbage.eml", "invitation.eml", "nope.eml", "rejection.eml"]
    assert found["garbage.eml"]["error"] == NO_HEADERS
    assert found["nope.eml"]["error"] == "cannot read file: No such file or directory"
    assert found["rejection.eml"]["rejection"] is True
    assert found["invitation.eml"]["rejection"] is False


def test_out_of_range_days_and_weeks_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[state]\npath = "{tmp_path / "j.sqlite3"}"\n', encoding="utf-8")
    (tmp_path / "j.sqlite3").write_bytes(b"")
    for argv, expected in (
        (
            ["review", "--since", "99999999", "-c", str(config)],
            "Error: --since 99999999: too many days.\n",
        ),
        (
            ["digest", "--week", "9999-W52", "-c", str(config)],
            "Error: '9999-W52' is not an ISO week like 2026-W47.\n",
        ),
    ):
        code, _, err = run(argv, capsys)
        assert (code, err) == (1, expected)
