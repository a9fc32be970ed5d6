"""The functional core stays pure: no mailbox, scheduler, database, network or process imports.

Imports are read from the source with ast (including imports inside functions) and followed
through our own packages, so a pure module cannot reach an edge module indirectly either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORBIDDEN = {"imapclient", "apscheduler", "sqlite3", "socket", "subprocess"}
OURS = ("detector", "drafts")
ROOT = Path(__file__).resolve().parent.parent
DRAFTS = sorted(
    "drafts" if p.stem == "__init__" else f"drafts.{p.stem}" for p in (ROOT / "drafts").glob("*.py")
)
PURE = [
    "detector.message",
    "detector.body",
    "detector.language",
    "detector.facts",
    "detector.classifier",
    "detector.compose",
    "detector.evaluation",
    *DRAFTS,
]


def _source(module: str) -> Path | None:
    """The file of one of our modules (None if ``module`` names no module of ours)."""
    parts = module.split(".")
    if parts[0] not in OURS:
        return None
    if parts[:2] == ["detector", "models"]:  # installed as detector.models, lives in models/
        parts = ["models", *parts[2:]]
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _names(source: str, package: str) -> set[str]:
    """Every module name a source imports, made absolute, at any depth (functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            # "from detector import facts" imports the submodule detector.facts
            found.update(
                f"{base}.{alias.name}"
                for alias in node.names
                if _source(f"{base}.{alias.name}") is not None
            )
    return found


def _imports(module: str) -> set[str]:
    path = _source(module)
    assert path is not None, f"{module} not found"
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _names(path.read_text(encoding="utf-8"), package)


def _closure(module: str) -> dict[str, list[str]]:
    """Every module reachable from ``module`` through our packages, with the path that got there."""
    paths = {module: [module]}
    todo = [module]
    while todo:
        current = todo.pop()
        for name in sorted(_imports(current)):
            if name.split(".")[0] in OURS and name not in paths:
                paths[name] = [*paths[current], name]
                todo.append(name)
            elif name.split(".")[0] not in OURS:
                paths.setdefault(name, [*paths[current], name])
    return paths


def test_the_pure_module_list_is_complete() -> None:
    assert "drafts.reply" in DRAFTS
    for module in PURE:
        assert _source(module) is not None, module


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_never_import_io_edges(module: str) -> None:
    reached = _closure(module)
    bad = {
        name: " -> ".join(path) for name, path in reached.items() if name.split(".")[0] in FORBIDDEN
    }
    assert bad == {}


def test_the_walker_sees_every_kind_of_import() -> None:
    source = (
        "import os.path\n"
        "from . import body\n"
        "from .message import parse\n"
        "def later():\n"
        "    import sqlite3\n"
        "    from socket import create_connection\n"
        "class Edge:\n"
        "    def run(self):\n"
        "        import subprocess as sp\n"
    )
    assert _names(source, "detector") == {
        "os.path",
        "detector",
        "detector.body",
        "detector.message",
        "sqlite3",
        "socket",
        "subprocess",
    }


def test_drafts_knows_nothing_of_the_detector() -> None:
    for module in DRAFTS:
        reached = _closure(module)
        assert not [name for name in reached if name.split(".")[0] == "detector"], module
