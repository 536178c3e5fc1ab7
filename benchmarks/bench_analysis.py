"""Benchmark the analysers on synthetic concept-map-like graphs (sparse, hub-heavy).

Usage::

    python benchmarks/bench_analysis.py                 # 1k, 10k, 100k; both backends
    python benchmarks/bench_analysis.py --sizes 1000 --backends python

The generator grows a map by preferential attachment: each new concept links to one
existing concept (30 % of the time to two), chosen in proportion to degree, so a few hubs
collect many links, as in real concept maps (about 1.3 relationships per concept). Link
phrases come from a small vocabulary (some unknown to the built-in one); kinds are mixed
primary/secondary/has-part; every 12 consecutive concepts form a subgraph.

Each measurement runs in a fresh subprocess. Seconds are CPU seconds of that process
(``time.process_time``), so other load on a shared machine does not inflate them; every
analyser is single-threaded. "peak MB" is that process's maximum resident set size
(Python, libraries and the map included). "whole analysis" = ``centrality`` +
``clusters`` (Louvain) + ``bridges`` on the parsed map; ``path``/``prereqs`` timings
include reading and parsing the Markdown file (each in its own process), and the largest
size also times the whole ``conceptmap path``/``prereqs`` commands (wall clock, best of 3).
The learning-path rows run twice: with the compiled speedups (``conceptmap._speedups``)
and without them (``CONCEPTMAP_SPEEDUPS=0``, pure Python). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

PHRASES = ("uses", "requires", "type of", "extended by", "enables", "produces", "part of",
           "leads to", "relates to", "motivates")  # fmt: skip
TOKENS = ("==>", "==>", "-.->", "--o")


def synthetic_markdown(n: int, seed: int = 0) -> str:
    """A Markdown document with one Mermaid flowchart of *n* concepts."""
    rng = random.Random(seed)
    ends = [0]
    links: list[tuple[int, int]] = []
    for v in range(1, n):
        for _ in range(2 if rng.random() < 0.3 else 1):
            u = rng.choice(ends)
            if u != v:
                links.append((v, u) if rng.random() < 0.5 else (u, v))
                ends += [u, v]
    out = ["# Concept Map: Synthetic", "", "```mermaid", "flowchart TD"]
    for start in range(0, n, 12):
        out.append(f'    subgraph G{start // 12}["Group {start // 12}"]')
        for i in range(start, min(n, start + 12)):
            out.append(f"        N{i}[Concept {i}]")
        out.append("    end")
    for a, b in links:
        tok = rng.choice(TOKENS)
        label = "" if tok == "--o" else f"|{rng.choice(PHRASES)}|"
        out.append(f"    N{a} {tok}{label} N{b}")
    out.append("```")
    return "\n".join(out) + "\n"


def _one(path: str, task: str, backend: str) -> dict[str, float | str]:
    os.environ["CONCEPTMAP_BACKEND"] = backend
    from conceptmap.analysis import (
        bridges,
        centrality,
        clusters,
        learning_path,
        prerequisites,
    )
    from conceptmap.parse import parse_map

    t0 = time.process_time()
    with open(path, encoding="utf-8") as fh:
        cmap = parse_map(fh.read(), path=path)
    parse_s = time.process_time() - t0
    res: dict[str, float | str] = {"parse_s": parse_s, "concepts": len(cmap.concepts),
                                   "relationships": len(cmap.relationships)}  # fmt: skip
    if task == "whole":
        t = time.process_time()
        c = centrality(cmap, backend=backend)  # type: ignore[arg-type]
        res["centrality_s"] = time.process_time() - t
        res["exact"] = "exact" if c.exact else f"sampled k={c.k}"
        t = time.process_time()
        clusters(cmap)
        res["clusters_s"] = time.process_time() - t
        t = time.process_time()
        bridges(cmap)
        res["bridges_s"] = time.process_time() - t
        res["whole_s"] = res["centrality_s"] + res["clusters_s"] + res["bridges_s"]  # type: ignore[operator]
    elif task == "parse":
        pass  # parsing only (instruction counts of the parser: see RESULTS-analysis.md)
    elif task == "path":
        n = len(cmap.concepts)
        t = time.process_time()
        p = learning_path(cmap, "N0", f"N{n - 1}", any_direction=True)
        res["path_s"] = time.process_time() - t
        res["path_steps"] = len(p.steps)
    else:  # "prereqs": N0, a hub (half the map); "prereqs-small": a newest concept
        target = "N0" if task == "prereqs" else f"N{len(cmap.concepts) - 2}"
        t = time.process_time()
        q = prerequisites(cmap, target)
        res["prereqs_s"] = time.process_time() - t
        res["prereq_steps"] = len(q.steps)
        t = time.process_time()  # what `prereqs --format json` adds: pydantic writes it
        q.model_dump_json(indent=2)
        res["json_s"] = time.process_time() - t
    res["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


def _env(speedups: bool) -> dict[str, str]:
    """The environment with the compiled speedups on or off (``CONCEPTMAP_SPEEDUPS``)."""
    return {**os.environ, "CONCEPTMAP_SPEEDUPS": "1" if speedups else "0"}


def _spawn(path: str, task: str, backend: str, speedups: bool = True) -> dict[str, float | str]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", path, "--task", task, "--backend", backend],
        check=True,
        capture_output=True,
        text=True,
        env=_env(speedups),
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _command_seconds(argv: list[str], runs: int = 3, speedups: bool = True) -> float:
    """Best wall-clock seconds of ``conceptmap ARGV`` (start-up, imports and output
    included; output to /dev/null)."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "conceptmap", *argv], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, env=_env(speedups))  # fmt: skip
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--backends", nargs="+", default=["python", "igraph"])
    ap.add_argument("--whole-max", type=int, default=100_000, help="largest whole-analysis size")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--task", default="whole", help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="python", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(_one(args.one, args.task, args.backend)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = os.path.join(tmp, f"map{n}.md")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(synthetic_markdown(n))
            for backend in args.backends:
                if n <= args.whole_max:
                    r = _spawn(path, "whole", backend)
                    rows.append(
                        f"| {n:,} | {r['relationships']:,} | {backend} | whole analysis "
                        f"| {r['whole_s']:.2f} (centrality {r['centrality_s']:.2f}, clusters "
                        f"{r['clusters_s']:.2f}, bridges {r['bridges_s']:.2f}) | {r['exact']} "
                        f"| {r['peak_mb']:.0f} |"
                    )
                    print(rows[-1], file=sys.stderr, flush=True)
            if n == max(args.sizes):
                # Learning paths with the compiled speedups and without (pure Python).
                for speedups in (True, False):
                    code = "C speedups" if speedups else "pure Python"
                    r = _spawn(path, "path", args.backends[0], speedups)
                    rows.append(
                        f"| {n:,} | {r['relationships']:,} | {code} | path + parse "
                        f"| {r['parse_s'] + r['path_s']:.2f} (parse {r['parse_s']:.2f}, "
                        f"path {r['path_s']:.2f}) | {r['path_steps']} steps "
                        f"| {r['peak_mb']:.0f} |"
                    )
                    for task in ("prereqs", "prereqs-small"):
                        r = _spawn(path, task, args.backends[0], speedups)
                        rows.append(
                            f"| {n:,} | {r['relationships']:,} | {code} | {task} + parse "
                            f"| {r['parse_s'] + r['prereqs_s']:.2f} (parse {r['parse_s']:.2f}, "
                            f"prereqs {r['prereqs_s']:.2f}; its JSON {r['json_s']:.2f}) "
                            f"| {r['prereq_steps']} steps "
                            f"| {r['peak_mb']:.0f} |"
                        )
                    for argv in (["path", path, "N0", f"N{n - 1}", "--any-direction"],
                                 ["prereqs", path, "N0"],
                                 ["prereqs", path, f"N{n - 2}"]):  # fmt: skip
                        wall = _command_seconds(argv, speedups=speedups)
                        shown = " ".join(a if a != path else "FILE" for a in argv)
                        rows.append(
                            f"| {n:,} | {r['relationships']:,} | {code} | `conceptmap {shown}` "
                            f"(whole command, wall) | {wall:.2f} | - | - |"
                        )
    print("| concepts | relationships | backend | task | seconds | betweenness | peak MB |")
    print("| ---: | ---: | --- | --- | --- | --- | ---: |")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
