"""Mutation check of the C speedups: each mutant below must make the tests fail.

    .venv/bin/python tests/mutate_speedups.py            # all of them (~5 minutes)
    .venv/bin/python tests/mutate_speedups.py line_marks  # those whose name has it

Each mutant changes one line of ``src/conceptmap/_speedups.c`` in a copy of ``src/`` in a
temporary folder, builds that copy's extension with the compiler ``setup.py`` would use,
and runs the tests that compare the C with its Python twins against it (``PYTHONPATH``
puts the copy first). A mutant the tests do not catch is reported and the exit status is
1, except the ones marked equivalent (no input can tell them from the real code; the
reason is given). Needs a C compiler and the Python headers, like the build. Nothing in
the working tree is changed. It is not part of the test run (it rebuilds the extension
for each mutant); the README's Speed section says when it was last run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "conceptmap" / "_speedups.c"
TESTS = [
    "tests/test_speedups.py",
    "tests/test_analysis_paths.py",
    "tests/test_cli_analyse.py",
    "tests/test_parse_markdown.py",
]


class Mutant(NamedTuple):
    name: str
    line: str  # found exactly once in the C
    mutated: str
    equivalent: str = ""  # why no input can tell it apart (then it is expected to survive)


MUTANTS = [
    # line_marks: markdown-it's line markers
    Mutant("line_marks: a blank last line kept", "if (end == n && k == end) break;",
           "if (end == n && start == end) break;"),
    Mutant("line_marks: tabs not counted as indentation",
           "PyUnicode_READ(kind, data, k) == '\\t'))", "PyUnicode_READ(kind, data, k) == 0))"),
    # the slot graph shared by the plans
    Mutant("graph: an edge starting at its own end", "g->eb[g->ne] = bs;", "g->eb[g->ne] = as;"),
    Mutant("graph: a low-link update that ignores the stack",
           "if (on_stack[w] && num[w] < low[v]) low[v] = num[w];",
           "if (num[w] < low[v]) low[v] = num[w];"),
    Mutant("graph: edges out of a cycle counted as inside it",
           "if (c->comp[g->ea[g->se[x]]] != ci) continue;",
           "if (c->comp[g->ea[g->se[x]]] < 0) continue;"),
    # prereq_plan
    Mutant("prereq_plan: the target counted as left out",
           "if (nk && before[v] && done[v] && v != tslot) left_out++;",
           "if (nk && before[v] && done[v]) left_out++;"),
    Mutant("prereq_plan: the target's cycle mates at depth 0",
           "Py_ssize_t shared = c.comp[tslot] == ci ? 1 : 0;", "Py_ssize_t shared = 0;"),
    Mutant("prereq_plan: the mate tie-break reversed",
           "(rank[w] == rank[mate_w] && i < mate_i)", "(rank[w] == rank[mate_w] && i > mate_i)"),
    Mutant("prereq_plan: a cycle member's via not moved to its mate link",
           "if (depth[v] != shared) via[v] = mate[v];", "if (0) via[v] = mate[v];"),
    Mutant("prereq_plan: degree ties reversed", "keys[k].own.b = -(long long)DEGREE(&g, v);",
           "keys[k].own.b = (long long)DEGREE(&g, v);"),
    # order_plan
    Mutant("order_plan: a level not raised past its predecessor's",
           "if (level[w] < top + 1) level[w] = top + 1;", "if (level[w] < top) level[w] = top;"),
    Mutant("order_plan: degree ties reversed", "keys[nkeys].b = -(long long)DEGREE(&g, v);",
           "keys[nkeys].b = (long long)DEGREE(&g, v);"),
    Mutant("order_plan: known concepts not left out", "if (done[v]) { left_out++; continue; }",
           "if (done[v] && 0) { left_out++; continue; }"),
    Mutant("order_plan: a slot only a self-loop made counted as a node",
           "if (g.sstart[v + 1] > g.sstart[v] || g.pstart[v + 1] > g.pstart[v]) in[v] = 1;",
           "in[v] = 1;"),
    Mutant("order_plan: the first known concept dropped", "if (s >= 0) ks[nks++] = s;",
           "if (s > 0) ks[nks++] = s;"),
    Mutant("order_plan: a component released early", "if (cw != ci && --indeg[cw] == 0 &&",
           "if (cw != ci && --indeg[cw] <= 1 &&"),
    Mutant("order_plan: a cycle's level from its first member only",
           "for (Py_ssize_t k = a; k < b; k++) if (level[c.popped[k]] > top) top = level[c.popped[k]];",
           "top = level[c.popped[a]];"),
    Mutant("order_plan: a component ranked by its last member",
           "if (crank[ci] < 0) crank[ci] = r;", "crank[ci] = r;"),
    # path_plan
    Mutant("path_plan: the other side on equal heap sizes",
           "int side = sides[0].heap.n <= sides[1].heap.n ? 0 : 1;",
           "int side = sides[0].heap.n < sides[1].heap.n ? 0 : 1;"),
    Mutant("path_plan: distance ties by id reversed",
           "return PyUnicode_Compare(h->name[h->v[a]], h->name[h->v[b]]) < 0;",
           "return PyUnicode_Compare(h->name[h->v[a]], h->name[h->v[b]]) > 0;"),
    Mutant("path_plan: relationship-index ties reversed", "<= 1e-12 && i < me->pi[w])) {",
           "<= 1e-12 && i > me->pi[w])) {"),
    Mutant("path_plan: steps against the order not twice the cost",
           "double factor = a == 0 ? 1.0 : 2.0;", "double factor = a == 0 ? 1.0 : 1.5;"),
    Mutant("path_plan: the search stops one step late",
           "if (sides[0].heap.d[0] + sides[1].heap.d[0] >= best) break;",
           "if (sides[0].heap.d[0] + sides[1].heap.d[0] > best) break;"),
    Mutant("path_plan: no second pass for the reasons there is no route back",
           "for (int pass = 0; pass < (reverse ? 1 : 2); pass++) {",
           "for (int pass = 0; pass < 1; pass++) {"),
    Mutant("path_plan: the region a union", "in[v] = m2[v] && m3[v];", "in[v] = m2[v] || m3[v];"),
    Mutant("path_plan: every step along the order", "int forward = a == 0;", "int forward = 1;"),
    Mutant("path_plan: no 'already done' check", "if (me->done[w]) continue;",
           "if (me->done[w] && 0) continue;",
           equivalent="every cost is at least 1, so a concept one side has finished is never "
           "reached again by that side at its own distance (Dijkstra pops distances in order)"),
]  # fmt: skip


def _build(src_dir: Path) -> None:
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    include = sysconfig.get_paths()["include"]
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    pkg = src_dir / "conceptmap"
    for old in pkg.glob("_speedups*.so"):
        old.unlink()
    subprocess.run(
        [*cc, "-O2", "-fPIC", "-shared", f"-I{include}", str(pkg / "_speedups.c"),
         "-o", str(pkg / f"_speedups{suffix}")],
        check=True,
    )  # fmt: skip


def _caught(src_dir: Path) -> bool:
    env = dict(os.environ, PYTHONPATH=str(src_dir), CONCEPTMAP_SPEEDUPS="1")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return done.returncode != 0


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or any(a in m.name for a in argv)]
    text = SOURCE.read_text(encoding="utf-8")
    for m in chosen:
        if text.count(m.line) != 1:
            print(f"stale mutant (its line is not in the C exactly once): {m.name}")
            return 2
    survivors = 0
    with tempfile.TemporaryDirectory() as tmp:
        src_dir = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", src_dir, ignore=shutil.ignore_patterns("__pycache__"))
        for m in chosen:
            (src_dir / "conceptmap" / "_speedups.c").write_text(
                text.replace(m.line, m.mutated), encoding="utf-8"
            )
            _build(src_dir)
            caught = _caught(src_dir)
            if caught:
                verdict = "caught"
            elif m.equivalent:
                verdict = f"survives, equivalent: {m.equivalent}"
            else:
                verdict = "SURVIVES"
                survivors += 1
            print(f"{verdict:>8}  {m.name}", flush=True)
    print(f"{len(chosen)} mutants, {survivors} not caught")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
