"""End-to-end mailbox figures against a local Dovecot: a 10,000-message backfill and an idle poll.

    .venv/bin/python benchmarks/mailbox.py [--messages 10000] [--rejections 0.03]

Seeds an INBOX with mixed sizes (a few percent rejections, a few with large attachments) by
MULTIAPPEND, then measures in the same run:
  1. baseline: a bare imapclient client fetching every message with BODY.PEEK[] (no work);
  2. gracious: ``gracious run --once --all`` as a child process: wall time, messages/s, and the
     child's peak RSS; and the ratio of its throughput to the baseline's;
  3. an idle poll (no new mail): the IMAP commands sent after login, and the time taken.
Targets from the mailbox issue: backfill >= 300 messages/s, peak RSS < 250 MB, idle poll <= 3
commands after login.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is called mailbox.py, like the standard library module gracious's Maildir backend
# imports: take the script's own folder off the path before anything imports ``mailbox``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import imaplib
import random
import re
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dovecot import ImapUser, Seed, append_messages, imap_account, start_dovecot, write_config

from detector.config import load_config
from detector.corpus import corpus_dir, iter_eml
from detector.runner import PassOptions, Runner, open_mailbox
from detector.service import active_model
from detector.state import Journal


def seed_messages(n: int, share: float, rng: random.Random) -> list[bytes]:
    """``n`` messages from the corpus with fresh Message-IDs; ``share`` of them rejections."""
    root = corpus_dir()
    rejections = [p.read_bytes() for p in iter_eml(root / "rejection")]
    others = [p.read_bytes() for p in iter_eml(root / "not_rejection")]
    out = []
    for i in range(n):
        pool = rejections if rng.random() < share else others
        raw = re.sub(
            rb"(?im)^Message-ID:[^\r\n]*",
            f"Message-ID: <bench-{i}@bench.invalid>".encode(),
            rng.choice(pool),
            count=1,
        )
        if rng.random() < 0.02:  # a few large ones: a scanned PDF of 0.5-2 MB as base64
            blob = rng.randbytes(rng.randint(500_000, 2_000_000)).hex().encode()
            raw = raw + b"\r\n" + blob[:2_000_000]
        out.append(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return out


def _peak_rss_kb(pid: int) -> int:
    """The process's peak resident set (VmHWM), read while it runs."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else 0


class _Counter:
    """Counts IMAP commands sent by imaplib (which imapclient uses underneath)."""

    def __init__(self) -> None:
        self.count = 0
        self._original = imaplib.IMAP4._command

    def __enter__(self) -> _Counter:
        counter = self

        def counting(imap: imaplib.IMAP4, name: str, *args: object) -> object:
            counter.count += 1
            return counter._original(imap, name, *args)

        imaplib.IMAP4._command = counting  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        imaplib.IMAP4._command = self._original  # type: ignore[method-assign]


def fetch_only(user: ImapUser) -> float:
    """Seconds for a bare client to fetch every message with BODY.PEEK[], doing nothing else."""
    t0 = time.perf_counter()
    with user.connect() as client:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        for start in range(0, len(uids), 100):
            client.fetch(uids[start : start + 100], ["BODY.PEEK[]"])
    return time.perf_counter() - t0


def backfill(config_path: Path, work: Path) -> tuple[float, float, str]:
    """``gracious run --once --all`` as a user runs it: seconds, peak RSS in MB, summary line."""
    command = [sys.executable, "-m", "detector", "run", "--once", "--all", "-c", str(config_path)]
    out_file = work / "run.out"
    t0 = time.perf_counter()
    with out_file.open("w") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        peak_kb = 0
        while child.poll() is None:
            peak_kb = max(peak_kb, _peak_rss_kb(child.pid))
            time.sleep(0.1)
    seconds = time.perf_counter() - t0
    lines = out_file.read_text().strip().splitlines()
    return seconds, peak_kb / 1024, lines[-1] if lines else f"exit status {child.returncode}"


def idle_poll(config_path: Path) -> tuple[int, float, int]:
    """One pass with nothing new: IMAP commands after login, milliseconds, messages checked."""
    config = load_config(config_path)
    account = config.accounts[0]
    journal = Journal(config.state.resolved())
    runner = Runner(config, active_model(config), journal, options=PassOptions())
    mailbox = open_mailbox(account, config)
    mailbox.open()
    mailbox.open = lambda: None  # type: ignore[method-assign]  # already logged in
    with _Counter() as counter:
        t0 = time.perf_counter()
        summary = runner.run_account(account, mailbox)
        ms = (time.perf_counter() - t0) * 1000
    journal.close()
    return counter.count - 1, ms, summary.checked  # less the LOGOUT that close() sends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rejections", type=float, default=0.03)
    args = parser.parse_args()

    server = start_dovecot()
    try:
        user = server.add_user()
        raws = seed_messages(args.messages, args.rejections, random.Random(11))
        t0 = time.perf_counter()
        append_messages(user, "INBOX", [Seed(r) for r in raws], batch=1000)
        mb = sum(len(r) for r in raws) / 1e6
        print(f"seeded {len(raws)} messages ({mb:.0f} MB) in {time.perf_counter() - t0:.1f} s")

        base_s = fetch_only(user)
        work = Path(tempfile.mkdtemp(prefix="gracious-bench-"))
        config_path = write_config(work, [imap_account(user, work, max_message_kb=1024)])
        run_s, peak_mb, summary = backfill(config_path, work)
        base_rate, rate = len(raws) / base_s, len(raws) / run_s
        print(f"baseline  fetch only:        {base_rate:8.0f} msg/s  {base_s:6.1f} s")
        print(
            f"gracious  run --once --all:  {rate:8.0f} msg/s  {run_s:6.1f} s  peak RSS {peak_mb:.0f} MB"
        )
        print(f"          {summary}")
        print(f"ratio gracious/baseline throughput: {rate / base_rate:.2f}x")

        commands, ms, checked = idle_poll(config_path)
        print(
            f"idle poll: {commands} IMAP commands after login (plus LOGOUT), {ms:.0f} ms, checked {checked}"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
