"""The config file (TOML) loaded once into frozen dataclasses.

Unknown keys, wrong types and missing required values fail at start-up with one line that names
the file, the key and what was expected, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from typing import Any

import platformdirs

from detector.errors import ConfigError

__all__ = [
    "PLACEHOLDER_EMAIL",
    "PLACEHOLDER_NAME",
    "PROVIDERS",
    "AccountConfig",
    "Config",
    "DetectorConfig",
    "DigestConfig",
    "DraftsConfig",
    "Identity",
    "StateConfig",
    "TrainingConfig",
    "default_config_path",
    "load_config",
]

PLACEHOLDER_NAME = "[Your Name]"
PLACEHOLDER_EMAIL = "your.name@example.invalid"
TONES = ("warm", "formal", "brief")


@dataclass(frozen=True)
class Identity:
    """Who the replies come from."""

    name: str = PLACEHOLDER_NAME
    email: str = PLACEHOLDER_EMAIL
    signature: str = ""

    @property
    def is_placeholder(self) -> bool:
        """True until the user has set their own name and address."""
        return self.name == PLACEHOLDER_NAME or self.email == PLACEHOLDER_EMAIL


@dataclass(frozen=True)
class DetectorConfig:
    """Classifier settings; ``threshold`` is the probability at which a mail counts as rejection.

    None means the threshold the model was trained with (chosen by cross-validation).
    """

    threshold: float | None = None
    uncertain_below: float | None = None


@dataclass(frozen=True)
class TrainingConfig:
    """How the user teaches gracious: training folders, and retraining on a schedule.

    ``rejection_folder`` and ``not_rejection_folder`` are read (read-only) in every account
    that has them; mail the user copies or moves there becomes a label, the POPFile way.
    """

    rejection_folder: str | None = None
    not_rejection_folder: str | None = None
    auto_retrain: str = "off"
    min_labels: int = 10


AUTO_RETRAIN = ("off", "daily")
DIGEST_LANGUAGES = ("en", "de", "fr", "es", "nl")


@dataclass(frozen=True)
class DigestConfig:
    """The weekly reflection note: a draft addressed to the user, once per week."""

    weekly: bool = False
    language: str = "en"


@dataclass(frozen=True)
class DraftsConfig:
    """Reply settings: the tone and an optional folder of templates that override ours."""

    tone: str = "warm"
    templates_dir: Path | None = None


@dataclass(frozen=True)
class StateConfig:
    """Where the journal lives; None means the user's data directory.

    The user's labels and models live beside the journal, so one setting moves all of
    gracious's state (and a test keeps all of it in its temporary folder).
    """

    path: Path | None = None

    def resolved(self) -> Path:
        """The journal's path, defaulting to the platform's user data directory."""
        return self.path or Path(platformdirs.user_data_dir("gracious")) / "gracious.sqlite3"

    def data_dir(self) -> Path:
        """The folder holding the journal, the labeled store and the user's models."""
        return self.resolved().parent


SECURITIES = ("ssl", "starttls", "plain")
# Host, port and security of the big providers, so `provider = "gmail"` is all one needs.
PROVIDERS: dict[str, tuple[str, int, str]] = {
    "gmail": ("imap.gmail.com", 993, "ssl"),
    "outlook": ("outlook.office365.com", 993, "ssl"),
    "microsoft365": ("outlook.office365.com", 993, "ssl"),
    "office365": ("outlook.office365.com", 993, "ssl"),
    "fastmail": ("imap.fastmail.com", 993, "ssl"),
    "icloud": ("imap.mail.me.com", 993, "ssl"),
    "yahoo": ("imap.mail.yahoo.com", 993, "ssl"),
}


@dataclass(frozen=True)
class AccountConfig:
    """One mailbox to watch: an IMAP account (host or provider) or a local Maildir."""

    name: str
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    security: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_command: str | None = field(default=None, repr=False)
    password_env: str | None = None
    password_keyring: bool = False
    oauth2_token_command: str | None = field(default=None, repr=False)
    tls_ca_file: Path | None = None
    folders: tuple[str, ...] = ("INBOX",)
    drafts_folder: str | None = None
    sent_folder: str | None = None
    since_days: int = 30
    maildir: Path | None = None
    batch_size: int = 100
    max_message_kb: int = 10240
    poll_minutes: float = 5.0
    idle: bool = True
    timeout_seconds: float = 60.0

    @property
    def is_maildir(self) -> bool:
        """True for a local Maildir account."""
        return self.maildir is not None


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file it came from (None for built-in defaults)."""

    identity: Identity = field(default_factory=Identity)
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    drafts: DraftsConfig = field(default_factory=DraftsConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    state: StateConfig = field(default_factory=StateConfig)
    accounts: tuple[AccountConfig, ...] = ()
    source: Path | None = None


def default_config_path() -> Path:
    """Where gracious looks for a config when ``-c`` is not given."""
    return Path(platformdirs.user_config_dir("gracious")) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Load ``path``, or the default location if it exists, else built-in defaults."""
    if path is None:
        candidate = default_config_path()
        if not candidate.is_file():
            return Config()
        path = candidate
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: no such config file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read config ({err})") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from err
    config = _build(Config, data, path, "")
    config = _validate(config, path)
    return _with_source(config, path)


def _with_source(config: Config, path: Path) -> Config:
    """Relative paths are relative to the config file; providers fill in host, port, security."""

    def near(p: Path | None) -> Path | None:
        return p if p is None or p.is_absolute() else path.parent / p

    accounts = []
    for account in config.accounts:
        host, port, security = PROVIDERS.get(account.provider or "", (None, None, None))
        accounts.append(
            replace(
                account,
                host=account.host or host,
                port=account.port or port or (993 if (account.security or "ssl") == "ssl" else 143),
                security=account.security or security or "ssl",
                maildir=near(account.maildir),
                tls_ca_file=near(account.tls_ca_file),
            )
        )
    return replace(
        config,
        drafts=replace(config.drafts, templates_dir=near(config.drafts.templates_dir)),
        state=replace(config.state, path=near(config.state.path)),
        accounts=tuple(accounts),
        source=path,
    )


def _validate(config: Config, path: Path) -> Config:
    threshold = config.detector.threshold
    if threshold is not None and not 0.0 < threshold < 1.0:
        raise ConfigError(f"{path}: detector.threshold must be between 0 and 1 (exclusive)")
    uncertain = config.detector.uncertain_below
    if uncertain is not None and not 0.0 < uncertain < (threshold or 1.0):
        raise ConfigError(
            f"{path}: detector.uncertain_below must be between 0 and the threshold "
            f"({threshold or 'the model’s own'}); mail scored between the two asks for a label"
        )
    _validate_training(config.training, path)
    if config.digest.language not in DIGEST_LANGUAGES:
        raise ConfigError(f"{path}: digest.language must be one of {', '.join(DIGEST_LANGUAGES)}")
    if config.drafts.tone not in TONES:
        raise ConfigError(f"{path}: drafts.tone must be one of {', '.join(TONES)}")
    if not _is_address(config.identity.email):
        raise ConfigError(
            f"{path}: identity.email must be one email address, like alex@example.com"
        )
    names = [a.name for a in config.accounts]
    for i, account in enumerate(config.accounts):
        _validate_account(account, path, f"accounts[{i}]")
        if names.count(account.name) > 1:
            raise ConfigError(f"{path}: accounts[{i}].name {account.name!r} is used twice")
        training = {config.training.rejection_folder, config.training.not_rejection_folder}
        watched = sorted(f for f in training & set(account.folders) if f is not None)
        if watched:
            raise ConfigError(
                f"{path}: accounts[{i}].folders includes the training folder {watched[0]!r}; "
                "mail there is a label, not mail to answer"
            )
    return config


def _validate_training(training: TrainingConfig, path: Path) -> None:
    if training.auto_retrain not in AUTO_RETRAIN:
        raise ConfigError(f"{path}: training.auto_retrain must be one of {', '.join(AUTO_RETRAIN)}")
    if training.min_labels < 1:
        raise ConfigError(f"{path}: training.min_labels must be positive")
    folders = (training.rejection_folder, training.not_rejection_folder)
    if any(f is not None and not f.strip() for f in folders):
        raise ConfigError(f"{path}: training folders must not be empty names")
    if training.rejection_folder is not None and training.rejection_folder == (
        training.not_rejection_folder
    ):
        raise ConfigError(
            f"{path}: training.rejection_folder and not_rejection_folder must be different folders"
        )


def _validate_account(account: AccountConfig, path: Path, key: str) -> None:
    if not account.name.strip():
        raise ConfigError(f"{path}: {key}.name must not be empty")
    positive = {
        "since_days": account.since_days >= 0,
        "batch_size": account.batch_size > 0,
        "max_message_kb": account.max_message_kb > 0,
        "poll_minutes": account.poll_minutes > 0,
        "timeout_seconds": account.timeout_seconds > 0,
    }
    for name, ok in positive.items():
        if not ok:
            raise ConfigError(f"{path}: {key}.{name} must be positive")
    if not account.folders:
        raise ConfigError(f"{path}: {key}.folders must name at least one folder")
    if account.maildir is not None:
        imap_only = [
            name
            for name in (
                "host",
                "provider",
                "port",
                "security",
                "username",
                "password",
                "password_command",
                "password_env",
                "oauth2_token_command",
                "tls_ca_file",
            )
            if getattr(account, name) is not None
        ] + (["password_keyring"] if account.password_keyring else [])
        if imap_only:
            raise ConfigError(
                f"{path}: {key} is a maildir account; {', '.join(imap_only)} only apply to IMAP"
            )
        return
    if account.provider is not None and account.provider not in PROVIDERS:
        raise ConfigError(f"{path}: {key}.provider must be one of {', '.join(sorted(PROVIDERS))}")
    if not account.host and not account.provider:
        raise ConfigError(f"{path}: {key} needs host (or provider, or maildir)")
    if account.security is not None and account.security not in SECURITIES:
        raise ConfigError(f"{path}: {key}.security must be one of {', '.join(SECURITIES)}")
    if account.port is not None and not 0 < account.port < 65536:
        raise ConfigError(f"{path}: {key}.port must be between 1 and 65535")
    if not account.username:
        raise ConfigError(f"{path}: {key}.username is required for an IMAP account")
    sources = [
        account.password is not None,
        account.password_command is not None,
        account.password_env is not None,
        account.password_keyring,
        account.oauth2_token_command is not None,
    ]
    if sum(sources) != 1:
        raise ConfigError(
            f"{path}: {key} needs exactly one of password_command, password_env, "
            "password_keyring, oauth2_token_command or password"
        )


def _is_address(value: str) -> bool:
    if any(c in value for c in '\r\n\t ,;<>"') or value.count("@") != 1:
        return False
    try:
        Address(addr_spec=value)
    except (ValueError, IndexError, HeaderParseError):
        return False
    return True


def _build(cls: type[Any], table: Any, path: Path, prefix: str) -> Any:
    """Instantiate dataclass ``cls`` from a TOML table, checking keys and types."""
    where = prefix.rstrip(".") or "top level"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls) if f.name != "source"}
    for key in table:
        if key not in known:
            expected = ", ".join(sorted(known)) or "nothing"
            raise ConfigError(f"{path}: unknown key {prefix}{key} (expected one of: {expected})")
    kwargs: dict[str, Any] = {}
    for name, f in known.items():
        if name not in table:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ConfigError(f"{path}: missing required key {prefix}{name}")
            continue
        kwargs[name] = _coerce(hints[name], table[name], path, f"{prefix}{name}")
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, path: Path, key: str) -> Any:  # noqa: PLR0911, PLR0912 - one branch per type
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _coerce(options[0], value, path, key)
    if is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, value, path, f"{key}.")
    if origin is tuple or origin is list:
        (item,) = typing.get_args(hint)[:1]
        if not isinstance(value, list):
            raise ConfigError(f"{path}: {key} must be a list, got {_kind(value)}")
        items = [_coerce(item, v, path, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{path}: {key} must be a path (a non-empty string)")
        return Path(value).expanduser()
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{path}: {key} must be a number, got {_kind(value)}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{path}: {key} must be a whole number, got {_kind(value)}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be true or false, got {_kind(value)}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string, got {_kind(value)}")
        return value
    raise ConfigError(f"{path}: {key} has an unsupported type")  # pragma: no cover


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
