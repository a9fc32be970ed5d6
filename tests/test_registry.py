"""The model registry (detector/registry.py): version folders, the ACTIVE pointer, and fallbacks.

A copy of the shipped model under another version number stands in for a retrained one: saving
and loading it is real, and takes a fraction of a second.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from conftest import invitation_mail, rejection_mail

from detector.classifier import Model, classify_many
from detector.errors import ModelError
from detector.message import parse
from detector.modelfile import CARD_FILE, METADATA_FILE, MODEL_FILE, shipped_dir
from detector.registry import SHIPPED, ModelInfo, ModelRegistry


def _copy(shipped: Model, version: str) -> Model:
    return Model(shipped.pipeline, shipped.threshold, version, shipped.metadata)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, shipped_model: Model) -> Path:
    """A copy of the shipped model saved once; tests place copies of the folder (fast)."""
    registry = ModelRegistry(tmp_path_factory.mktemp("template"))
    return registry.save(_copy(shipped_model, "20250101000000"), dict(shipped_model.metadata), "")


def _store(registry: ModelRegistry, saved: Path, version: str) -> Path:
    """A good model ``version`` in the registry, as :meth:`ModelRegistry.save` leaves one."""
    directory = registry.root / version
    shutil.copytree(saved, directory)
    meta = json.loads((saved / METADATA_FILE).read_text(encoding="utf-8"))
    meta["version"] = version
    (directory / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    (directory / CARD_FILE).write_text(f"# card {version}\n", encoding="utf-8")
    return directory


def _corrupt(registry: ModelRegistry, saved: Path, version: str) -> Path:
    directory = _store(registry, saved, version)
    (directory / MODEL_FILE).write_bytes(b"garbage")
    return directory


def _pointer(registry: ModelRegistry) -> str | None:
    path = registry.root / "ACTIVE"
    return path.read_text(encoding="utf-8") if path.exists() else None


# --- the pointer ---------------------------------------------------------------------------------


def test_without_a_pointer_the_shipped_model_is_active(
    tmp_path: Path, shipped_model: Model
) -> None:
    registry = ModelRegistry(tmp_path)
    assert registry.root == tmp_path / "models"
    assert registry.active_version() == SHIPPED
    [only] = registry.versions()
    assert (only.version, only.directory, only.active, only.problem) == (
        SHIPPED,
        shipped_dir(),
        True,
        None,
    )
    assert only.metadata["version"] == shipped_model.version
    assert not registry.root.exists()  # reading creates nothing


@pytest.mark.parametrize(
    "text",
    ["", "\n", "latest", "2026", "../x", "../../etc/passwd", "20260101000000/../x", "\x00\xff"],
)
def test_a_pointer_with_garbage_means_the_shipped_model(tmp_path: Path, text: str) -> None:
    registry = ModelRegistry(tmp_path)
    registry.root.mkdir()
    (registry.root / "ACTIVE").write_text(text, encoding="utf-8")
    assert registry.active_version() == SHIPPED


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("20260101000000\n", "20260101000000"),
        ("  20260101000000-2 \r\n", "20260101000000-2"),
        ("shipped\n", SHIPPED),
    ],
)
def test_a_pointer_names_a_version_whitespace_aside(
    tmp_path: Path, text: str, version: str
) -> None:
    registry = ModelRegistry(tmp_path)
    registry.root.mkdir()
    (registry.root / "ACTIVE").write_text(text, encoding="utf-8")
    assert registry.active_version() == version


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "latest",
        "2026",
        "202601010000000",
        "20260101000000-1234",
        "20260101000000-",
        "20260101000000/../../etc",
        "/20260101000000",
        "",
    ],
)
def test_directory_refuses_names_that_are_not_versions(tmp_path: Path, name: str) -> None:
    with pytest.raises(ModelError) as caught:
        ModelRegistry(tmp_path).directory(name)
    assert str(caught.value) == f"{name!r} is not a model version; `gracious models` lists them"


def test_directory_of_versions_and_of_the_shipped_model(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    assert registry.directory("20260101000000") == tmp_path / "models" / "20260101000000"
    assert registry.directory("20260101000000-2") == tmp_path / "models" / "20260101000000-2"
    assert registry.directory(SHIPPED) == shipped_dir()


def test_resolve_maps_the_shipped_models_own_number_to_shipped(
    tmp_path: Path, shipped_model: Model
) -> None:
    registry = ModelRegistry(tmp_path)
    assert registry.resolve(shipped_model.version) == SHIPPED
    assert registry.resolve(SHIPPED) == SHIPPED
    assert registry.resolve("20260101000000") == "20260101000000"
    assert registry.load(shipped_model.version).version == shipped_model.version


# --- writing -------------------------------------------------------------------------------------


def test_save_writes_a_whole_version_folder_that_is_not_yet_active(
    tmp_path: Path, shipped_model: Model
) -> None:
    registry = ModelRegistry(tmp_path)
    directory = registry.save(
        _copy(shipped_model, "20260101000000"), dict(shipped_model.metadata), "# card\n"
    )
    assert directory == registry.root / "20260101000000"
    assert sorted(p.name for p in registry.root.iterdir()) == ["20260101000000"]  # no leftovers
    assert sorted(p.name for p in directory.iterdir()) == [CARD_FILE, METADATA_FILE, MODEL_FILE]
    meta = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["version"] == "20260101000000"
    assert meta["threshold"] == shipped_model.threshold
    assert meta["corpus_hash"] == shipped_model.metadata["corpus_hash"]
    assert (directory / CARD_FILE).read_text(encoding="utf-8") == "# card\n"
    assert registry.active_version() == SHIPPED

    loaded = registry.load("20260101000000")
    assert (loaded.version, loaded.threshold) == ("20260101000000", shipped_model.threshold)
    mails = [parse(rejection_mail()), parse(invitation_mail())]
    assert classify_many(loaded, mails) == classify_many(shipped_model, mails)


def test_save_replaces_a_stale_half_written_folder(tmp_path: Path, shipped_model: Model) -> None:
    registry = ModelRegistry(tmp_path)
    stale = registry.root / ".20260101000000.partial"
    stale.mkdir(parents=True)
    (stale / "leftover").write_bytes(b"from a crash")
    directory = registry.save(
        _copy(shipped_model, "20260101000000"), dict(shipped_model.metadata), "# card\n"
    )
    assert not stale.exists()
    assert sorted(p.name for p in directory.iterdir()) == [CARD_FILE, METADATA_FILE, MODEL_FILE]


def test_save_never_overwrites_a_version(tmp_path: Path, shipped_model: Model) -> None:
    registry = ModelRegistry(tmp_path)
    directory = registry.save(
        _copy(shipped_model, "20260101000000"), dict(shipped_model.metadata), "# card\n"
    )
    with pytest.raises(ModelError) as caught:
        registry.save(_copy(shipped_model, "20260101000000"), {}, "# another\n")
    assert str(caught.value) == f"model 20260101000000 already exists in {registry.root}"
    assert (directory / CARD_FILE).read_text(encoding="utf-8") == "# card\n"
    assert sorted(p.name for p in registry.root.iterdir()) == ["20260101000000"]


def test_next_version_suffixes_when_the_second_is_taken(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    assert registry.next_version("20260101000000") == "20260101000000"  # no models/ yet
    (registry.root / "20260101000000").mkdir(parents=True)
    assert registry.next_version("20260101000000") == "20260101000000-2"
    (registry.root / "20260101000000-2").mkdir()
    assert registry.next_version("20260101000000") == "20260101000000-3"
    assert registry.next_version("20260101000001") == "20260101000001"


def test_activate_writes_the_pointer_and_returns_the_model(
    tmp_path: Path, shipped_model: Model, saved: Path
) -> None:
    registry = ModelRegistry(tmp_path)
    _store(registry, saved, "20260101000000")
    model = registry.activate("20260101000000")
    assert model.version == "20260101000000"
    assert _pointer(registry) == "20260101000000\n"
    assert registry.active_version() == "20260101000000"
    assert not (registry.root / ".ACTIVE.tmp").exists()
    # The shipped model by its number is written as "shipped".
    assert registry.activate(shipped_model.version).version == shipped_model.version
    assert _pointer(registry) == "shipped\n"
    assert registry.active_version() == SHIPPED


def test_activating_a_missing_version_changes_nothing(tmp_path: Path, saved: Path) -> None:
    registry = ModelRegistry(tmp_path)
    with pytest.raises(ModelError) as caught:
        registry.activate("20260105000000")
    assert str(caught.value) == "there is no model 20260105000000; `gracious models` lists them"
    assert _pointer(registry) is None

    _store(registry, saved, "20260101000000")
    registry.activate("20260101000000")
    with pytest.raises(ModelError, match=r"^there is no model 20260105000000;"):
        registry.activate("20260105000000")
    with pytest.raises(ModelError, match="is not a model version"):
        registry.activate("../20260101000000")
    assert _pointer(registry) == "20260101000000\n"


def test_activating_a_corrupt_version_keeps_the_active_one(tmp_path: Path, saved: Path) -> None:
    registry = ModelRegistry(tmp_path)
    _store(registry, saved, "20260101000000")
    registry.activate("20260101000000")
    broken = _corrupt(registry, saved, "20260102000000")
    with pytest.raises(ModelError) as caught:
        registry.activate("20260102000000")
    assert str(caught.value).startswith(f"cannot load {broken / MODEL_FILE}: ")
    assert registry.active_version() == "20260101000000"


# --- listing -------------------------------------------------------------------------------------


def test_versions_newest_first_shipped_last_with_problems_said(
    tmp_path: Path, shipped_model: Model, saved: Path
) -> None:
    registry = ModelRegistry(tmp_path)
    for version in ("20260101000000", "20260103000000", "20260101000000-2"):
        _store(registry, saved, version)
    garbled = _store(registry, saved, "20260102000000")
    (garbled / METADATA_FILE).write_text("{not json", encoding="utf-8")
    listed = _store(registry, saved, "20260104000000")
    (listed / METADATA_FILE).write_text("[1, 2]", encoding="utf-8")
    # Not versions: ignored.
    (registry.root / "notes").mkdir()
    (registry.root / ".20260105000000.partial").mkdir()
    (registry.root / "20260106000000").write_text("a file, not a folder", encoding="utf-8")
    registry.activate("20260103000000")

    infos = registry.versions()
    assert [(i.version, i.active, i.problem) for i in infos] == [
        ("20260104000000", False, "metadata is not an object"),
        ("20260103000000", True, None),
        (
            "20260102000000",
            False,
            "unreadable metadata: Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1)",
        ),
        ("20260101000000-2", False, None),
        ("20260101000000", False, None),
        (SHIPPED, False, None),
    ]
    assert [i.directory for i in infos] == [
        *(registry.root / v for v in ("20260104000000", "20260103000000", "20260102000000")),
        *(registry.root / v for v in ("20260101000000-2", "20260101000000")),
        shipped_dir(),
    ]
    assert infos[0].metadata == {}
    assert infos[1].metadata["version"] == "20260103000000"
    assert infos[-1].metadata["version"] == shipped_model.version
    assert infos[-1].held_out == shipped_model.metadata["holdout"]


def test_held_out_prefers_the_retrained_key_and_is_empty_when_unknown() -> None:
    where = Path("x")
    assert ModelInfo("v", where, {"held_out": {"f1": 0.9}, "holdout": {"f1": 0.1}}).held_out == {
        "f1": 0.9
    }
    assert ModelInfo("v", where, {"holdout": {"f1": 0.1}}).held_out == {"f1": 0.1}
    assert ModelInfo("v", where, {"held_out": None}).held_out == {}
    assert ModelInfo("v", where).held_out == {}


# --- loading the active model --------------------------------------------------------------------


def test_load_active_is_the_pointers_model(
    tmp_path: Path, shipped_model: Model, saved: Path
) -> None:
    registry = ModelRegistry(tmp_path)
    assert registry.load_active().version == shipped_model.version
    _store(registry, saved, "20260101000000")
    _store(registry, saved, "20260102000000")
    registry.activate("20260101000000")  # a rollback: the newer one is not used
    assert registry.load_active().version == "20260101000000"
    registry.activate(SHIPPED)
    assert registry.load_active().version == shipped_model.version


def test_load_active_falls_back_to_the_newest_good_version(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, saved: Path
) -> None:
    registry = ModelRegistry(tmp_path)
    _store(registry, saved, "20260101000000")
    _corrupt(registry, saved, "20260102000000")
    _corrupt(registry, saved, "20260103000000")
    (registry.root / "ACTIVE").write_text("20260103000000\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="detector.registry"):
        assert registry.load_active().version == "20260101000000"
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("the active model 20260103000000 cannot be used: cannot load ")
    assert messages[1] == "using model 20260101000000 instead; `gracious models` shows them all"
    assert registry.active_version() == "20260103000000"  # said, not silently rewritten


def test_load_active_of_a_deleted_version_falls_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, saved: Path
) -> None:
    registry = ModelRegistry(tmp_path)
    _store(registry, saved, "20260101000000")
    (registry.root / "ACTIVE").write_text("20260109000000\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="detector.registry"):
        assert registry.load_active().version == "20260101000000"
    assert caplog.records[0].getMessage() == (
        "the active model 20260109000000 cannot be used: "
        "there is no model 20260109000000; `gracious models` lists them"
    )


def test_load_active_falls_back_to_shipped_when_no_version_is_good(
    tmp_path: Path, shipped_model: Model, caplog: pytest.LogCaptureFixture, saved: Path
) -> None:
    registry = ModelRegistry(tmp_path)
    _corrupt(registry, saved, "20260101000000")
    garbled = _store(registry, saved, "20260102000000")
    (garbled / METADATA_FILE).write_text("", encoding="utf-8")
    registry.root.joinpath("ACTIVE").write_text("20260101000000\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="detector.registry"):
        assert registry.load_active().version == shipped_model.version
    assert caplog.records[-1].getMessage() == "using the shipped model instead"
