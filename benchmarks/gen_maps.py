"""Generate synthetic concept maps (sparse, hub-heavy, subgraphs, labelled links).

    python benchmarks/gen_maps.py 100000 > /tmp/map-100k.mmd

Deterministic: the same size gives the same bytes (fixed seed).
"""

from __future__ import annotations

import random
import sys

__all__ = ["generate"]

PHRASES = [
    "uses",
    "requires",
    "extended by",
    "type of",
    "part of",
    "enables",
    "produces",
    "computes",
    "leads to",
    "followed by",
    "optimized by",
    "depends on",
]
ARROWS = ["==>", "-.->", "--o", "-->"]


def generate(relationships: int, *, seed: int = 7) -> str:
    """A flowchart with about relationships/1.8 concepts and *relationships* links."""
    rng = random.Random(seed)
    n = max(2, int(relationships / 1.8))
    groups = max(1, n // 40)
    out = ["flowchart TD"]
    for g in range(groups):
        out.append(f'    subgraph G{g}["Topic {g}"]')
        for i in range(g * 40, min(n, (g + 1) * 40)):
            out.append(f"        C{i}[Concept {i}]")
        out.append("    end")
    for k in range(relationships):
        # Preferential attachment-like: low ids are hubs.
        a = int(n * rng.random() ** 2)
        b = rng.randrange(n)
        if a == b:
            b = (b + 1) % n
        arrow = ARROWS[k % 4]
        if k % 3:
            out.append(f"    C{a} {arrow}|{PHRASES[k % len(PHRASES)]}| C{b}")
        else:
            out.append(f"    C{a} {arrow} C{b}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
