"""Labeled mail on disk: ``DIR/rejection/*.eml``, ``DIR/not_rejection/*.eml``, optional labels.

The shipped training corpus and any folder given to ``gracious evaluate --labeled`` share this
layout. ``labels.jsonl`` (one object per file) adds extraction truth and, for our corpus, the
template family that keeps near-duplicates on one side of a split.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from detector.errors import GraciousError, MessageError
from detector.message import Message, parse

__all__ = ["CLASSES", "LabeledMail", "corpus_dir", "corpus_hash", "groups", "load_labeled"]

log = logging.getLogger(__name__)
CLASSES = ("not_rejection", "rejection")


@dataclass(frozen=True)
class LabeledMail:
    """One parsed message with its label (1 = rejection) and any extraction truth."""

    path: Path
    message: Message
    label: int
    truth: dict[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> str:
        """The template family, or the file itself when the folder records none."""
        return str(self.truth.get("family") or self.path.name)


def corpus_dir() -> Path:
    """The training corpus shipped inside the ``detector`` package."""
    return Path(str(resources.files("detector") / "corpus"))


def iter_eml(root: Path) -> Iterator[Path]:
    """``root`` itself when it is a file, else every ``*.eml`` below it, in a stable order."""
    if root.is_file():
        yield root
    else:
        yield from sorted(p for p in root.rglob("*.eml") if p.is_file())


def load_labeled(root: Path) -> tuple[list[LabeledMail], list[tuple[Path, str]]]:
    """Parse every labeled message under ``root``; return them and the files that failed."""
    if not root.is_dir():
        raise GraciousError(f"{root}: not a folder of labeled mail")
    truth = _read_labels(root / "labels.jsonl")
    mails: list[LabeledMail] = []
    failed: list[tuple[Path, str]] = []
    for label, name in enumerate(CLASSES):
        for path in iter_eml(root / name):
            try:
                message = parse(path.read_bytes())
            except (MessageError, OSError) as err:
                failed.append((path, str(err)))
                continue
            rel = path.relative_to(root).as_posix()
            mails.append(LabeledMail(path, message, label, truth.get(rel, {})))
    if not mails:
        raise GraciousError(f"{root}: no .eml files under rejection/ or not_rejection/")
    return mails, failed


def _read_labels(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    out: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out[str(row["file"])] = row
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise GraciousError(f"{path}:{n}: not a label row ({err})") from err
    return out


def groups(mails: list[LabeledMail]) -> list[int]:
    """Group ids such that one family or one sender domain never spans two groups.

    Families and sender domains are merged transitively (union-find), so a split by group keeps
    every template and every sender wholly on one side.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for mail in mails:
        fam = "family:" + mail.family
        find(fam)
        sender = mail.message.sender
        domain = _org_domain(sender.email) if sender else None
        if domain:
            union(fam, "domain:" + domain)
    roots: dict[str, int] = {}
    return [roots.setdefault(find("family:" + m.family), len(roots)) for m in mails]


# Shared relay domains: every employer on them is a different sender, so they do not merge groups.
_SHARED_DOMAINS = frozenset(
    {
        "greenhouse-mail.io",
        "greenhouse.io",
        "lever.co",
        "myworkday.com",
        "ashbyhq.com",
        "smartrecruiters.com",
        "icims.com",
        "workablemail.com",
        "workable.com",
        "taleo.net",
        "personio.de",
        "teamtailor-mail.com",
        "teamtailor.com",
        "bamboohr.com",
        "jazzhr.com",
        "recruitee.com",
        "jobvite.com",
        "successfactors.eu",
        "successfactors.com",
        "linkedin.com",
        "indeed.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "example.com",
        "example.net",
        "example.org",
        "softgarden.io",
        "welcometothejungle.com",
        "github.com",
    }
)


def _org_domain(email: str) -> str | None:
    """The sender's organisation domain, or None for relays and webmail shared by many senders."""
    domain = email.rpartition("@")[2].lower()
    labels = domain.split(".")
    if len(labels) < 2:
        return None
    base = ".".join(labels[-2:])
    if base in _SHARED_DOMAINS or domain in _SHARED_DOMAINS:
        return None
    return ".".join(labels[-3:]) if len(labels[-2]) <= 3 and len(labels) > 2 else base


def corpus_hash(root: Path) -> str:
    """A digest of every labeled file's name and bytes, to tie a model to the corpus it saw."""
    digest = hashlib.sha256()
    for name in CLASSES:
        for path in iter_eml(root / name):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
