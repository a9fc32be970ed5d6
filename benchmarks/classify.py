"""Parse + classify throughput and peak memory, against a keyword-rule baseline in the same run.

    .venv/bin/python benchmarks/classify.py [--messages 3000] [--single 300]

Builds a few thousand varied messages from the shipped corpus (each copy gets its own
Message-ID, Date and a shuffled order, so nothing is cached by accident), then times:
  1. gracious: parse with mail-parser + classify in batches with the shipped model;
  2. baseline: the same parse + a plain keyword rule ("unfortunately", "other candidates", ...);
  3. single-message latency of classify() after the model is loaded (median and p95).
Peak memory is the tracemalloc peak of each phase (Python allocations) plus the process's
maximum RSS at the end. Figures are printed with the ratio gracious/baseline.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

from detector.classifier import Model, classify, classify_many
from detector.corpus import corpus_dir, iter_eml
from detector.message import Message, parse
from detector.modelfile import load_model

BATCH = 256
_KEYWORDS = re.compile(
    r"unfortunately|regret|not (?:be )?(?:moving|move) forward|other candidates|not been selected|"
    r"not successful|leider|absage|malheureusement|pas été retenue|lamentablemente|no ha sido|helaas|"
    r"afgewezen",
    re.I,
)


def messages(n: int, seed: int = 7) -> list[bytes]:
    """``n`` raw messages: the corpus repeated, each copy with fresh ids, shuffled."""
    originals = [p.read_bytes() for p in iter_eml(corpus_dir())]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        raw = originals[i % len(originals)]
        raw = re.sub(
            rb"(?im)^Message-ID:[^\r\n]*",
            f"Message-ID: <bench-{i}@bench.invalid>".encode(),
            raw,
            count=1,
        )
        out.append(raw)
    rng.shuffle(out)
    return out


def keyword_rule(message: Message) -> bool:
    """The baseline: any rejection phrase in the subject or new text."""
    return bool(_KEYWORDS.search(f"{message.subject}\n{message.text}"))


def run_gracious(model: Model, raws: list[bytes]) -> int:
    flagged = 0
    for start in range(0, len(raws), BATCH):
        batch = [parse(r) for r in raws[start : start + BATCH]]
        flagged += sum(v.is_rejection for v in classify_many(model, batch))
    return flagged


def run_baseline(raws: list[bytes]) -> int:
    return sum(keyword_rule(parse(r)) for r in raws)


def measure(fn: Callable[[], int]) -> tuple[float, int, int]:
    """Seconds and result of one call, then the tracemalloc peak of a second, separate call.

    tracemalloc slows Python code several times over, so it never runs while the clock does.
    """
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, result, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--single", type=int, default=300)
    args = parser.parse_args()

    t0 = time.perf_counter()
    model = load_model()
    load_s = time.perf_counter() - t0
    raws = messages(args.messages)
    size_mb = sum(len(r) for r in raws) / 1e6
    run_gracious(model, raws[:BATCH])  # warm-up: imports, regex compilation, BLAS threads

    g_s, g_flagged, g_peak = measure(lambda: run_gracious(model, raws))
    b_s, b_flagged, b_peak = measure(lambda: run_baseline(raws))

    singles = [parse(r) for r in raws[: args.single]]
    latencies = []
    for message in singles:
        start = time.perf_counter()
        classify(model, message)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()

    g_rate, b_rate = len(raws) / g_s, len(raws) / b_s
    print(f"messages: {len(raws)} ({size_mb:.1f} MB), model load {load_s * 1000:.0f} ms")
    print(
        f"gracious  parse+classify: {g_rate:8.0f} msg/s  {g_s:6.2f} s  peak {g_peak / 1e6:6.1f} MB  flagged {g_flagged}"
    )
    print(
        f"baseline  parse+keywords: {b_rate:8.0f} msg/s  {b_s:6.2f} s  peak {b_peak / 1e6:6.1f} MB  flagged {b_flagged}"
    )
    print(
        f"ratio gracious/baseline: throughput {g_rate / b_rate:.2f}x, peak memory {g_peak / max(b_peak, 1):.2f}x"
    )
    print(
        f"single message classify (parsed, model loaded): median {statistics.median(latencies):.2f} ms, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} ms over {len(latencies)}"
    )
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
