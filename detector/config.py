"""The config file (TOML) loaded once into frozen dataclasses.

Unknown keys, wrong types and missing required values fail at start-up with one line that names
the file, the key and what was expected, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from typing import Any

import platformdirs

from detector.errors import ConfigError

__all__ = [
    "PLACEHOLDER_EMAIL",
    "PLACEHOLDER_NAME",
    "Config",
    "DetectorConfig",
    "DraftsConfig",
    "Identity",
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
    """Classifier settings; ``threshold`` is the probability at which a mail counts as rejection."""

    threshold: float = 0.5


@dataclass(frozen=True)
class DraftsConfig:
    """Reply settings: the tone and an optional folder of templates that override ours."""

    tone: str = "warm"
    templates_dir: Path | None = None


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file it came from (None for built-in defaults)."""

    identity: Identity = field(default_factory=Identity)
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    drafts: DraftsConfig = field(default_factory=DraftsConfig)
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
    base = path.parent
    tdir = config.drafts.templates_dir
    drafts = config.drafts
    if tdir is not None and not tdir.is_absolute():
        drafts = DraftsConfig(tone=drafts.tone, templates_dir=base / tdir)
    return Config(identity=config.identity, detector=config.detector, drafts=drafts, source=path)


def _validate(config: Config, path: Path) -> Config:
    if not 0.0 < config.detector.threshold < 1.0:
        raise ConfigError(f"{path}: detector.threshold must be between 0 and 1 (exclusive)")
    if config.drafts.tone not in TONES:
        raise ConfigError(f"{path}: drafts.tone must be one of {', '.join(TONES)}")
    if not _is_address(config.identity.email):
        raise ConfigError(
            f"{path}: identity.email must be one email address, like alex@example.com"
        )
    return config


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
