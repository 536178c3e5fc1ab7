"""The name matcher's indexes answer as a scan over every concept would (the oracle below
is the matcher's earlier, scanning implementation of the loose steps)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from conceptmap.parse import parse_map
from conceptmap.validate.names import _PAREN_RE, NameMatcher, _acronyms, norm, words

ROOT = Path(__file__).resolve().parents[1]
MAPS = sorted(p for p in (ROOT / "maps").glob("*.md") if "```mermaid" in p.read_text("utf-8")) + [
    ROOT / "tests" / "fixtures" / "validate" / "transformers-concept-map.md"
]


def _scan(labels: dict[str, str], test) -> list[str]:
    return [cid for cid, lab in labels.items() if test(lab)]


def _alternative(labels, n):
    def test(lab):
        parts = [p for p in re.split(r"\s*/\s*|\s+or\s+", lab) if p]
        parts += [m[1:-1] for m in re.findall(r"\([^()]*\)", lab)]
        parts.append(_PAREN_RE.sub("", lab))
        return len(parts) > 1 and any(norm(p) == n for p in parts)

    return _scan(labels, test)


def _plural(labels, n):
    def test(lab):
        key = norm(lab)
        return n + "s" == key or key + "s" == n or n + "es" == key or key + "es" == n

    return _scan(labels, test)


def _prefix(labels, ws):
    if not ws or len("".join(ws)) < 3:
        return []

    def test(lab):
        lw = words(lab)
        if len(ws) > len(lw) or ws[:-1] != lw[: len(ws) - 1]:
            return False
        last, target = ws[-1], lw[len(ws) - 1]
        return target.startswith(last) or (
            len(last) >= 4 and last.endswith("e") and target.startswith(last[:-1])
        )

    return _scan(labels, test)


def _names(labels: list[str], rnd: random.Random) -> set[str]:
    names: set[str] = set()
    for lab in labels:
        ws = lab.replace("-", " ").split()
        names.update([lab, lab.lower() + "s", lab + "es", lab.rstrip("s"), lab.split("/")[0]])
        for k in range(1, len(ws) + 1):
            head = " ".join(ws[:k])
            names.update([head, head[:-1], head[:-2]])
        names.add("".join(w[0] for w in ws if w).upper())
    for _ in range(300):
        names.add(
            " ".join(rnd.choice(labels).split()[: rnd.randint(1, 2)])
            + rnd.choice(["", "s", "e", " x", "tune", " net", " a"])
        )
    return names


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.name)
def test_indexed_steps_equal_the_scan(path):
    cmap = parse_map(path.read_text(encoding="utf-8"), path=str(path))
    m = NameMatcher(cmap)
    labels = {c.id: c.label for c in cmap.concepts}
    names = _names([*labels.values(), *labels], random.Random(path.name))
    checked = 0
    for name in sorted(names):
        n = norm(name)
        if not n:
            continue
        assert sorted(m._alternative(n)) == sorted(_alternative(labels, n)), name
        assert sorted(m._plural(n)) == sorted(_plural(labels, n)), name
        assert sorted(m._prefix(words(name))) == sorted(_prefix(labels, words(name))), name
        want = [cid for cid, lab in labels.items() if n in _acronyms(lab)]
        assert sorted(m._acronym(n)) == sorted(want), name
        checked += 1
    assert checked > 100
