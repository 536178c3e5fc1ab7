"""The optional C helpers (`conceptmap._speedups`) give exactly what their Python twins give.

The scanner is compared with the regex it replaces span by span, at every offset of
generated text; whole parses and records are compared with the speedups switched off.
"""

from __future__ import annotations

import functools
import shutil
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import conceptmap.parse.flowchart as flowchart
from _conformance import valid_cases
from conceptmap import ConceptMapError, _accel, parse_document
from conceptmap.model import Concept, Relationship, trusted_columns, trusted_many, trusted_picks

native = _accel.speedups
needs_native = pytest.mark.skipif(native is None, reason="conceptmap._speedups is not built")


def test_speedups_are_built_where_a_compiler_is() -> None:
    """A machine with a C compiler builds the extension: a broken build must not pass
    silently as 'pure Python' (the tests below would all skip)."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) here: the pure-Python code is used")
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        pytest.skip(f"no Python headers ({headers}) here: the pure-Python code is used")
    if native is None:  # say which: not built, or built from another version of the C
        try:
            from conceptmap import _speedups
        except ImportError:
            pytest.fail("the C compiler is here but conceptmap._speedups is not built")
        pytest.fail(
            f"conceptmap._speedups is a stale build (API {getattr(_speedups, 'API', None)}, "
            f"the code needs {_accel.API}): reinstall to rebuild it"
        )


@needs_native
def test_the_stub_lists_what_the_extension_has() -> None:
    """`_speedups.pyi` names every function (and the API number) the C module offers."""
    import re

    stub = (Path(flowchart.__file__).parent.parent / "_speedups.pyi").read_text()
    declared = set(re.findall(r"^(?:def )?(\w+)[(:]", stub, re.M))
    assert declared == {n for n in dir(native) if not n.startswith("_")}


PIECES = [
    "A", "b", "N1", "x", "o", "v", "é", "中", "٣", "_", "end", "endx", "graph", "class",
    "classDef", "subgraph", "style", "_self", "click", "accTitle", "flowchart-elk", "-",
    "--", "---", "-->", "--x", "--o", "<-->", "x--x", "o--o", "==>", "===", "==",
    "-.->", "-.-", ".-", "-..-", "~~~", "~~", "~~~~", "|", "|t|", "| t |", "|a<b|", "[",
    "]", "[t]", "[ t ]", "[/t]", "[\\t]", "[a#b]", "(", ")", "{", "}", '"', "'", ":",
    "::", ":::", "=", ".", ",", "/", "\\", "!", "?", "#", "&", ";", "\n", " ", "\t",
    "\x0b", "\x0c", "\r", "\u00a0", "\u2028", "\u3000", "😀", "@", "%",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _spans(m: object) -> tuple[int, ...] | None:
    import re

    assert m is None or isinstance(m, re.Match)
    if m is None:
        return None
    out = [m.end()]
    for g in range(1, 7):
        out.extend(m.span(g))  # (-1, -1) for a group that did not take part
    return tuple(out)


@needs_native
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_scanner_matches_the_fast_regex_at_every_offset(text: str) -> None:
    assert native is not None
    for pos in range(len(text) + 1):
        assert native.fast_match(text, pos) == _spans(flowchart._FAST_RE.match(text, pos)), (
            text,
            pos,
        )


@needs_native
@pytest.mark.parametrize(
    "text",
    [
        "A-->B",
        "A --> B\n",
        "A[x] -->|t| B[y];",
        "A x--> B",
        "A ---- B",
        "A --x B",
        "A -..-> B",
        "A ~~~~ B",
        "a:b --> c:::d",
        "A-B --> C=D",
        "end --> B",
        "ends --> B",
        '"A" --> B',
        "A --> end",
        "A -->|| B",
        "A -->|a|b| B",
        "A[/x] --> B",
        "中文 --> é",
        "A\u3000-->\u3000B",
        "A --> B C",
    ],
)
def test_scanner_on_statements_that_decide_fast_or_general(text: str) -> None:
    assert native is not None
    for pos in range(len(text) + 1):
        assert native.fast_match(text, pos) == _spans(flowchart._FAST_RE.match(text, pos))


def _parse(text: str, path: str = "f.mmd") -> object:
    # repr too: it lists each record's fields in the order of its __dict__, which the C
    # builds field by field (model_dump follows the schema's order whatever __dict__'s)
    try:
        return [(m.model_dump(), repr(m)) for m in parse_document(text, path=path).maps]
    except ConceptMapError as exc:
        return str(exc)


def _both(text: str, path: str = "f.mmd") -> tuple[object, object]:
    compiled = _parse(text, path)
    saved, _accel.speedups = _accel.speedups, None
    try:
        pure = _parse(text, path)
    finally:
        _accel.speedups = saved
    return compiled, pure


@needs_native
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(["flowchart LR\n", "graph TD\n"]), body=texts)
def test_parse_with_and_without_speedups_agree(header: str, body: str) -> None:
    compiled, pure = _both(header + body)
    assert compiled == pure


@needs_native
@pytest.mark.parametrize("case", valid_cases(), ids=lambda c: c.name)
def test_conformance_maps_parse_the_same_without_speedups(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    compiled, pure = _both(text)
    assert compiled == pure


@needs_native
@given(st.lists(st.sampled_from(PIECES + ["\n\n", "ab\n", "中\n"]), max_size=40).map("".join))
def test_line_starts_are_the_python_ones(text: str) -> None:
    """Offsets of line starts, in one-, two- and four-byte strings alike."""
    assert native is not None
    from itertools import accumulate

    expected = list(accumulate((len(line) + 1 for line in text.split("\n")), initial=0))
    expected.pop()
    assert native.line_starts(text) == expected
    starts = lambda: flowchart._FlowParser(text, "<t>", 1, ()).line_starts  # noqa: E731
    assert starts() == _without_speedups(starts)  # of the text as the parser keeps it


@needs_native
def test_records_built_in_c_are_the_python_records() -> None:
    assert native is not None
    rows = [
        {
            "id": f"C{i}",
            "label": f"Concept {i}",
            "shape": "square",
            "subgraph": None,
            "classes": (),
            "line": i + 1,
            "column": 5,
            "label_type": "text",
            "styles": (),
            "link": None,
            "tooltip": None,
        }
        for i in range(50)
    ]
    compiled = trusted_many(Concept, rows)
    saved, _accel.speedups = _accel.speedups, None
    try:
        pure = trusted_many(Concept, [dict(r) for r in rows])
    finally:
        _accel.speedups = saved
    assert compiled == pure
    assert [c.model_dump() for c in compiled] == rows
    assert compiled[0].model_fields_set == pure[0].model_fields_set
    with pytest.raises(ValidationError):  # still frozen
        compiled[0].label = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        native.trusted_many(Relationship, set(), [1])


@needs_native
def test_records_from_columns_are_the_python_records() -> None:
    assert native is not None
    columns = {
        "id": [f"C{i}" for i in range(40)],
        "label": [f"Concept {i}" for i in range(40)],
        "shape": ["square", "round"] * 20,
        "subgraph": [None, "S"] * 20,
        "classes": [()] * 40,
        "line": range(1, 41),
        "column": [5] * 40,
        "label_type": ["text"] * 40,
        "styles": [("fill:red",)] * 40,
        "link": [None] * 40,
        "tooltip": [None] * 40,
    }
    compiled = trusted_columns(Concept, columns)
    pure = _without_speedups(trusted_columns, Concept, columns)
    assert compiled == pure
    assert [repr(c) for c in compiled] == [repr(c) for c in pure]  # the field order too
    assert compiled[39].model_dump() == {k: v[39] for k, v in columns.items()}
    assert compiled[0].model_fields_set == pure[0].model_fields_set
    assert trusted_columns(Concept, {"id": [], "label": []}) == []
    with pytest.raises(ValidationError):  # still frozen
        compiled[0].label = "changed"  # type: ignore[misc]
    for build in (trusted_columns, functools.partial(_without_speedups, trusted_columns)):
        with pytest.raises(ValueError):
            build(Concept, {"id": ["a", "b"], "label": ["A"]})
    with pytest.raises(ValueError):
        native.trusted_columns(Concept, set(), ("id", "label"), (["a"],))
    with pytest.raises(TypeError):
        native.trusted_columns(Concept, set(), (1,), (["a"],))
    with pytest.raises(TypeError):
        native.trusted_columns(Concept, set(), ("id",), (5,))
    with pytest.raises(ValueError):  # lengths checked before any record is made
        native.trusted_columns(Concept, set(), ("id", "label"), (["a"], ["A", "B"]))


@needs_native
def test_records_picked_from_others_are_the_python_records() -> None:
    assert native is not None
    from conceptmap.analysis.results import RelationRef

    names = tuple(RelationRef.model_fields)
    rels = [
        Relationship(id=f"e{i}", source=f"A{i}", target="B", label=[None, "uses"][i % 2])
        for i in range(30)
    ]
    indices = [29, 0, 7, 7, -1]
    compiled = trusted_picks(RelationRef, names, rels, indices)
    pure = _without_speedups(trusted_picks, RelationRef, names, rels, indices)
    assert compiled == pure
    assert [repr(r) for r in compiled] == [repr(r) for r in pure]  # the field order too
    assert [r.id for r in compiled] == ["e29", "e0", "e7", "e7", "e29"]
    assert compiled[0].model_dump() == {
        "id": "e29", "source": "A29", "target": "B", "label": "uses", "kind": "plain"
    }  # fmt: skip
    assert compiled[0].model_fields_set == pure[0].model_fields_set
    assert trusted_picks(RelationRef, names, rels, []) == []
    with pytest.raises(ValidationError):  # still frozen
        compiled[0].label = "changed"  # type: ignore[misc]
    for pick in (trusted_picks, functools.partial(_without_speedups, trusted_picks)):
        with pytest.raises(IndexError):
            pick(RelationRef, names, rels, [30])
        with pytest.raises(AttributeError):
            pick(RelationRef, ("id", "nowhere"), rels, [0])
    with pytest.raises(TypeError):
        native.trusted_picks(RelationRef, set(), (1,), rels, [0])
    with pytest.raises(TypeError):
        native.trusted_picks(RelationRef, set(), names, rels, ["0"])
    with pytest.raises(TypeError):
        native.trusted_picks(RelationRef, set(), names, 5, [0])


@needs_native
def test_bad_arguments_raise_instead_of_crashing() -> None:
    assert native is not None
    with pytest.raises(TypeError):
        native.fast_match(b"A --> B", 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        native.fast_match("A", 5)
    with pytest.raises(TypeError):
        native.fast_run("A-->B", 0, {}, {}, [], "members", object, {}, print, frozenset())  # type: ignore[arg-type]
    memo: dict[Any, Any] = {}
    vocab = lambda label, kind: memo.setdefault((label, kind), (True, True, 1.0, label))  # noqa: E731
    rels = [Relationship(id="e0", source="A", target="B", label="uses")]
    assert native.prereq_plan(rels, memo, vocab, {}, "B", ()) == (
        ["A"], [1], [0], [], {"A", "B"}, 0, False
    )  # fmt: skip
    assert native.prereq_plan(rels, memo, vocab, {}, "C", ["B"]) == (
        [],
        [],
        [],
        [],
        {"C"},
        0,
        False,
    )
    assert native.prereq_plan(rels, memo, vocab, {}, "A", ["B"])[4:] == ({"A"}, 0, True)
    with pytest.raises(AttributeError):  # not relationships
        native.prereq_plan([1], memo, vocab, {}, "B", ())
    with pytest.raises(TypeError):  # an id that is not a str
        native.prereq_plan(rels, memo, vocab, {}, "B", [5])
    with pytest.raises(TypeError):  # classify must give (source first?, known?, cost, key)
        native.prereq_plan(rels, {}, lambda label, kind: (True, True), {}, "B", ())
    with pytest.raises(ZeroDivisionError):  # what classify raises comes through
        native.prereq_plan(rels, {}, lambda label, kind: 1 / 0, {}, "B", ())
    # B comes before A: level 0 then 1; knowing B leaves A, an id not in the map is passed over
    assert native.order_plan(rels, memo, vocab, {}, ["A", "B", "C"], ()) == (
        ["A", "C", "B"], [0, 0, 1], [[], [], [0]], [], 0
    )  # fmt: skip
    assert native.order_plan(rels, memo, vocab, {}, ["A", "B"], ["A", "Z"]) == (
        ["B"], [1], [[0]], [], 1
    )  # fmt: skip
    with pytest.raises(TypeError):  # an id that is not a str
        native.order_plan(rels, memo, vocab, {}, [1], ())
    with pytest.raises(AttributeError):  # not relationships
        native.order_plan([1], memo, vocab, {}, [], ())
    # A before B: the route from A to B along the order, none back (B is after A)
    found, reverse, cycles, decided = native.path_plan(rels, memo, vocab, {}, "A", "B", False)
    assert (found, reverse, cycles, decided) == ((1.0, [("A", "B", 0, True, 1.0)]), False, [], [])
    # none from B to A: the one link, read the other way round, would make one
    assert native.path_plan(rels, memo, vocab, {}, "B", "A", False) == (None, True, [], [0])
    assert native.path_plan(rels, memo, vocab, {}, "B", "A", True)[0] == (
        2.0, [("B", "A", 0, False, 2.0)]
    )  # fmt: skip
    with pytest.raises(TypeError):  # an id that is not a str
        native.path_plan(rels, memo, vocab, {}, "A", 5, False)


@needs_native
def test_order_and_prerequisites_with_subgraph_ends_match_python() -> None:
    """Relationships from a subgraph (its id a node of the learning graph, not a concept),
    a subgraph linked only to itself (no node), self-loops and invisible links: the C
    plans give the Python results."""
    from conceptmap import parse_map
    from conceptmap.analysis.paths import learning_order, learning_path, prerequisites

    cmap = parse_map(
        "flowchart TD\n  subgraph S1\n    A\n  end\n  subgraph S2\n    C\n  end\n"
        "  S1 -->|uses| B\n  B -->|extended by| D\n  S2 -->|uses| S2\n  E -->|uses| E\n"
        "  D -.->|relates to| A\n  F ~~~ B\n  A -->|uses| D\n"
    )
    order = learning_order(cmap)
    assert order == _without_speedups(learning_order, cmap)
    assert "S1" in [s.id for s in order.steps] and "S2" not in [s.id for s in order.steps]
    for target in ("A", "D", "S1", "F"):
        for known in ((), ("B",), ("D", "nowhere")):
            plan = functools.partial(prerequisites, cmap, target, known=known)
            assert plan() == _without_speedups(plan), (target, known)
    knowing = functools.partial(learning_order, cmap, known=("D",))
    assert knowing() == _without_speedups(knowing)
    for a, b in (("S1", "A"), ("A", "S1"), ("F", "D"), ("E", "E"), ("B", "A")):
        for anyway in (False, True):
            route = functools.partial(learning_path, cmap, a, b, any_direction=anyway)
            assert route() == _without_speedups(route), (a, b, anyway)


@needs_native
def test_routes_with_many_equal_costs_are_the_python_ones() -> None:
    """`learning_path` with and without the speedups on 1,000 small maps whose costs tie
    often (four kinds, costs 1, 1.5 and 2, and x2 against the order), where the
    bidirectional search must stop, and break ties, exactly as the Python does. Found
    with a mutant that searched one step past the stopping point (C1 -> C0 below)."""
    import random

    from conceptmap.analysis.paths import learning_path
    from conceptmap.model import ConceptMap

    def route_map(rels: list[tuple[str, str, str, str]], n: int) -> ConceptMap:
        return ConceptMap(
            concepts=tuple(Concept(id=f"C{i}", label=f"C{i}") for i in range(n)),
            relationships=tuple(
                Relationship(id=f"e{k}", source=a, target=b, label=label, kind=kind)
                for k, (a, b, label, kind) in enumerate(rels)
            ),
        )

    seen = route_map(
        [("C0", "C4", "uses", "secondary"), ("C3", "C0", "uses", "has-part"),
         ("C3", "C3", "enables", "has-part"), ("C3", "C1", "requires", "primary"),
         ("C0", "C1", "extended by", "plain"), ("C3", "C2", "requires", "plain"),
         ("C1", "C4", "extended by", "primary"), ("C4", "C0", "requires", "primary"),
         ("C3", "C4", "extended by", "has-part"), ("C2", "C2", "uses", "secondary"),
         ("C3", "C1", "requires", "has-part"), ("C3", "C1", "enables", "secondary")],
        5,
    )  # fmt: skip
    route = functools.partial(learning_path, seen, "C1", "C0", any_direction=True)
    assert route() == _without_speedups(route)
    rng = random.Random(11)
    labels = ("uses", "extended by", "requires", "enables")
    kinds = ("primary", "secondary", "has-part", "plain")
    for _ in range(1000):
        n = rng.randrange(3, 8)
        cmap = route_map(
            [(f"C{rng.randrange(n)}", f"C{rng.randrange(n)}", rng.choice(labels),
              rng.choice(kinds)) for _ in range(rng.randrange(2, 3 * n))],
            n,
        )  # fmt: skip
        a, b = f"C{rng.randrange(n)}", f"C{rng.randrange(n)}"
        for anyway in (False, True):
            route = functools.partial(learning_path, cmap, a, b, any_direction=anyway)
            assert route() == _without_speedups(route), (a, b, anyway)


def _without_speedups(fn, *args):  # type: ignore[no-untyped-def]
    saved, _accel.speedups = _accel.speedups, None
    try:
        return fn(*args)
    finally:
        _accel.speedups = saved


@needs_native
def test_prerequisites_orders_and_routes_built_in_c_are_the_python_ones() -> None:
    """`prerequisites`, `learning_order` and `learning_path` (whose C builds its own graph
    on integer slots, where the Python has `_Learning`'s dicts) with and without the
    speedups, on random maps with cycles, self-loops, invisible links and unknown or
    ambiguous phrases, knowing some concepts or none."""
    import random

    from conceptmap.analysis.paths import learning_order, learning_path, prerequisites
    from conceptmap.model import ConceptMap

    labels = ("uses", "extended by", "relates to", None, "type", "types", "", "  ", "part of")
    kinds = ("primary", "secondary", "has-part", "plain", "odd")
    rng = random.Random(5)
    for _ in range(300):
        n = rng.randrange(2, 16)
        rels = tuple(
            Relationship(
                id=f"e{k}",
                source=f"C{rng.randrange(n)}",
                target=f"C{rng.randrange(n)}",
                label=rng.choice(labels),
                kind=rng.choice(kinds),
                stroke=rng.choice(("normal", "thick", "dotted", "invisible")),
            )
            for k in range(rng.randrange(0, 3 * n))
        )
        cmap = ConceptMap(
            concepts=tuple(Concept(id=f"C{i}", label=f"C{i}") for i in range(n)),
            relationships=rels,
        )
        target = rng.choice(cmap.concepts).id
        assert prerequisites(cmap, target) == _without_speedups(prerequisites, cmap, target)
        knows = [c.id for c in cmap.concepts if rng.random() < 0.15]
        knowing = functools.partial(prerequisites, cmap, target, known=knows)
        assert knowing() == _without_speedups(knowing)
        assert learning_order(cmap) == _without_speedups(learning_order, cmap)
        knowing_order = functools.partial(learning_order, cmap, known=knows)
        assert knowing_order() == _without_speedups(knowing_order)
        # routes: found or not, along the order or any way round, from a concept to itself
        for _pair in range(3):
            a, b = rng.choice(cmap.concepts).id, rng.choice(cmap.concepts).id
            for anyway in (False, True):
                route = functools.partial(learning_path, cmap, a, b, any_direction=anyway)
                assert route() == _without_speedups(route), (a, b, anyway)
