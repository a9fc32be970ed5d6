"""detector.config.load_config: TOML into frozen dataclasses, failing loudly on every bad key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from detector.config import (
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_NAME,
    Config,
    DetectorConfig,
    DraftsConfig,
    Identity,
    default_config_path,
    load_config,
)
from detector.errors import ConfigError, GraciousError

FULL = """\
[identity]
name = "Sam Keller"
email = "sam@example.org"
signature = "Sam Keller\\n+49 170 0000000"

[detector]
threshold = 0.7

[drafts]
tone = "formal"
templates_dir = "/srv/gracious/templates"
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


def test_full_config_loads(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    assert load_config(path) == Config(
        identity=Identity("Sam Keller", "sam@example.org", "Sam Keller\n+49 170 0000000"),
        detector=DetectorConfig(threshold=0.7),
        drafts=DraftsConfig(tone="formal", templates_dir=Path("/srv/gracious/templates")),
        source=path,
    )


def test_empty_file_gives_defaults_with_source(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    config = load_config(path)
    assert config == Config(source=path)
    assert config.identity.is_placeholder


def test_integer_threshold_is_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, "[detector]\nthreshold = 0.25\n")
    assert load_config(path).detector == DetectorConfig(threshold=0.25)


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.identity.name = "Someone else"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[identity]\nname = "Sam"\nnickname = "S"\n', "identity.nickname"),
        ("colour = 1\n", "colour"),
        ("[detector]\nthreshhold = 0.5\n", "detector.threshhold"),
        ('[drafts]\ntone = "warm"\nlanguage = "de"\n', "drafts.language"),
        ("[imap]\nhost = 'mail.example.org'\n", "imap"),
        ('source = "/etc/passwd"\n', "source"),
    ],
)
def test_unknown_key_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    message = config_error(path)
    assert message.startswith(f"{path}: unknown key {key} (expected one of: ")


def test_unknown_key_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "[identity]\nnick = 1\n")
    assert (
        config_error(path)
        == f"{path}: unknown key identity.nick (expected one of: email, name, signature)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[identity]\nname = 3\n", "identity.name must be a string, got int"),
        ("[identity]\nemail = ['a@b.example']\n", "identity.email must be a string, got a list"),
        ('[detector]\nthreshold = "high"\n', "detector.threshold must be a number, got a string"),
        ("[detector]\nthreshold = true\n", "detector.threshold must be a number, got a boolean"),
        ("[drafts]\ntone = 5\n", "drafts.tone must be a string, got int"),
        (
            "[drafts]\ntemplates_dir = 5\n",
            "drafts.templates_dir must be a path (a non-empty string)",
        ),
        (
            '[drafts]\ntemplates_dir = ""\n',
            "drafts.templates_dir must be a path (a non-empty string)",
        ),
        ('identity = "Sam"\n', "identity must be a table"),
        ("[detector.threshold]\nvalue = 1\n", "detector.threshold must be a number, got a table"),
    ],
)
def test_wrong_type_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    assert config_error(path) == f"{path}: {message}"


@pytest.mark.parametrize("threshold", ["0", "1", "1.5", "-0.1", "0.0", "1.0", "nan", "inf"])
def test_bad_threshold(tmp_path: Path, threshold: str) -> None:
    path = write(tmp_path, f"[detector]\nthreshold = {threshold}\n")
    assert config_error(path) == f"{path}: detector.threshold must be between 0 and 1 (exclusive)"


@pytest.mark.parametrize("tone", ["rude", "Warm", "", "formal "])
def test_bad_tone(tmp_path: Path, tone: str) -> None:
    path = write(tmp_path, f'[drafts]\ntone = "{tone}"\n')
    assert config_error(path) == f"{path}: drafts.tone must be one of warm, formal, brief"


@pytest.mark.parametrize("tone", ["warm", "formal", "brief"])
def test_every_tone_is_accepted(tmp_path: Path, tone: str) -> None:
    assert load_config(write(tmp_path, f'[drafts]\ntone = "{tone}"\n')).drafts.tone == tone


@pytest.mark.parametrize(
    "email",
    [
        "sam at example.org",
        "sam@example.org, boss@evil.test",
        "sam@example.org\\r\\nBcc: x@evil.test",
    ],
)
def test_email_must_be_one_address(tmp_path: Path, email: str) -> None:
    path = write(tmp_path, f'[identity]\nemail = "{email}"\n')
    expected = f"{path}: identity.email must be one email address, like alex@example.com"
    assert config_error(path) == expected


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[identity\nname = 'x'\n")
    assert config_error(path).startswith(f"{path}: not valid TOML (")


def test_undecodable_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[identity]\nname = "J\xfcrgen"\n')
    assert config_error(path).startswith(f"{path}: cannot read config (")


def test_missing_file_given_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert config_error(path) == f"{path}: no such config file"


def test_config_error_is_a_gracious_error_with_its_cause(tmp_path: Path) -> None:
    path = write(tmp_path, "[identity\n")
    with pytest.raises(GraciousError) as info:
        load_config(path)
    assert isinstance(info.value, ConfigError)
    assert info.value.__cause__ is not None


def test_relative_templates_dir_resolves_against_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    path = write(folder, '[drafts]\ntemplates_dir = "my-templates"\n')
    monkeypatch.chdir(tmp_path)
    assert load_config(path).drafts.templates_dir == folder / "my-templates"


def test_relative_templates_dir_with_a_relative_config_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    write(folder, '[drafts]\ntemplates_dir = "tpl"\n')
    monkeypatch.chdir(tmp_path)
    resolved = load_config(Path("conf/config.toml")).drafts.templates_dir
    assert resolved is not None
    assert resolved.resolve() == (folder / "tpl").resolve()


def test_absolute_and_home_templates_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = write(tmp_path, '[drafts]\ntemplates_dir = "~/tpl"\n')
    assert load_config(path).drafts.templates_dir == tmp_path / "home" / "tpl"
    path = write(tmp_path, f'[drafts]\ntemplates_dir = "{tmp_path / "abs"}"\n')
    assert load_config(path).drafts.templates_dir == tmp_path / "abs"


def test_no_file_gives_defaults_with_the_placeholder_identity() -> None:
    assert not default_config_path().exists()
    config = load_config()
    assert config == Config()
    assert config.source is None
    assert config.identity == Identity(PLACEHOLDER_NAME, PLACEHOLDER_EMAIL, "")
    assert config.identity.is_placeholder
    assert config.detector.threshold is None  # the model's own, chosen when it was trained
    assert config.drafts == DraftsConfig(tone="warm", templates_dir=None)


def test_default_location_is_read_when_present(tmp_path: Path) -> None:
    path = default_config_path()
    assert path.is_relative_to(tmp_path)  # the autouse fixture points XDG_CONFIG_HOME here
    path.parent.mkdir(parents=True)
    path.write_text(
        '[identity]\nname = "Sam Keller"\nemail = "sam@example.org"\n', encoding="utf-8"
    )
    config = load_config()
    assert config.source == path
    assert config.identity == Identity("Sam Keller", "sam@example.org", "")
    assert not config.identity.is_placeholder


@pytest.mark.parametrize(
    ("name", "email", "placeholder"),
    [
        (PLACEHOLDER_NAME, PLACEHOLDER_EMAIL, True),
        ("Sam", PLACEHOLDER_EMAIL, True),
        (PLACEHOLDER_NAME, "sam@example.org", True),
        ("Sam", "sam@example.org", False),
    ],
)
def test_is_placeholder(name: str, email: str, placeholder: bool) -> None:
    assert Identity(name, email).is_placeholder is placeholder


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("max_message_kb = -1", "accounts[0].max_message_kb must be positive"),
        ("folders = []", "accounts[0].folders must name at least one folder"),
        (
            'password = "x"',
            "accounts[0] is a maildir account; password only apply to IMAP",
        ),
    ],
)
def test_maildir_accounts_are_checked_too(tmp_path: Path, extra: str, message: str) -> None:
    path = write(tmp_path, f'[[accounts]]\nname = "local"\nmaildir = "Mail"\n{extra}\n')
    assert config_error(path) == f"{path}: {message}"
