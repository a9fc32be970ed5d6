"""The test server itself (tests/dovecot.py): it must see problems that IMAP hides, refuse a
Dovecot it was not written for, and leave no process behind."""

from __future__ import annotations

import os
import re
import socket
import struct
import time
from pathlib import Path

import pytest
from dovecot import (
    HOST,
    Dovecot,
    DovecotError,
    ImapUser,
    append_messages,
    dovecot_binary,
    start_dovecot,
)
from imapclient.exceptions import IMAPClientError


def test_a_permission_problem_shows_only_in_the_log_and_is_caught() -> None:
    server = start_dovecot()
    try:
        user = server.add_user()
        append_messages(user, "INBOX", [b"Subject: hello\r\n\r\nhello\r\n"])
        start = server.log_size()
        os.chown(user.maildir, 0, 0)  # as a careless chown -R would leave it
        user.maildir.chmod(0o700)
        with user.connect() as client:
            assert "INBOX" in {name for _, _, name in client.list_folders()}  # looks fine
            with pytest.raises(IMAPClientError, match="Internal error"):
                client.select_folder("INBOX", readonly=True)
        problems = server.problems(start)
        assert problems
        assert all("Error: " in line and "Permission denied" in line for line in problems)
    finally:
        server.stop()
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)  # the whole process group is gone
    assert not server.root.exists()


def test_only_dovecot_2_3_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert dovecot_binary()  # the installed one is fine
    fake = tmp_path / "dovecot"
    fake.write_text("#!/bin/sh\necho '2.4.1 (f1a2b3c4d5)'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    with pytest.raises(DovecotError) as caught:
        dovecot_binary()
    assert str(caught.value) == (
        f"the mailbox tests need Dovecot 2.3.x; {fake} --version says '2.4.1 (f1a2b3c4d5)'"
    )


def _append_and_vanish(user: ImapUser) -> None:
    """Start an APPEND and reset the connection halfway, as a client killed mid-save does."""
    with socket.create_connection((HOST, user.server.port), timeout=30) as conn:
        reader = conn.makefile("rb")
        reader.readline()  # greeting
        conn.sendall(f"a LOGIN {user.name} {user.password}\r\n".encode())
        while not reader.readline().startswith(b"a OK"):
            pass
        conn.sendall(b"b APPEND Drafts {1000}\r\n")
        assert reader.readline().startswith(b"+")
        conn.sendall(b"Subject: half\r\n\r\n")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        reader.close()


def _settled_problems(server: Dovecot, start: int) -> list[str]:
    """The problems since ``start`` once some came and no more followed for 0.2 s."""
    deadline = time.monotonic() + 30
    seen: list[str] = []
    while time.monotonic() < deadline:
        now = server.problems(start)
        if now and now == seen:
            return now
        seen = now
        time.sleep(0.2)
    raise AssertionError(f"Dovecot logged no problem within 30 s (saw {seen})")


def test_expected_problems_pass_the_test_and_the_session_others_do_not() -> None:
    server = start_dovecot()
    try:
        user = server.add_user()
        pattern = r"Mailbox Drafts: Saving mail: (save: )?read\(<imap client>\) failed"
        unexpected = []
        for expect in (False, True):
            start = server.log_size()
            if expect:
                server.expect_problems(pattern)
            _append_and_vanish(user)
            lines = _settled_problems(server, start)
            assert all(re.search(pattern, line) for line in lines)
            assert server.unexpected_problems(start) == ([] if expect else lines)
            unexpected += [] if expect else lines
        assert server.problems() == unexpected  # what the session-end check sees
    finally:
        server.stop()
