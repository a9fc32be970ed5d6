"""``gracious daemon`` and ``gracious doctor`` as a user runs them, against a real Dovecot.

The daemon runs as a child process with a poll interval of an hour, so a draft that appears
within the test's wait can only have come from IMAP IDLE waking it up.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import GRACIOUS, draft_id, gracious, invitation_mail, rejection_mail
from dovecot import (
    IDENTITY_EMAIL,
    IDENTITY_NAME,
    ImapUser,
    append_messages,
    draft_ids,
    imap_account,
    read_folder,
    write_config,
)

from detector.daemon import backoff

WAIT = 60.0  # generous: a shared, noisy machine; IDLE normally answers within a second


class Daemon:
    """A ``gracious daemon`` child process whose log lines are collected as they come."""

    def __init__(self, config: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [GRACIOUS, "daemon", "-c", str(config), *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def said(self, text: str) -> bool:
        """Whether any log line so far contains ``text``."""
        return any(text in line for line in list(self.lines))

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        """SIGTERM, wait for the exit, and return the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=WAIT)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return self.process.returncode


@contextmanager
def daemon(config: Path, *extra: str) -> Iterator[Daemon]:
    """A running daemon; always stopped at the end."""
    running = Daemon(config, *extra)
    try:
        yield running
    finally:
        running.stop()


def wait_for(predicate: object, timeout: float = WAIT) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_idle_wakes_the_daemon_and_sigterm_stops_it_cleanly(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    append_messages(imap_user, "INBOX", [invitation_mail()])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, poll_minutes=60)])
    with daemon(config) as running:
        # The first pass has read the invitation and IDLE is up; the next pass is an hour away.
        assert wait_for(lambda: running.said("waiting for new mail (IDLE)"))
        assert wait_for(lambda: running.said("INBOX UID 1: not a rejection"))
        append_messages(imap_user, "INBOX", [rejection_mail("<idle-1@northwind-labs.com>")])
        assert wait_for(
            lambda: draft_ids(imap_user) == {draft_id("<idle-1@northwind-labs.com>"): 1}
        )
        assert running.stop() == 0
    assert running.said("new mail announced by IDLE")
    assert running.said("stopping: finishing the current message")
    assert running.lines[-1].endswith("gracious daemon stopped")


def test_one_failing_account_never_stops_the_others(
    imap_users: Callable[[], ImapUser], tmp_path: Path
) -> None:
    good, bad = imap_users(), imap_users()
    append_messages(good, "INBOX", [rejection_mail("<both-1@northwind-labs.com>")])
    accounts = [
        imap_account(bad, tmp_path, password="wrong-password-123", poll_minutes=60, idle=False),
        imap_account(good, tmp_path, poll_minutes=60, idle=False),
    ]
    with daemon(write_config(tmp_path, accounts)) as running:
        assert wait_for(lambda: draft_ids(good) == {draft_id("<both-1@northwind-labs.com>"): 1})
        assert wait_for(lambda: running.said(f"account {bad.name}: retrying in")), running.lines
        assert running.running()
    assert all("wrong-password-123" not in line for line in running.lines)
    assert running.said(f"account {bad.name}: login as {bad.name}")


def test_json_logs_are_one_object_per_line_without_secrets(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    append_messages(imap_user, "INBOX", [rejection_mail("<json-1@northwind-labs.com>")])
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, poll_minutes=60)])
    with daemon(config, "--log-format", "json") as running:
        assert wait_for(
            lambda: draft_ids(imap_user) == {draft_id("<json-1@northwind-labs.com>"): 1}
        )
    records = [json.loads(line) for line in running.lines]
    assert records and all(set(r) == {"time", "level", "logger", "message"} for r in records)
    assert records[-1]["message"] == "gracious daemon stopped"
    assert all(imap_user.password not in line for line in running.lines)
    assert all("Northwind" not in r["message"] for r in records)  # no body or subject text


def test_sighup_reloads_config_and_model(imap_user: ImapUser, tmp_path: Path) -> None:
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, poll_minutes=60)])
    with daemon(config) as running:
        assert wait_for(lambda: running.said("waiting for new mail (IDLE)"))
        # The reloaded config signs with another name: the next draft must carry it.
        config.write_text(config.read_text().replace(IDENTITY_NAME, "Robin Reloaded"))
        running.process.send_signal(signal.SIGHUP)
        assert wait_for(lambda: running.said("reloaded config and model"))
        append_messages(imap_user, "INBOX", [rejection_mail("<hup-2@northwind-labs.com>")])
        assert wait_for(lambda: draft_ids(imap_user) == {draft_id("<hup-2@northwind-labs.com>"): 1})
        assert running.running()
    (draft,) = read_folder(imap_user, "Drafts")
    assert draft.headers["From"] == f"Robin Reloaded <{IDENTITY_EMAIL}>"


def test_a_broken_config_on_sighup_keeps_the_running_one(
    imap_user: ImapUser, tmp_path: Path
) -> None:
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, poll_minutes=60)])
    with daemon(config) as running:
        assert wait_for(lambda: running.said("waiting for new mail (IDLE)"))
        config.write_text(config.read_text() + "\nbogus_key = 1\n")
        running.process.send_signal(signal.SIGHUP)
        assert wait_for(lambda: running.said("reload failed, keeping the running config"))
        append_messages(imap_user, "INBOX", [rejection_mail("<hup-1@northwind-labs.com>")])
        assert wait_for(lambda: draft_ids(imap_user) == {draft_id("<hup-1@northwind-labs.com>"): 1})
    assert running.said("unknown key accounts[0].bogus_key")


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    rng = random.Random(3)
    delays = [backoff(n, 60, rng=rng) for n in range(1, 8)]
    bases = [5, 10, 20, 40, 60, 60, 60]
    assert all(0.5 * b <= d <= 1.5 * b for d, b in zip(delays, bases, strict=True))
    assert len(set(delays)) == len(delays)  # jitter: no two retries at the same moment


def test_doctor_passes_on_a_working_account(imap_user: ImapUser, tmp_path: Path) -> None:
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path)])
    done = gracious("doctor", "-c", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert f"ok    account {imap_user.name} login" in out
    assert f"ok    account {imap_user.name} drafts: Drafts" in out
    assert (
        f"ok    account {imap_user.name} sent: Sent (read-only: shows which notes you sent)" in out
    )
    assert f"ok    account {imap_user.name} IDLE: supported" in out
    assert out.rstrip().endswith("All checks passed.")


def test_doctor_says_what_to_fix_for_a_wrong_password(imap_user: ImapUser, tmp_path: Path) -> None:
    config = write_config(tmp_path, [imap_account(imap_user, tmp_path, password="nope-not-it")])
    done = gracious("doctor", "-c", str(config))
    assert done.returncode == 1
    assert f"FAIL  account {imap_user.name} connection" in done.stdout
    assert "check username and password" in done.stdout
    assert "nope-not-it" not in done.stdout + done.stderr
