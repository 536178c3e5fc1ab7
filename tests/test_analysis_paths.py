"""Relation vocabulary, concept names, learning paths, prerequisites and orders."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _analysis_maps import build, seed_map
from conceptmap.analysis import (
    default_relations,
    learning_order,
    learning_path,
    load_relations,
    normalize_label,
    prerequisites,
    resolve_concept,
)
from conceptmap.errors import InputError, UnknownConceptError


# -- vocabulary -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("uses", ("target", True)),  # ENCODER uses SELFATTN: Self-Attention first
        ("extended by", ("source", True)),  # SELFATTN extended by MULTIHEAD
        ("type of", ("target", True)),  # MLM type of PRETRAIN
        ("type", ("source", True)),  # POSENC type SINCOS
        ("Extended-By", ("source", True)),
        ("depends_on", ("target", True)),
        ("optimized by", ("source", True)),  # passive voice rule
        ("modern", ("source", False)),  # unknown: default end, not known
        (None, ("source", False)),
    ],
)
def test_prerequisite_end(label, expected):
    assert default_relations().prerequisite_end(label) == expected


def test_unlabelled_has_part_uses_kind():
    assert default_relations().prerequisite_end(None, "has-part") == ("source", True)


def test_normalize_label():
    assert normalize_label("  Type_Of\u00a0 ") == "type of"


def test_load_relations_overrides_and_replaces():
    v = load_relations('default = "target"\n[relations]\n"Modern" = "target"\n"uses" = "source"\n')
    assert v.prerequisite_end("modern") == ("target", True)
    assert v.prerequisite_end("uses") == ("source", True)
    assert v.prerequisite_end("enables") == ("source", True)  # built-ins kept
    assert v.prerequisite_end("zzz") == ("target", False)
    only = load_relations('replace = true\n[relations]\n"x" = "source"\n')
    assert only.prerequisite_end("enables") == ("source", False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[relations\n", "invalid TOML"),
        ('[relations]\n"uses" = "first"\n', "expected 'source' or 'target'"),
        ('default = "middle"\n', "default must be"),
        ('colour = "red"\n', "unknown key"),
    ],
)
def test_load_relations_rejects(text, message):
    with pytest.raises(InputError, match=message):
        load_relations(text)


# -- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "cid"),
    [
        ("SELFATTN", "SELFATTN"),
        ("Self-Attention", "SELFATTN"),
        ("self attention", "SELFATTN"),
        ("SELF_ATTENTION", "SELFATTN"),
        ("selfattention", "SELFATTN"),
        ("selfattn", "SELFATTN"),
        ("ＢＥＲＴ", "BERT"),  # full-width: NFKC
        ("pre training", "PRETRAIN"),
        ("multi head attention", "MULTIHEAD"),
    ],
)
def test_resolve_concept(name, cid):
    assert resolve_concept(seed_map(), name) == cid


def test_unknown_concept_suggests():
    with pytest.raises(UnknownConceptError) as exc:
        resolve_concept(seed_map(), "self-atention")
    assert exc.value.suggestions[0] == "Self-Attention (SELFATTN)"
    assert "did you mean" in str(exc.value)


def test_unknown_concept_suggests_names_sharing_a_word():
    """A description rather than a name ("attention mechanism") still finds candidates."""
    with pytest.raises(UnknownConceptError) as exc:
        resolve_concept(seed_map(), "attention mechanism")
    assert "Self-Attention (SELFATTN)" in exc.value.suggestions
    assert all("Attention" in s for s in exc.value.suggestions)
    with pytest.raises(UnknownConceptError) as exc:
        resolve_concept(seed_map(), "positional embeddings")
    assert exc.value.suggestions == ["Positional Encoding (POSENC)"]


def test_a_name_in_an_empty_map_says_the_map_is_empty():
    from conceptmap.model import ConceptMap

    with pytest.raises(UnknownConceptError, match="the map has no concepts"):
        resolve_concept(ConceptMap(), "A")


def test_ambiguous_name_lists_candidates():
    cmap = build("A[Node]\nB[node]\nA --> B")
    with pytest.raises(UnknownConceptError) as exc:
        resolve_concept(cmap, "NODE")
    assert exc.value.suggestions == ["Node (A)", "node (B)"]


# -- learning path --------------------------------------------------------------------------
def test_path_on_seed():
    r = learning_path(seed_map(), "SELFATTN", "CONTEXT")
    assert r.found
    assert [(s.from_id, s.to_id, s.relationship.label) for s in r.steps] == [
        ("SELFATTN", "FLASH", "optimized by"),
        ("FLASH", "CONTEXT", "enables"),
    ]
    assert r.cost == pytest.approx(2.0 + 1.0)  # secondary, then primary


def test_path_follows_learning_order_not_arrows():
    # ENCODER uses SELFATTN: Self-Attention is learned first, against the arrow
    r = learning_path(seed_map(), "SELFATTN", "ENCODER")
    assert [(s.from_id, s.to_id) for s in r.steps] == [("SELFATTN", "ENCODER")]
    assert r.steps[0].relationship.source == "ENCODER"


def test_no_path_then_any_direction():
    r = learning_path(seed_map(), "ENCODER", "SELFATTN")
    assert not r.found and r.steps == () and r.reverse_exists
    a = learning_path(seed_map(), "ENCODER", "SELFATTN", any_direction=True)
    assert a.found and [s.follows_order for s in a.steps] == [False]


def test_primary_route_preferred():
    # two routes A..D: via B (primary, primary) or via C (secondary, secondary)
    cmap = build("A ==>|enables| B\nB ==>|enables| D\nA -.->|enables| C\nC -.->|enables| D")
    assert [s.to_id for s in learning_path(cmap, "A", "D").steps] == ["B", "D"]


def test_path_reports_assumptions_and_cycles():
    cmap = build("A -->|zaps| B\nB -->|enables| C\nC -->|enables| B\nC -->|enables| D")
    r = learning_path(cmap, "A", "D")
    assert r.found
    assert [(a.label, a.assumed, a.count) for a in r.assumptions] == [("zaps", "source", 1)]
    assert [c.concepts for c in r.cycles] == [("B", "C")]


# -- prerequisites and order ----------------------------------------------------------------
def test_prereqs_on_seed():
    r = prerequisites(seed_map(), "ENCODER")
    # ENCODER uses SELFATTN, which requires POSENC; has-part: ENCODER before its parts
    assert [(s.id, s.depth) for s in r.steps] == [("POSENC", 2), ("SELFATTN", 1)]
    assert r.steps[1].via[0].label == "uses"
    assert r.cycles == ()


def test_prereqs_with_cycle_do_not_crash():
    cmap = build("T -->|uses| A\nA -->|uses| B\nB -->|uses| A\nB -->|uses| C")
    r = prerequisites(cmap, "T")
    assert [c.concepts for c in r.cycles] == [("A", "B")]
    assert [s.id for s in r.steps][0] == "C"
    assert {s.id for s in r.steps} == {"A", "B", "C"}


def test_learning_order_valid_and_deterministic():
    cmap = seed_map()
    r = learning_order(cmap)
    assert r == learning_order(cmap)
    pos = {s.id: s.position for s in r.steps}
    assert len(pos) == 28
    assert pos["POSENC"] < pos["SELFATTN"] < pos["ENCODER"] < pos["ENCONLY"]
    assert pos["SELFATTN"] < pos["MULTIHEAD"]  # extended by: source first
    assert [(a.label, a.reason) for a in r.assumptions] == [
        ("modern", "unknown"),
        ("normalized by", "ambiguous"),  # a process step, or Softmax as a building block
        ("type", "ambiguous"),  # POSENC type SINCOS, but BERT type ENCONLY
    ]


def test_learning_order_with_relations_override():
    cmap = build("A -->|zaps| B")
    assert [s.id for s in learning_order(cmap).steps] == ["A", "B"]
    vocab = load_relations('[relations]\n"zaps" = "target"\n')
    r = learning_order(cmap, relations=vocab)
    assert [s.id for s in r.steps] == ["B", "A"] and r.assumptions == ()


def test_names_ignore_punctuation_as_a_last_resort():
    from conceptmap import parse_map
    from conceptmap.analysis import resolve_concept

    cmap = parse_map("flowchart LR\n  C{Gamma?} --> R[RoPE / ALiBi]\n", path="n.mmd")
    assert resolve_concept(cmap, "gamma") == "C"
    assert resolve_concept(cmap, "rope alibi") == "R"


def test_names_ignore_accents_as_a_last_resort():
    from conceptmap import parse_map
    from conceptmap.analysis import resolve_concept

    cmap = parse_map(
        "flowchart LR\n  N[Naïve Bayes] --> E[Éléments]\n  E --> X[resume]\n  X --> Y[résumé]\n",
        path="a.mmd",
    )
    assert resolve_concept(cmap, "naive bayes") == "N"
    assert resolve_concept(cmap, "elements") == "E"
    # an exact spelling still wins over a folded one
    assert resolve_concept(cmap, "resume") == "X" and resolve_concept(cmap, "Résumé") == "Y"


# -- the route search against networkx on random maps ------------------------------------
_LABELS = ("uses", "extended by", "relates to", None, "type of", "enables")
_KINDS = ("primary", "secondary", "has-part", "plain")


@given(
    edges=st.lists(
        st.tuples(
            st.integers(0, 9),
            st.integers(0, 9),
            st.sampled_from(_LABELS),
            st.sampled_from(_KINDS),
            st.booleans(),
        ),
        max_size=30,
    ),
    start=st.integers(0, 9),
    goal=st.integers(0, 9),
    any_direction=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_route_is_a_cheapest_one(edges, start, goal, any_direction):
    """The bidirectional search finds a valid route of networkx's cheapest cost."""
    _check_route(edges, start, goal, any_direction)


def test_route_is_a_cheapest_one_on_many_random_maps():
    """Denser maps than Hypothesis draws: a search stopping at its first meeting fails here."""
    import random

    rng = random.Random(7)
    for _ in range(1500):
        edges = [
            (rng.randrange(10), rng.randrange(10), rng.choice(_LABELS), rng.choice(_KINDS),
             rng.random() < 0.1)
            for _ in range(rng.randrange(5, 31))
        ]  # fmt: skip
        _check_route(edges, rng.randrange(10), rng.randrange(10), rng.random() < 0.5)


def test_route_prefers_two_cheap_steps_over_one_dear_one():
    cmap = build(
        """
        A -.->|uses| B
        A ==>|enables| C
        C ==>|enables| B
        """
    )
    r = learning_path(cmap, "A", "B", any_direction=True)
    assert r.cost == 2.0  # not 4.0: against a secondary relationship
    assert [s.to_id for s in r.steps] == ["C", "B"]


def _check_route(edges, start, goal, any_direction):
    import networkx as nx

    from conceptmap.analysis.paths import _AGAINST_FACTOR, _OTHER_COST, KIND_COST
    from conceptmap.analysis.relations import default_relations
    from conceptmap.model import Concept, ConceptMap, Relationship

    rels = tuple(
        Relationship(id=f"e{k}", source=f"C{a}", target=f"C{b}", label=label, kind=kind,
                     stroke="invisible" if hidden else "normal")
        for k, (a, b, label, kind, hidden) in enumerate(edges)
    )  # fmt: skip
    cmap = ConceptMap(concepts=tuple(Concept(id=f"C{i}", label=f"C{i}") for i in range(10)),
                      relationships=rels)  # fmt: skip
    steps = nx.DiGraph()  # independent model of the allowed steps and their costs
    steps.add_nodes_from(f"C{i}" for i in range(10))
    vocab = default_relations()

    def add(u, v, w):
        if not steps.has_edge(u, v) or steps[u][v]["weight"] > w:
            steps.add_edge(u, v, weight=w)

    for r in rels:
        if r.stroke == "invisible" or r.source == r.target:
            continue
        end, _known = vocab.prerequisite_end(r.label, r.kind)
        before, after = (r.source, r.target) if end == "source" else (r.target, r.source)
        cost = KIND_COST.get(r.kind, _OTHER_COST)
        add(before, after, cost)
        if any_direction:
            add(after, before, cost * _AGAINST_FACTOR)
    a, b = f"C{start}", f"C{goal}"
    result = learning_path(cmap, a, b, any_direction=any_direction)
    if not nx.has_path(steps, a, b):
        assert not result.found
        return
    assert result.found
    expected = nx.dijkstra_path_length(steps, a, b)
    assert result.cost == pytest.approx(expected)
    assert sum(s.cost for s in result.steps) == pytest.approx(expected)
    here = a
    for s in result.steps:  # a connected walk from a to b over real relationships
        assert s.from_id == here
        assert {s.relationship.source, s.relationship.target} == {s.from_id, s.to_id}
        here = s.to_id
    assert here == b
    # same input, same route
    again = learning_path(cmap, a, b, any_direction=any_direction)
    assert [s.relationship.id for s in again.steps] == [s.relationship.id for s in result.steps]


def test_no_route_reports_the_readings_that_decided_it():
    # BERT ==>|type| ENCONLY reads "BERT first": no route from BERT to Self-Attention, and
    # the ambiguous reading that decided it is reported.
    r = learning_path(seed_map(), "BERT", "SELFATTN")
    assert not r.found
    assert ("type", "ambiguous") in [(a.label, a.reason) for a in r.assumptions]


def _learning_digraph(cmap):
    """An independent model of the learning graph: before -> after per visible link."""
    import networkx as nx

    from conceptmap.analysis.relations import default_relations

    vocab = default_relations()
    g = nx.DiGraph()
    g.add_nodes_from(c.id for c in cmap.concepts)
    for r in cmap.relationships:
        if r.stroke == "invisible" or r.source == r.target:
            continue
        end, _known = vocab.prerequisite_end(r.label, r.kind)
        g.add_edge(*((r.source, r.target) if end == "source" else (r.target, r.source)))
    return g


def _random_map(rng, n=12):
    from conceptmap.model import Concept, ConceptMap, Relationship

    rels = tuple(
        Relationship(id=f"e{k}", source=f"C{a}", target=f"C{a if rng.random() < 0.05 else b}",
                     label=rng.choice(_LABELS), kind=rng.choice(_KINDS),
                     stroke="invisible" if rng.random() < 0.05 else "normal")
        for k, (a, b) in enumerate(
            (rng.randrange(n), rng.randrange(n)) for _ in range(rng.randrange(4, 3 * n))
        )
    )  # fmt: skip
    return ConceptMap(
        concepts=tuple(Concept(id=f"C{i}", label=f"C{i}") for i in range(n)), relationships=rels
    )


def test_prereqs_and_cycles_match_networkx_on_random_maps():
    """Reachability, depth, cycles (strongly connected components) and a valid order,
    checked against networkx on maps dense enough to hold several cycles."""
    import random

    import networkx as nx

    from conceptmap.analysis.paths import _reach, _tarjan

    rng = random.Random(11)
    for _ in range(400):
        cmap = _random_map(rng)
        g = _learning_digraph(cmap)
        target = f"C{rng.randrange(12)}"
        r = prerequisites(cmap, target)
        ancestors = nx.ancestors(g, target)
        assert {s.id for s in r.steps} == ancestors - {target}
        sub = g.subgraph(ancestors | {target})
        # depth: the longest chain to the target on the condensation (a cycle one link,
        # its members one depth; the target 0 and its cycle mates 1), so the list runs
        # from the deepest down
        dag = nx.condensation(sub)
        of = dag.graph["mapping"]
        want: dict[str, int] = {}
        for c in reversed(list(nx.topological_sort(dag))):
            members = dag.nodes[c]["members"]
            if target in members:
                want.update({v: 0 if v == target else 1 for v in members})
                continue
            d = max(want[w] + 1 for u in members for w in sub.successors(u) if of[w] != c)
            want.update(dict.fromkeys(members, d))
        del want[target]
        assert {s.id: s.depth for s in r.steps} == want
        assert [s.depth for s in r.steps] == sorted((s.depth for s in r.steps), reverse=True)
        expected = sorted(sorted(c) for c in nx.strongly_connected_components(sub) if len(c) > 1)
        assert sorted(list(c.concepts) for c in r.cycles) == expected
        comp = {v: i for i, c in enumerate(nx.strongly_connected_components(sub)) for v in c}
        # each step's relationship is the first link of its longest chain
        deep = {**want, target: 0}
        for s in r.steps:
            ref = s.via[0]
            nxt = ref.target if ref.source == s.id else ref.source
            assert deep[nxt] == s.depth - 1 or comp[nxt] == comp[s.id], (s, ref)
        position = {s.id: s.position for s in r.steps}
        for u, v in sub.edges:  # prerequisites first, except inside a cycle
            if comp[u] != comp[v] and v != target:
                assert position[u] < position[v]
        # the building blocks themselves
        from conceptmap.analysis.paths import _Learning

        lg = _Learning(cmap, None)
        start = f"C{rng.randrange(12)}"
        assert _reach(start, lg.succ) == nx.descendants(g, start) | {start}
        assert _reach(start, lg.pred) == nx.ancestors(g, start) | {start}
        from conceptmap.analysis.stats import _degrees

        indeg, outdeg = _degrees(cmap)  # the map's degrees, read off the learning graph
        assert {v: lg.degree(v) for v in indeg} == {v: indeg[v] + outdeg[v] for v in indeg}
        nodes = {f"C{i}" for i in range(12) if rng.random() < 0.7}
        ours = sorted(sorted(c) for c in _tarjan(nodes, lg.succ))
        assert ours == sorted(
            sorted(c) for c in nx.strongly_connected_components(g.subgraph(nodes))
        )


def test_prerequisites_leave_out_what_the_learner_knows():
    from conceptmap import parse_map
    from conceptmap.analysis import prerequisites

    # T needs A and B; A needs X; B needs Y; X needs Z.  Z -> X -> A -> T, Y -> B -> T
    cmap = parse_map(
        "flowchart LR\n  T -->|requires| A\n  T -->|requires| B\n  A -->|requires| X\n"
        "  B -->|requires| Y\n  X -->|requires| Z\n",
        path="k.mmd",
    )
    full = prerequisites(cmap, "T")
    assert {s.id for s in full.steps} == {"A", "B", "X", "Y", "Z"} and full.left_out == 0
    r = prerequisites(cmap, "T", known=["X"])
    assert [(s.id, s.depth) for s in r.steps] == [("Y", 2), ("A", 1), ("B", 1)]
    assert r.left_out == 2 and r.known == ("X",) and not r.target_known  # X and Z
    r = prerequisites(cmap, "T", known=["A", "B"])
    assert r.steps == () and r.left_out == 5 and not r.target_known
    r = prerequisites(cmap, "X", known=["A"])
    assert r.steps == () and r.target_known  # X comes before A


def test_prereqs_known_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from conceptmap.cli import cli

    f = tmp_path / "k.mmd"
    f.write_text(
        "flowchart LR\n  T[Target] -->|requires| A[Alpha]\n  A -->|requires| X[Xi]\n"
        "  T -->|requires| B[Beta]\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke
    r = run(cli, ["prereqs", str(f), "target", "--known", "xi"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "before Target (knowing Xi), learn:",
        "  1. Alpha (depth 1) via Target --requires--> Alpha",
        "  2. Beta (depth 1) via Target --requires--> Beta",
        "(1 prerequisite left out: what you know, and what comes before it)",
    ]
    r = run(cli, ["prereqs", str(f), "xi", "--known", "alpha"])
    assert r.output == "Xi comes before what you know (knowing Alpha): nothing to learn for it\n"
    r = run(cli, ["prereqs", str(f), "target", "--known", "alpha", "--known", "beta"])
    assert r.output.startswith("nothing left to learn before Target (knowing Alpha, Beta): its 3")
    r = run(cli, ["prereqs", str(f), "target", "--known", "gamma"])
    assert r.exit_code == 2 and "no concept named 'gamma'" in r.output
    data = __import__("json").loads(
        run(cli, ["prereqs", str(f), "target", "--known", "xi", "--format", "json"]).output
    )
    assert data["known"] == ["X"] and data["left_out"] == 1 and data["target_known"] is False


def test_order_leaves_out_what_the_learner_knows(tmp_path):
    from click.testing import CliRunner

    from conceptmap import parse_map
    from conceptmap.analysis import learning_order
    from conceptmap.cli import cli

    text = "flowchart LR\n  T -->|requires| A\n  A -->|requires| X\n  T -->|requires| B\n"
    cmap = parse_map(text, path="o.mmd")
    full = learning_order(cmap)
    r = learning_order(cmap, known=["A"])
    assert [s.id for s in r.steps] == [s.id for s in full.steps if s.id not in ("A", "X")]
    assert [s.position for s in r.steps] == [1, 2] and r.left_out == 2
    assert [s.depth for s in r.steps] == [
        full.steps[[x.id for x in full.steps].index(s.id)].depth for s in r.steps
    ]
    f = tmp_path / "o.mmd"
    f.write_text(text, encoding="utf-8")
    out = CliRunner().invoke(cli, ["order", str(f), "--known", "a"]).output
    assert "(2 concepts left out: A, and what comes before)" in out
    # knowing the last concept leaves nothing: said so, not as a bare "left out" line
    done = CliRunner().invoke(cli, ["order", str(f), "--known", "t"])
    assert done.exit_code == 0
    assert done.output == (
        "nothing left to learn in this map: all 4 of its concepts come with what you know (T)\n"
    )


@pytest.mark.parametrize(
    ("label", "first"),
    [
        ("enabled by", "B"),  # "A enabled by B" is "B enables A"
        ("computed by", "B"),
        ("produced by", "B"),
        ("preceded by", "B"),
        ("extended by", "A"),  # "B extends A"
        ("optimized by", "A"),  # any other passive: what is optimized comes first
        ("normalized by", "A"),  # ambiguous: the source, and said
    ],
)
def test_passive_phrases_read_as_their_active_verb(label, first):
    from conceptmap.model import Concept, ConceptMap, Relationship

    cmap = ConceptMap(
        concepts=(Concept(id="A", label="A"), Concept(id="B", label="B")),
        relationships=(Relationship(id="e", source="A", target="B", label=label),),
    )
    r = learning_order(cmap)
    assert r.steps[0].id == first
    assert [a.reason for a in r.assumptions] == (["ambiguous"] if label == "normalized by" else [])


def test_the_members_of_a_cycle_share_one_level():
    from conceptmap.model import Concept, ConceptMap, Relationship

    links = [("E", "A"), ("A", "B"), ("B", "C"), ("C", "B"), ("C", "D")]
    cmap = ConceptMap(
        concepts=tuple(Concept(id=x, label=x) for x in "ABCDE"),
        relationships=tuple(
            Relationship(id=f"e{i}", source=a, target=b, label="leads to")
            for i, (a, b) in enumerate(links)
        ),
    )
    r = learning_order(cmap)
    assert [(s.id, s.depth) for s in r.steps] == [("E", 0), ("A", 1), ("B", 2), ("C", 2), ("D", 3)]
    assert [c.concepts for c in r.cycles] == [("B", "C")]


def test_no_route_lists_only_readings_that_turned_would_make_one():
    from conceptmap.model import Concept, ConceptMap, Relationship

    def route(*links: tuple[str, str, str]):
        cmap = ConceptMap(
            concepts=tuple(Concept(id=x, label=x) for x in "SXGP"),
            relationships=tuple(
                Relationship(id=f"e{k}", source=a, target=b, label=lab)
                for k, (a, lab, b) in enumerate(links)
            ),
        )
        return learning_path(cmap, "S", "G")

    # unknown phrases near S and near G, but no turn of either joins S to G: not listed
    r = route(("S", "zaps", "X"), ("P", "blips", "G"))
    assert not r.found and r.assumptions == ()
    # G frobs S: G first, so no route; read the other way round it would be one
    r = route(("S", "zaps", "X"), ("P", "blips", "G"), ("G", "frobs", "S"))
    assert not r.found and r.reverse_exists
    assert [(a.label, a.relationships) for a in r.assumptions] == [("frobs", ("e2",))]
