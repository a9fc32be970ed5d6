"""Mail to label, read from a folder of .eml files, an mbox file or a Maildir; never modified.

:func:`read_mail` decides the kind and lists the messages when it is called, so a path that is
missing, unreadable or holds no mail fails at once with one line. The bytes of each message are
read as the caller iterates: a file that vanishes or cannot be read meanwhile raises then, naming
that file. Callers that label collect everything before writing anything, so a failure part-way
leaves nothing half-done.
"""

from __future__ import annotations

import mailbox
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from detector.corpus import iter_eml
from detector.errors import GraciousError

__all__ = ["ImportFailed", "ImportedMail", "read_mail"]

_KINDS = "a folder of .eml files, an mbox file or a Maildir"


class ImportFailed(GraciousError):
    """The mail to label could not be read; names the path and what to give instead."""


@dataclass(frozen=True)
class ImportedMail:
    """One message as found: its origin (a file, or ``mbox#n`` counting from 1) and its bytes."""

    origin: str
    raw: bytes = field(repr=False)


def read_mail(path: Path) -> Iterator[ImportedMail]:
    """Every message in ``path``: a Maildir, .eml files in a folder tree, an mbox or one .eml.

    A folder with ``cur/`` and ``new/`` is a Maildir; its files are read directly, never renamed
    (``mailbox.Maildir`` would move mail from new/ to cur/ on some operations). Any other folder is
    searched for ``*.eml``. A file is an mbox when it starts with ``From `` and a message when its
    name ends in ``.eml``.
    """
    info = _stat(path)
    if stat.S_ISDIR(info.st_mode):
        if _is_maildir(path):
            return _files(_maildir_files(path))
        _check_walkable(path)
        files = list(iter_eml(path))
        if not files:
            raise ImportFailed(f"{path} holds no .eml files, mbox or Maildir; give {_KINDS}")
        return _files(files)
    if not stat.S_ISREG(info.st_mode):
        raise ImportFailed(f"{path} is not a regular file or folder; give {_KINDS}")
    if _starts_like_mbox(path):
        return _mbox(path)
    if path.suffix.lower() == ".eml":
        return _files([path])
    raise ImportFailed(
        f"{path} is neither an .eml file nor an mbox (which starts with 'From '); give {_KINDS}"
    )


def _stat(path: Path) -> os.stat_result:
    """``path``'s status, following links; missing and unreadable paths each get their own line."""
    try:
        return path.stat()
    except FileNotFoundError as err:
        if path.is_symlink():
            raise ImportFailed(f"{path} is a link to nothing; give {_KINDS}") from err
        raise ImportFailed(f"{path} does not exist; give {_KINDS}") from err
    except OSError as err:
        raise _unreadable(path, err) from err


def _unreadable(path: Path | str, err: OSError) -> ImportFailed:
    reason = err.strerror or str(err)
    return ImportFailed(f"cannot read {path}: {reason}; check that it is there and yours to read")


def _is_maildir(folder: Path) -> bool:
    try:
        names = {child.name for child in folder.iterdir()}
    except OSError as err:
        raise _unreadable(folder, err) from err
    return {"cur", "new"} <= names and all((folder / n).is_dir() for n in ("cur", "new"))


def _check_walkable(root: Path) -> None:
    """Fail on a folder that cannot be listed: the glob behind iter_eml skips it in silence."""

    def fail(err: OSError) -> None:
        raise _unreadable(err.filename or root, err) from err

    for _ in os.walk(root, onerror=fail):
        pass


def _maildir_files(root: Path) -> list[Path]:
    """The message files in new/ and cur/, by name; tmp/ holds deliveries still being written."""
    found: list[Path] = []
    for sub in ("new", "cur"):
        folder = root / sub
        try:
            with os.scandir(folder) as entries:
                names = sorted(
                    e.name for e in entries if e.is_file() and not e.name.startswith(".")
                )
        except OSError as err:
            raise _unreadable(folder, err) from err
        found += [folder / name for name in names]
    if not found:
        raise ImportFailed(f"the Maildir {root} holds no mail in new/ or cur/; give {_KINDS}")
    return found


def _files(paths: list[Path]) -> Iterator[ImportedMail]:
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise _unreadable(path, err) from err
        yield ImportedMail(str(path), raw)


def _starts_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError as err:
        raise _unreadable(path, err) from err


def _mbox(path: Path) -> Iterator[ImportedMail]:
    """Each message of the mbox in file order, as stored (without its ``From `` line).

    Only ``get_bytes`` is called: mailbox.mbox writes on ``flush`` only when something was added
    or removed, so closing it leaves the file as it was. It is opened when iteration starts, so an
    iterator dropped unused holds no file open.
    """
    try:
        box = mailbox.mbox(path, create=False)
    except OSError as err:
        raise _unreadable(path, err) from err
    try:
        for number, key in enumerate(box.iterkeys(), 1):
            yield ImportedMail(f"{path}#{number}", box.get_bytes(key))
    except OSError as err:
        raise _unreadable(path, err) from err
    finally:
        box.close()
