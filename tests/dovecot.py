"""A real Dovecot 2.3 for the mailbox tests: started once per session, always torn down.

What the code below relies on, checked on a real machine:

- Dovecot's auth runs as the ``dovecot`` user, so the server's directory must be readable by
  others (0755); pytest's ``tmp_path`` is 0700, hence ``tempfile.mkdtemp`` and ``chmod``.
- Mail cannot be stored as uid 0: every user maps to uid/gid 65534, who owns ``home/``.
- A permission problem still lets LOGIN and LIST succeed and only shows in Dovecot's log, so the
  log is checked for ``Error:``, ``Fatal:`` and ``Panic:`` after start-up, after every test and
  at the end of the session.
- Each user has a passwd file of their own (``users/<name>``): a new file is read at once, while
  a line added to a shared file is only seen a second or more later.
- Tests log in with wrong passwords on purpose; Dovecot's auth penalty would then delay every
  later login from 127.0.0.1 by seconds, so it is switched off.
- The server greets about 25 ms after start; readiness is polled, never slept for.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import itertools
import json
import os
import re
import secrets
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import imapclient

__all__ = [
    "GMAIL_FOLDERS",
    "HOST",
    "IDENTITY_EMAIL",
    "IDENTITY_NAME",
    "STANDARD_FOLDERS",
    "CuttingProxy",
    "Dovecot",
    "DovecotError",
    "ImapUser",
    "Seed",
    "Stored",
    "append_messages",
    "create_folder",
    "dovecot_binary",
    "draft_ids",
    "expunge_all",
    "imap_account",
    "read_folder",
    "snapshot",
    "start_dovecot",
    "write_config",
]

HOST = "127.0.0.1"
IDENTITY_NAME = "Sam Keller"
IDENTITY_EMAIL = "sam@example.org"
MAIL_UID = MAIL_GID = 65534  # nobody/nogroup: Dovecot refuses to store mail as root
START_TIMEOUT = 30.0
PROBLEM = re.compile(r"\b(Error|Fatal|Panic):")
SBIN = ("/usr/sbin", "/usr/local/sbin", "/sbin")

# (folder, special-use flag): Drafts, Sent and Trash as most servers have them ...
STANDARD_FOLDERS = (("Drafts", "\\Drafts"), ("Sent", "\\Sent"), ("Trash", "\\Trash"))
# ... and Gmail's layout, where they live below a "[Gmail]/" parent that holds no mail.
GMAIL_FOLDERS = (
    ("[Gmail]/Drafts", "\\Drafts"),
    ("[Gmail]/Sent Mail", "\\Sent"),
    ("[Gmail]/Trash", "\\Trash"),
    ("[Gmail]/All Mail", "\\All"),
    ("[Gmail]/Spam", "\\Junk"),
)


class DovecotError(Exception):
    """Dovecot is missing, the wrong version, or did not start; the text says what to do."""


# --- the server ----------------------------------------------------------------------------------


def dovecot_binary() -> str:
    """The installed ``dovecot``, which must be 2.3.x (the config below is 2.3 syntax)."""
    search = os.pathsep.join([os.environ.get("PATH", ""), *SBIN])
    found = shutil.which("dovecot", path=search)
    if found is None:
        raise DovecotError(
            "Dovecot is not installed (no `dovecot` on PATH or in /usr/sbin); the mailbox tests "
            "need a real IMAP server: apt-get install dovecot-imapd (bash .ci/run does this)"
        )
    done = subprocess.run(
        [found, "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    version = done.stdout.strip()
    if done.returncode != 0 or not version.startswith("2.3."):
        shown = version or done.stderr.strip() or f"exit status {done.returncode}"
        raise DovecotError(
            f"the mailbox tests need Dovecot 2.3.x; {found} --version says {shown!r}"
        )
    return found


def _config(root: Path, port: int, folders: Sequence[tuple[str, str]]) -> str:
    mailboxes = "\n".join(
        f'  mailbox "{name}" {{\n    special_use = {flag}\n    auto = subscribe\n  }}'
        for name, flag in folders
    )
    return f"""\
# Written by tests/dovecot.py for one test session.
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {HOST}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_failure_delay = 0

mail_fsync = never
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users/%u
}}
userdb {{
  driver = static
  args = uid={MAIL_UID} gid={MAIL_GID} home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
{mailboxes}
}}
# No auth penalty: the tests log in with wrong passwords on purpose, from one address.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    """A TCP port nobody listens on right now (Dovecot's start is retried if it gets taken)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ImapUser:
    """A mail user of a running Dovecot, with an empty Maildir until a test fills it."""

    server: Dovecot
    name: str
    password: str = field(repr=False)

    @property
    def maildir(self) -> Path:
        """Where Dovecot keeps this user's mail (INBOX at the root, folders as ``.Name``)."""
        return self.server.root / "home" / self.name / "Maildir"

    @contextlib.contextmanager
    def connect(self) -> Iterator[imapclient.IMAPClient]:
        """A logged-in client, logged out afterwards."""
        client = imapclient.IMAPClient(HOST, port=self.server.port, ssl=False, timeout=30)
        try:
            if self.password.isascii():
                client.login(self.name, self.password)
            else:  # LOGIN is ASCII-only; AUTHENTICATE PLAIN carries UTF-8
                client.plain_login(self.name, self.password)
            yield client
        finally:
            try:
                client.logout()
            except Exception:  # a test may have broken the connection: just close it
                with contextlib.suppress(Exception):
                    client.shutdown()


@dataclass
class Dovecot:
    """A Dovecot process in its own session, with its config, users and log in ``root``."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]
    layout: Sequence[tuple[str, str]]
    _names: Iterator[int] = field(default_factory=itertools.count)
    _expected: list[re.Pattern[str]] = field(default_factory=list)
    _forgiven: set[str] = field(default_factory=set)

    @property
    def log(self) -> Path:
        return self.root / "dovecot.log"

    def log_size(self) -> int:
        """The log's length now: :meth:`problems` after it covers only what happens next."""
        return self.log.stat().st_size if self.log.exists() else 0

    def problems(self, start: int = 0) -> list[str]:
        """Error, Fatal and Panic lines logged after byte ``start``, but for expected ones."""
        if not self.log.exists():
            return []
        with self.log.open("rb") as handle:
            handle.seek(start)
            text = handle.read().decode("utf-8", "replace")
        return [
            line
            for line in text.splitlines()
            if PROBLEM.search(line) and line not in self._forgiven
        ]

    def expect_problems(self, pattern: str) -> None:
        """Let lines matching ``pattern`` pass while this test runs: the test provokes them."""
        self._expected.append(re.compile(pattern))

    def unexpected_problems(self, start: int) -> list[str]:
        """:meth:`problems` since ``start`` that no expectation covers; forget the expectations."""
        found = []
        for line in self.problems(start):
            if any(p.search(line) for p in self._expected):
                self._forgiven.add(line)
            else:
                found.append(line)
        self._expected.clear()
        return found

    def add_user(self, password: str | None = None) -> ImapUser:
        """A new user with a fresh, empty mailbox, so tests never see each other's mail."""
        name = f"user{next(self._names)}"
        user = ImapUser(self, name, password or secrets.token_hex(8))
        passwd = self.root / "users" / name
        passwd.write_text(f"{name}:{{PLAIN}}{user.password}::::::\n", encoding="utf-8")
        passwd.chmod(0o644)
        return user

    def stop(self) -> None:
        """Stop the whole process group, then remove everything the server wrote."""
        _stop(self.process)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot(folders: Sequence[tuple[str, str]] = STANDARD_FOLDERS) -> Dovecot:
    """Start Dovecot on a free port and check that a user can log in and store mail."""
    binary = dovecot_binary()
    if os.geteuid() != 0:
        raise DovecotError(
            "the mailbox tests start Dovecot as root, which then switches to the mail user "
            f"({MAIL_UID}) and its own users; run them as root, as .ci/run does"
        )
    root = Path(tempfile.mkdtemp(prefix="gracious-dovecot-"))
    try:
        root.chmod(0o755)  # auth and the mail processes run as other users
        (root / "users").mkdir(mode=0o755)
        (root / "home").mkdir(mode=0o755)
        os.chown(root / "home", MAIL_UID, MAIL_GID)
        server = _launch(binary, root, folders)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        _self_check(server)
    except BaseException:
        server.stop()
        raise
    return server


def _launch(binary: str, root: Path, folders: Sequence[tuple[str, str]]) -> Dovecot:
    config = root / "dovecot.conf"
    last = ""
    for _ in range(5):  # another process may take the free port before Dovecot binds it
        port = free_port()
        config.write_text(_config(root, port, folders), encoding="utf-8")
        config.chmod(0o644)
        with (root / "stderr.log").open("wb") as stderr:
            process = subprocess.Popen(
                [binary, "-F", "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,  # its own process group: killpg stops every child
            )
        try:
            _wait_for_greeting(process, port, root)
        except _PortTaken as err:
            _stop(process)
            last = str(err)
            continue
        except BaseException:
            _stop(process)
            raise
        return Dovecot(root, port, process, folders)
    raise DovecotError(f"Dovecot found no free port after 5 tries: {last}")


class _PortTaken(DovecotError):
    pass


def _wait_for_greeting(process: subprocess.Popen[bytes], port: int, root: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = _tail(root / "stderr.log") + _tail(root / "dovecot.log")
            if "Address already in use" in output:
                raise _PortTaken(output)
            raise DovecotError(
                f"Dovecot exited with status {process.returncode} at start-up:\n{output}"
            )
        try:
            with socket.create_connection((HOST, port), timeout=5) as conn:
                if conn.recv(200).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.01)
    raise DovecotError(
        f"Dovecot did not greet on {HOST}:{port} within {START_TIMEOUT:.0f} s:\n"
        + _tail(root / "dovecot.log")
    )


def _self_check(server: Dovecot) -> None:
    """Log in, store a message and read it back; fail on anything Dovecot logs as a problem."""
    user = server.add_user()
    try:
        with user.connect() as client:
            client.append("INBOX", b"Subject: self-check\r\n\r\nhello\r\n")
            client.select_folder("INBOX", readonly=True)
            fetched = client.fetch(client.search(["ALL"]), ["BODY.PEEK[]"])
            folders = {str(name) for _, _, name in client.list_folders()}
    except (OSError, imapclient.exceptions.IMAPClientError) as err:
        raise DovecotError(
            f"Dovecot started but a user cannot log in and store mail ({err}):\n"
            + _tail(server.log)
        ) from err
    missing = {name for name, _ in server.layout} - folders
    problems = server.problems()
    if len(fetched) != 1 or missing or problems:
        raise DovecotError(
            f"Dovecot's self-check failed (read back {len(fetched)} of 1 message, missing "
            f"folders {sorted(missing)}); its log says:\n"
            + "\n".join(problems or [_tail(server.log)])
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL to whatever is left of it, until it is empty."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
    deadline = time.monotonic() + 10  # the children are reaped by init, a moment later
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)


def _tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:]) + "\n"


# --- mail in and out -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """A message to APPEND, with the flags and INTERNALDATE it should get."""

    raw: bytes
    flags: tuple[bytes, ...] = ()
    date: datetime | None = None


def append_messages(
    user: ImapUser, folder: str, messages: Sequence[bytes | Seed], *, batch: int = 100
) -> None:
    """APPEND ``messages`` in order (so UIDs follow it), ``batch`` per MULTIAPPEND command."""
    items: list[Any] = []
    for message in messages:
        seed = message if isinstance(message, Seed) else Seed(message)
        item: dict[str, Any] = {"msg": seed.raw, "flags": seed.flags}
        if seed.date is not None:
            item["date"] = seed.date
        items.append(item)
    with user.connect() as client:
        for start in range(0, len(items), batch):
            client.multiappend(folder, items[start : start + batch])


@dataclass(frozen=True)
class Stored:
    """One message as the server holds it."""

    uid: int
    flags: frozenset[bytes]
    raw: bytes

    @property
    def headers(self) -> EmailMessage:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


def read_folder(user: ImapUser, folder: str) -> list[Stored]:
    """Every message in ``folder`` by UID, read with EXAMINE and BODY.PEEK[].

    ``\\Recent`` is left out of the flags: it belongs to an IMAP session, not to the message.
    """
    with user.connect() as client:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
    return [
        Stored(uid, frozenset(data[uid][b"FLAGS"]) - {b"\\Recent"}, bytes(data[uid][b"BODY[]"]))
        for uid in sorted(data)
    ]


def draft_ids(user: ImapUser, folder: str = "Drafts") -> Counter[str]:
    """How often each Message-ID is in ``folder``: a duplicate counts 2."""
    return Counter(str(m.headers["Message-ID"]) for m in read_folder(user, folder))


def create_folder(user: ImapUser, folder: str) -> None:
    """CREATE ``folder``."""
    with user.connect() as client:
        client.create_folder(folder)


def expunge_all(user: ImapUser, folder: str) -> None:
    """What a user deleting every message of ``folder`` (and emptying the bin) does."""
    with user.connect() as client:
        client.select_folder(folder)
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()


def snapshot(user: ImapUser, folder: str) -> dict[str, Any]:
    """Everything a client could see change in ``folder``: per UID the flags (with ``\\Recent``),
    MODSEQ, INTERNALDATE and bytes, and the folder's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ."""
    with user.connect() as client:
        client.enable("CONDSTORE")
        status = client.folder_status(folder, ["UIDVALIDITY", "UIDNEXT", "HIGHESTMODSEQ"])
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        items = ["FLAGS", "MODSEQ", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[]"]
        data = client.fetch(uids, items) if uids else {}
    messages = {
        uid: (
            tuple(sorted(row[b"FLAGS"])),
            row[b"MODSEQ"],
            row[b"INTERNALDATE"],
            row[b"RFC822.SIZE"],
            bytes(row[b"BODY[]"]),
        )
        for uid, row in data.items()
    }
    return {"status": status, "messages": messages}


# --- gracious's config for a test server ---------------------------------------------------------


def imap_account(
    user: ImapUser,
    directory: Path,
    *,
    name: str | None = None,
    password: str | None = None,
    port: int | None = None,
    **options: object,
) -> dict[str, object]:
    """An ``[[accounts]]`` table for ``user``; the password is read with ``cat`` from a 0600 file."""
    name = name or user.name
    handle, file = tempfile.mkstemp(prefix=f"{name}-", suffix=".password", dir=directory)
    with os.fdopen(handle, "w") as secret:  # mkstemp makes it 0600
        secret.write((password if password is not None else user.password) + "\n")
    return {
        "name": name,
        "host": HOST,
        "port": port or user.server.port,
        "security": "plain",
        "username": user.name,
        "password_command": f"cat {shlex.quote(file)}",
        **options,
    }


def write_config(
    directory: Path,
    accounts: Sequence[Mapping[str, object]],
    *,
    state: Path | None = None,
    name: str = "config.toml",
    sections: Mapping[str, Mapping[str, object]] | None = None,
) -> Path:
    """A gracious config file with a fixed identity, the journal in ``directory``.

    ``sections`` adds tables, e.g. ``{"training": {"rejection_folder": "Learn"}}``.
    """
    lines = [
        "[identity]",
        f"name = {_toml(IDENTITY_NAME)}",
        f"email = {_toml(IDENTITY_EMAIL)}",
        "",
        "[state]",
        f"path = {_toml(str(state or directory / 'state.sqlite3'))}",
    ]
    for table, values in (sections or {}).items():
        lines += ["", f"[{table}]", *(f"{key} = {_toml(v)}" for key, v in values.items())]
    for account in accounts:
        lines += ["", "[[accounts]]", *(f"{key} = {_toml(v)}" for key, v in account.items())]
    path = directory / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value))  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


# --- a server that hangs up ----------------------------------------------------------------------


class CuttingProxy:
    """A TCP proxy to Dovecot that drops its first connection after ``cut_after`` bytes from the
    server, as a flaky network or a restarting server does; later connections pass untouched."""

    def __init__(self, upstream_port: int, cut_after: int) -> None:
        self.upstream_port = upstream_port
        self.cut_after = cut_after
        self.cuts = 0
        self.served = 0  # bytes from the server on the first connection
        self._listener = socket.create_server((HOST, 0))
        self.port = int(self._listener.getsockname()[1])
        self._first = True
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._accepter.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._listener.close()
        self._accepter.join(10)
        for thread in self._threads:
            thread.join(10)

    def _accept(self) -> None:
        self._listener.settimeout(0.05)
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            limit = self.cut_after if self._first else None
            self._first = False
            thread = threading.Thread(target=self._forward, args=(client, limit), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _forward(self, client: socket.socket, limit: int | None) -> None:
        with contextlib.suppress(OSError), client:  # a peer that hung up ends the forwarding
            upstream = socket.create_connection((HOST, self.upstream_port), timeout=30)
            for end in (client, upstream):  # no Nagle delays on top of the server's own
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._pipe(client, upstream, limit)

    def _pipe(self, client: socket.socket, upstream: socket.socket, limit: int | None) -> None:
        sent = 0
        with upstream, selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            while not self._closing.is_set():
                for key, _ in selector.select(timeout=0.05):
                    source = key.fileobj
                    assert isinstance(source, socket.socket)
                    data = source.recv(65536)
                    if not data:
                        return
                    if source is upstream and limit is not None:
                        if sent + len(data) >= limit:
                            client.sendall(data[: limit - sent])
                            self.served, self.cuts = limit, self.cuts + 1
                            return  # both sockets close: the connection is cut mid-response
                        sent += len(data)
                        self.served = sent
                    key.data.sendall(data)
