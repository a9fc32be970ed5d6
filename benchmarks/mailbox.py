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
import resource
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dovecot import Seed, append_messages, imap_account, start_dovecot, write_config  # noqa: E402

from detector.config import load_config  # noqa: E402
from detector.corpus import corpus_dir, iter_eml  # noqa: E402
from detector.runner import PassOptions, Runner, open_mailbox  # noqa: E402
from detector.service import active_model  # noqa: E402
from detector.state import Journal  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rejections", type=float, default=0.03)
    args = parser.parse_args()
    rng = random.Random(11)

    server = start_dovecot()
    try:
        user = server.add_user()
        raws = seed_messages(args.messages, args.rejections, rng)
        t0 = time.perf_counter()
        append_messages(user, "INBOX", [Seed(r) for r in raws], batch=1000)
        seed_s = time.perf_counter() - t0
        mb = sum(len(r) for r in raws) / 1e6
        print(f"seeded {len(raws)} messages ({mb:.0f} MB) in {seed_s:.1f} s")

        # 1. baseline: fetch everything, do nothing with it.
        t0 = time.perf_counter()
        with user.connect() as client:
            client.select_folder("INBOX", readonly=True)
            uids = client.search(["ALL"])
            for start in range(0, len(uids), 100):
                client.fetch(uids[start : start + 100], ["BODY.PEEK[]"])
        base_s = time.perf_counter() - t0
        base_rate = len(raws) / base_s

        # 2. gracious backfill, as a user runs it.
        work = Path(tempfile.mkdtemp(prefix="gracious-bench-"))
        config_path = write_config(work, [imap_account(user, work, max_message_kb=1024)])
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "detector", "run", "--once", "--all", "-c", str(config_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        run_s = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
        rate = len(raws) / run_s
        print(f"baseline  fetch only:        {base_rate:8.0f} msg/s  {base_s:6.1f} s")
        print(f"gracious  run --once --all:  {rate:8.0f} msg/s  {run_s:6.1f} s  peak RSS {peak_mb:.0f} MB")
        print(f"          {summary}")
        print(f"ratio gracious/baseline throughput: {rate / base_rate:.2f}x")

        # 3. an idle poll: nothing new since the backfill.
        config = load_config(config_path)
        account = config.accounts[0]
        journal = Journal(config.state.resolved())
        runner = Runner(config, active_model(config), journal, options=PassOptions())
        mailbox = open_mailbox(account, config)
        mailbox.open()
        mailbox.open = lambda: None  # type: ignore[method-assign]  # already logged in
        with _Counter() as counter:
            t0 = time.perf_counter()
            idle = runner.run_account(account, mailbox)
            idle_ms = (time.perf_counter() - t0) * 1000
        journal.close()
        # LOGOUT is sent by close(); count the commands of the poll itself.
        commands = counter.count - 1
        print(f"idle poll: {commands} IMAP commands after login (plus LOGOUT), {idle_ms:.0f} ms, "
              f"checked {idle.checked}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
