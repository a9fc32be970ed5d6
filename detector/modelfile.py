"""The model on disk: skops file (never pickle), metadata and model card; load or rebuild.

A model file is only loaded when every type in it is on :data:`TRUSTED_TYPES`. When the installed
scikit-learn cannot read the shipped model (a newer release changed its internals), gracious
rebuilds one from the shipped corpus, caches it per scikit-learn version, and says so.
"""

from __future__ import annotations

import json
import logging
import platform
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs
import sklearn
import skops.io as sio

from detector.classifier import Model
from detector.errors import ModelError

__all__ = [
    "MODEL_FILE",
    "TRUSTED_TYPES",
    "load_model",
    "read_model",
    "shipped_dir",
    "write_model",
]

log = logging.getLogger(__name__)
MODEL_FILE = "rejection.skops"
METADATA_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"

# skops refuses anything not listed here; these are the types our pipeline is made of that skops
# does not trust by default. A model containing any other type is refused, not loaded.
TRUSTED_TYPES = [
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]


@dataclass(frozen=True)
class _Loaded:
    model: Model
    rebuilt: bool


def shipped_dir() -> Path:
    """The ``models/`` folder shipped with gracious (``detector.models`` when installed)."""
    return Path(str(resources.files("detector.models")))


def write_model(model: Model, directory: Path, metadata: dict[str, Any], card: str) -> Path:
    """Save ``model`` with its metadata and model card into ``directory``; return the model path."""
    path = directory / MODEL_FILE
    tmp = path.with_suffix(".tmp")
    meta = {**metadata, "threshold": model.threshold, "version": model.version}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Deflate: a TF-IDF vocabulary is ~30x larger uncompressed.
        with _vocabularies_detached(model.pipeline) as vocabularies:
            sio.dump(
                {"pipeline": model.pipeline, "vocabularies": vocabularies},
                tmp,
                compression=zipfile.ZIP_DEFLATED,
            )
        tmp.replace(path)
        (directory / METADATA_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        (directory / CARD_FILE).write_text(card, encoding="utf-8")
    except OSError as err:
        raise ModelError(f"cannot write the model to {directory}: {err.strerror or err}") from err
    return path


def _vectorizers(pipeline: Any) -> Iterator[tuple[str, Any]]:
    """Every fitted step with a vocabulary, by a stable name."""
    for name, step in pipeline.named_steps["features"].transformer_list:
        if hasattr(step, "vocabulary_"):
            yield name, step


@contextmanager
def _vocabularies_detached(pipeline: Any) -> Iterator[dict[str, np.ndarray]]:
    """The vocabularies as arrays of terms, taken out of the pipeline while it is saved.

    skops writes a dict as JSON with type information per entry: a 65,000-term vocabulary
    becomes ~50 MB of JSON that costs ~100 MB of memory to read back. As a numpy array of
    strings it is a compact .npy file read in a few milliseconds.
    """
    kept = {}
    arrays = {}
    for name, step in _vectorizers(pipeline):
        vocabulary: dict[str, int] = step.vocabulary_
        terms = sorted(vocabulary, key=vocabulary.__getitem__)
        arrays[name] = np.array(terms, dtype=str)
        kept[name] = vocabulary
        step.vocabulary_ = {}
    try:
        yield arrays
    finally:
        for name, step in _vectorizers(pipeline):
            step.vocabulary_ = kept[name]


def _attach_vocabularies(pipeline: Any, arrays: dict[str, Any]) -> None:
    for name, step in _vectorizers(pipeline):
        step.vocabulary_ = {str(term): i for i, term in enumerate(arrays[name].tolist())}


def read_model(directory: Path) -> Model:
    """Load the model in ``directory``; raise :class:`ModelError` saying why it cannot be used."""
    path = directory / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"no model file at {path}")
    try:
        meta = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"unreadable model metadata in {directory}: {err}") from err
    try:
        untrusted = sio.get_untrusted_types(file=path)
        unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if unexpected:
            raise ModelError(f"{path} contains types gracious does not trust: {unexpected}")
        saved = sio.load(path, trusted=TRUSTED_TYPES)
        pipeline = saved.get("pipeline") if isinstance(saved, dict) else None
        if not hasattr(pipeline, "predict_proba"):
            raise ModelError(f"{path} does not hold a classifier")
        _attach_vocabularies(pipeline, saved.get("vocabularies", {}))
    except ModelError:
        raise
    except Exception as err:  # skops/sklearn raise many kinds on version drift or corruption
        raise ModelError(f"cannot load {path}: {type(err).__name__}: {err}") from err
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"{path} was made with scikit-learn {meta.get('sklearn_version')}, "
            f"this is {sklearn.__version__}"
        )
    return Model(
        pipeline=pipeline,
        threshold=float(meta.get("threshold", 0.5)),
        version=str(meta.get("version", "unknown")),
        metadata=meta,
    )


def load_model(directory: Path | None = None) -> Model:
    """The model to classify with: ``directory`` or the shipped one, else one rebuilt and cached."""
    return _load(directory).model


def _load(directory: Path | None) -> _Loaded:
    directory = directory or shipped_dir()
    try:
        return _Loaded(read_model(directory), rebuilt=False)
    except ModelError as err:
        reason = str(err)
    cache = _cache_dir()
    try:
        return _Loaded(read_model(cache), rebuilt=True)
    except ModelError:
        pass
    log.warning(
        "The model cannot be used (%s); rebuilding it from the shipped corpus, once, into %s",
        reason,
        cache,
    )
    from detector.build import train_from_corpus  # noqa: PLC0415 - heavy, only on this path

    model = train_from_corpus(cache, cross_validate=False, threshold=_shipped_threshold(directory))
    log.warning("Rebuilt the model (version %s); it will be reused from now on", model.version)
    return _Loaded(model, rebuilt=True)


def _shipped_threshold(directory: Path) -> float | None:
    """The threshold chosen when the shipped model was trained; plain JSON, readable anywhere."""
    try:
        value = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))["threshold"]
        return float(value)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_dir() -> Path:
    from detector import __version__  # noqa: PLC0415 - avoid an import cycle at module load

    name = f"model-{__version__}-sklearn-{sklearn.__version__}"
    return Path(platformdirs.user_cache_dir("gracious")) / name


def environment() -> dict[str, str]:
    """Versions recorded in the metadata, to tell later which runtime made a model."""
    return {
        "sklearn_version": sklearn.__version__,
        "skops_version": getattr(sio, "__version__", "") or _skops_version(),
        "python_version": platform.python_version(),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _skops_version() -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version("skops")
