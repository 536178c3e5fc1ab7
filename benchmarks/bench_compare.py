"""Benchmark ``compare_maps`` (the ``compare`` command) on synthetic maps.

Three cases per size, each two maps of the same size from ``bench_analysis.synthetic_markdown``
with different seeds (so different relationships):

* ``same labels``: every concept pairs by name in the first round;
* ``disjoint``: no label or id in common (``Idea i`` vs ``Concept i``, other ids), so every
  concept goes through the loose matching both ways and finds nothing;
* ``shared prefixes``: ``Concept i b`` vs ``Concept i`` (other ids): the loose matching's
  prefix step finds candidates for every concept.

Prints a Markdown table of CPU seconds of ``compare_maps`` alone (parsing excluded).

    python benchmarks/bench_compare.py --sizes 1000 4000 16000
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import synthetic_markdown  # noqa: E402

from conceptmap.analysis.compare import compare_maps  # noqa: E402
from conceptmap.parse import parse_map  # noqa: E402


def _other_ids(text: str) -> str:
    return re.sub(r"\bN(\d+)", r"X\1", text)


CASES = {
    "same labels": lambda t: t,
    "disjoint": lambda t: _other_ids(t.replace("Concept ", "Idea ")),
    "shared prefixes": lambda t: _other_ids(re.sub(r"Concept (\d+)", r"Concept \1 b", t)),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 4_000, 16_000])
    args = ap.parse_args()
    print("| concepts | case | CPU seconds | shared | matched propositions |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for n in args.sizes:
        cmap = parse_map(synthetic_markdown(n, seed=1))
        for name, change in CASES.items():
            ref = parse_map(change(synthetic_markdown(n, seed=2)))
            t0 = time.process_time()
            r = compare_maps(cmap, ref)
            dt = time.process_time() - t0
            print(f"| {n:,} | {name} | {dt:.2f} | {len(r.shared):,} | {len(r.matched):,} |")


if __name__ == "__main__":
    main()
