"""The user's models: one folder per version in the data directory, and which one is active.

A retrained model is written whole into a new folder (model, metadata, model card) and only
then made active by replacing one small pointer file, so a crash or a full disk never leaves a
half-written model active. Versions are never overwritten; ``gracious models use`` rolls back.
The shipped model is the version called ``shipped`` and is active while no pointer exists.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detector.classifier import Model
from detector.errors import ModelError
from detector.modelfile import METADATA_FILE, load_model, read_model, shipped_dir, write_model

__all__ = ["SHIPPED", "ModelInfo", "ModelRegistry"]

log = logging.getLogger(__name__)
SHIPPED = "shipped"
_ACTIVE = "ACTIVE"
_VERSION = re.compile(r"\d{14}(-\d{1,3})?")


@dataclass(frozen=True)
class ModelInfo:
    """One model version as ``gracious models`` lists it."""

    version: str
    directory: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    active: bool = False
    problem: str | None = None

    @property
    def held_out(self) -> dict[str, Any]:
        """Held-out figures recorded when the model was made (empty when unknown)."""
        figures = self.metadata.get("held_out") or self.metadata.get("holdout") or {}
        return dict(figures)


class ModelRegistry:
    """The ``models/`` folder in the user's data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "models"

    # --- reading -------------------------------------------------------------------------------

    def active_version(self) -> str:
        """The version in use: the pointer's, or ``shipped`` without one."""
        try:
            text = (self.root / _ACTIVE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return SHIPPED
        except OSError as err:
            raise ModelError(f"cannot read {self.root / _ACTIVE}: {err.strerror}") from err
        return text if text == SHIPPED or _VERSION.fullmatch(text) else SHIPPED

    def resolve(self, version: str) -> str:
        """``version`` itself, or ``shipped`` when it names the shipped model by its number."""
        meta, _ = _metadata(shipped_dir())
        return SHIPPED if version == str(meta.get("version")) else version

    def directory(self, version: str) -> Path:
        """Where ``version`` lives; raise for names that are not versions (no path tricks)."""
        if version == SHIPPED:
            return shipped_dir()
        if not _VERSION.fullmatch(version):
            raise ModelError(f"{version!r} is not a model version; `gracious models` lists them")
        return self.root / version

    def versions(self) -> list[ModelInfo]:
        """Every model, newest first, the shipped one last; unreadable ones say why."""
        active = self.active_version()
        found: list[ModelInfo] = []
        names = (
            sorted(
                (p.name for p in self.root.iterdir() if p.is_dir() and _VERSION.fullmatch(p.name)),
                reverse=True,
            )
            if self.root.is_dir()
            else []
        )
        for name in [*names, SHIPPED]:
            directory = self.directory(name)
            meta, problem = _metadata(directory)
            found.append(ModelInfo(name, directory, meta, active=name == active, problem=problem))
        return found

    def load(self, version: str) -> Model:
        """Load ``version``; :class:`ModelError` says why it cannot be used."""
        version = self.resolve(version)
        if version == SHIPPED:
            return load_model()
        directory = self.directory(version)
        if not directory.is_dir():
            raise ModelError(f"there is no model {version}; `gracious models` lists them")
        return read_model(directory)

    def load_active(self) -> Model:
        """The active model; when it cannot be loaded, the newest one that can, said loudly.

        A corrupt file never stops the daemon: it falls back to the last good model (the
        newest loadable version, else the shipped one) and logs which and why.
        """
        version = self.active_version()
        try:
            return self.load(version)
        except ModelError as err:
            log.error("the active model %s cannot be used: %s", version, err)
        for info in self.versions():
            if info.version in (version, SHIPPED):
                continue
            try:
                model = self.load(info.version)
            except ModelError:
                continue
            log.error("using model %s instead; `gracious models` shows them all", info.version)
            return model
        log.error("using the shipped model instead")
        return load_model()

    # --- writing -------------------------------------------------------------------------------

    def save(self, model: Model, metadata: dict[str, Any], card: str) -> Path:
        """Write ``model`` as a new version folder (not yet active) and return it."""
        directory = self.directory(model.version)
        if directory.exists():
            raise ModelError(f"model {model.version} already exists in {self.root}")
        staging = self.root / f".{model.version}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        write_model(model, staging, metadata, card)
        try:
            staging.rename(directory)
        except OSError as err:
            raise ModelError(f"cannot store model {model.version}: {err.strerror}") from err
        return directory

    def activate(self, version: str) -> Model:
        """Make ``version`` the active model once it loads; the old one stays active otherwise."""
        version = self.resolve(version)
        model = self.load(version)
        pointer = self.root / _ACTIVE
        tmp = self.root / f".{_ACTIVE}.tmp"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp.write_text(version + "\n", encoding="utf-8")
            tmp.replace(pointer)
        except OSError as err:
            raise ModelError(f"cannot make {version} active: {err.strerror}") from err
        log.info("model %s is now active", version)
        return model

    def next_version(self, stamp: str) -> str:
        """``stamp``, or ``stamp-2`` and so on when two models are made in the same second."""
        version, n = stamp, 1
        while (self.root / version).exists():
            n += 1
            version = f"{stamp}-{n}"
        return version


def _metadata(directory: Path) -> tuple[dict[str, Any], str | None]:
    try:
        meta = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return {}, f"unreadable metadata: {err}"
    return (meta, None) if isinstance(meta, dict) else ({}, "metadata is not an object")
