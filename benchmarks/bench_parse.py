"""Parsing and `conceptmap stats` at 1k, 10k and 100k relationships.

    python benchmarks/bench_parse.py            # prints a Markdown table

For each size: file size, parse time (in-process, best of 3, CPU time), peak memory of the
parse (tracemalloc), whole-process `conceptmap stats` wall time (best of 3), and the time
Python needs merely to read the file's lines, which the issue's target compares against.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_maps import generate  # noqa: E402

from conceptmap import parse_document  # noqa: E402

SIZES = (1_000, 10_000, 100_000)


def best(fn, n=3):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    exe = Path(sys.executable).with_name("conceptmap")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            path = Path(tmp) / f"map-{size}.mmd"
            text = generate(size)
            path.write_text(text)
            read = best(lambda p=path: p.read_text().split("\n"))
            parse = best(lambda t=text: parse_document(t, path="m.mmd"))
            tracemalloc.start()
            parse_document(text, path="m.mmd")
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            env = dict(os.environ, PYTHONHASHSEED="0")
            whole = best(
                lambda p=path, env=env: subprocess.run(
                    [str(exe), "stats", str(p), "--format", "json"],
                    check=True,
                    capture_output=True,
                    env=env,
                )
            )
            rows.append((size, len(text) / 1e6, read, parse, peak / 1e6, whole))
    print(
        "| relationships | file MB | read lines s | parse s | parse peak MB | `stats` process s |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, mb, read, parse, peak, whole in rows:
        print(f"| {size:,} | {mb:.2f} | {read:.3f} | {parse:.2f} | {peak:.0f} | {whole:.2f} |")


if __name__ == "__main__":
    main()
