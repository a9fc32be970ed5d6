"""detector.modelfile: skops round trips, refusing bad files, and rebuilding from the corpus."""

from __future__ import annotations

import json
import logging
import operator
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import sklearn
import skops.io as sio
from conftest import invitation_mail, rejection_mail
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import FunctionTransformer

from detector import __version__
from detector.classifier import Model, build_pipeline, classify
from detector.corpus import corpus_dir, corpus_hash
from detector.errors import ModelError
from detector.message import parse
from detector.modelfile import MODEL_FILE, load_model, read_model, shipped_dir, write_model

TEXTS = [
    "Your application\nUnfortunately we have decided not to proceed with your application.",
    "Interview invitation\nWe would like to invite you to an interview next week.",
    "Absage\nLeider müssen wir Ihnen mitteilen, dass wir uns anders entschieden haben.",
    "Your order has shipped\nTrack your parcel with the link below.",
]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(frozen=True)
class Rebuilt:
    model: Model
    records: list[logging.LogRecord]
    corrupt_dir: Path
    cache_root: Path
    seconds: float


def _corrupt_model_dir(directory: Path) -> Path:
    directory.mkdir(parents=True)
    noise = random.Random(7).randbytes(4096)
    (directory / MODEL_FILE).write_bytes(noise)
    meta = {"sklearn_version": sklearn.__version__, "threshold": 0.5, "version": "corrupt"}
    (directory / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rebuilt]:
    """load_model() on a corrupt model: the one training run of this module, into a temp cache."""
    base = tmp_path_factory.mktemp("rebuild")
    corrupt = _corrupt_model_dir(base / "corrupt")
    handler = _Records()
    logger = logging.getLogger("detector.modelfile")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(base / "cache"))
        logger.addHandler(handler)
        try:
            start = time.perf_counter()
            model = load_model(corrupt)
            seconds = time.perf_counter() - start
        finally:
            logger.removeHandler(handler)
    yield Rebuilt(model, handler.records, corrupt, base / "cache", seconds)


@pytest.fixture(scope="module")
def tiny() -> Model:
    """Our pipeline fitted on twenty short texts: same types as the real one, fast to save."""
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
    docs = [f"we regret that application {w} was not successful" for w in words]
    docs += [f"we are pleased to invite you to interview {w}" for w in words]
    labels = np.array([1] * len(words) + [0] * len(words))
    return Model(build_pipeline().fit(docs, labels), version="tiny")


def _meta(**extra: object) -> dict[str, object]:
    return {"sklearn_version": sklearn.__version__, **extra}


# --- rebuild ------------------------------------------------------------------------------------


def test_corrupt_model_is_rebuilt_with_a_warning(rebuilt: Rebuilt) -> None:
    warnings = [r for r in rebuilt.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    first, second = (w.getMessage() for w in warnings)
    assert first.startswith("The model cannot be used (cannot load ")
    assert str(rebuilt.corrupt_dir / MODEL_FILE) in first
    assert "rebuilding it from the shipped corpus, once, into " in first
    assert (
        second
        == f"Rebuilt the model (version {rebuilt.model.version}); it will be reused from now on"
    )


def test_rebuilt_model_is_cached_per_sklearn_version(rebuilt: Rebuilt) -> None:
    cache = rebuilt.cache_root / "gracious" / f"model-{__version__}-sklearn-{sklearn.__version__}"
    assert sorted(p.name for p in cache.iterdir()) == ["MODEL_CARD.md", "metadata.json", MODEL_FILE]
    meta = json.loads((cache / "metadata.json").read_text(encoding="utf-8"))
    assert meta["corpus_hash"] == corpus_hash(corpus_dir())
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["version"] == rebuilt.model.version
    assert meta["threshold"] == 0.5
    assert meta["cross_validation"] is None


def test_rebuilt_model_card_states_the_threshold(rebuilt: Rebuilt) -> None:
    cache = rebuilt.cache_root / "gracious" / f"model-{__version__}-sklearn-{sklearn.__version__}"
    card = (cache / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "at or above the threshold (0.5)" in card
    assert "None" not in card


def test_rebuilt_model_classifies(rebuilt: Rebuilt) -> None:
    assert classify(rebuilt.model, parse(rejection_mail())).is_rejection is True
    assert classify(rebuilt.model, parse(invitation_mail())).is_rejection is False


def test_rebuilt_model_is_reused_without_training(
    rebuilt: Rebuilt, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(rebuilt.cache_root))
    with caplog.at_level(logging.WARNING, logger="detector.modelfile"):
        again = load_model(rebuilt.corrupt_dir)
    assert caplog.records == []
    assert again.version == rebuilt.model.version
    np.testing.assert_array_equal(
        again.pipeline.predict_proba(TEXTS), rebuilt.model.pipeline.predict_proba(TEXTS)
    )


# --- round trip ---------------------------------------------------------------------------------


def test_write_then_read_gives_identical_predictions(rebuilt: Rebuilt, tmp_path: Path) -> None:
    model = Model(rebuilt.model.pipeline, threshold=0.35, version="v-test")
    path = write_model(model, tmp_path / "m", _meta(note="round trip"), "# Card\n")
    assert path == tmp_path / "m" / MODEL_FILE
    loaded = read_model(tmp_path / "m")
    np.testing.assert_array_equal(
        loaded.pipeline.predict_proba(TEXTS), model.pipeline.predict_proba(TEXTS)
    )
    assert (loaded.threshold, loaded.version) == (0.35, "v-test")
    assert loaded.metadata == {
        "sklearn_version": sklearn.__version__,
        "note": "round trip",
        "threshold": 0.35,
        "version": "v-test",
    }
    assert (tmp_path / "m" / "MODEL_CARD.md").read_text(encoding="utf-8") == "# Card\n"
    assert not (tmp_path / "m" / "rejection.tmp").exists()


def test_write_model_replaces_an_existing_model(tiny: Model, tmp_path: Path) -> None:
    write_model(Model(tiny.pipeline, version="one"), tmp_path, _meta(), "one")
    write_model(Model(tiny.pipeline, version="two"), tmp_path, _meta(), "two")
    assert read_model(tmp_path).version == "two"


def test_write_model_failure_is_a_model_error(tiny: Model, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a folder", encoding="utf-8")
    with pytest.raises(ModelError):
        write_model(tiny, blocker / "models", _meta(), "card")


# --- refusing bad files -------------------------------------------------------------------------


def test_corrupt_file_raises_model_error(tmp_path: Path) -> None:
    directory = _corrupt_model_dir(tmp_path / "m")
    with pytest.raises(ModelError) as info:
        read_model(directory)
    assert str(info.value).startswith(f"cannot load {directory / MODEL_FILE}: ")
    assert info.value.__cause__ is not None


def test_truncated_model_raises_model_error(tiny: Model, tmp_path: Path) -> None:
    path = write_model(tiny, tmp_path, _meta(), "card")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelError, match=r"^cannot load "):
        read_model(tmp_path)


def test_model_from_another_sklearn_version_raises_model_error(tiny: Model, tmp_path: Path) -> None:
    write_model(tiny, tmp_path, {"sklearn_version": "0.24.2"}, "card")
    with pytest.raises(ModelError) as info:
        read_model(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / MODEL_FILE} was made with scikit-learn 0.24.2, this is {sklearn.__version__}"
    )


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        read_model(tmp_path)
    assert str(info.value) == f"no model file at {tmp_path / MODEL_FILE}"


@pytest.mark.parametrize("metadata", [None, "{not json"])
def test_missing_or_broken_metadata(tiny: Model, tmp_path: Path, metadata: str | None) -> None:
    write_model(tiny, tmp_path, _meta(), "card")
    if metadata is None:
        (tmp_path / "metadata.json").unlink()
    else:
        (tmp_path / "metadata.json").write_text(metadata, encoding="utf-8")
    with pytest.raises(ModelError, match=f"^unreadable model metadata in {tmp_path}: "):
        read_model(tmp_path)


def _dump(obj: object, directory: Path) -> None:
    sio.dump(obj, directory / MODEL_FILE)
    (directory / "metadata.json").write_text(json.dumps(_meta()), encoding="utf-8")


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    _dump(FunctionTransformer(func=operator.neg), tmp_path)
    with pytest.raises(ModelError) as info:
        read_model(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / MODEL_FILE} contains types gracious does not trust: ['_operator.neg']"
    )


def test_a_file_without_a_classifier_is_refused(tmp_path: Path) -> None:
    _dump(TfidfVectorizer(), tmp_path)
    with pytest.raises(ModelError) as info:
        read_model(tmp_path)
    assert str(info.value) == f"{tmp_path / MODEL_FILE} does not hold a classifier"


# --- the shipped model --------------------------------------------------------------------------


def test_shipped_model_loads_without_rebuilding(shipped_model: Model) -> None:
    assert shipped_model.threshold == 0.5
    assert hasattr(shipped_model.pipeline, "predict_proba")
    assert (shipped_dir() / "MODEL_CARD.md").is_file()


def test_shipped_model_was_trained_on_the_shipped_corpus(shipped_model: Model) -> None:
    assert shipped_model.metadata["corpus_hash"] == corpus_hash(corpus_dir())


def test_load_model_defaults_to_the_shipped_model(shipped_model: Model) -> None:
    model = load_model()
    assert model.version == shipped_model.version
    np.testing.assert_array_equal(
        model.pipeline.predict_proba(TEXTS), shipped_model.pipeline.predict_proba(TEXTS)
    )
