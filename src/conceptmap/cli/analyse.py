"""Analysis commands: centrality, clusters, bridges, path, prereqs, order, quality, compare."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click
from click.shell_completion import CompletionItem

from conceptmap.analysis import (
    bridges,
    centrality,
    clusters,
    default_relations,
    learning_order,
    learning_path,
    load_relations,
    prerequisites,
    quality,
    resolve_concept,
)
from conceptmap.analysis.bridges import outside_concept
from conceptmap.analysis.centrality import MEASURES
from conceptmap.analysis.clusters import METHODS
from conceptmap.analysis.compare import compare_maps
from conceptmap.analysis.paths import cycle_index, earlier_and_mates
from conceptmap.analysis.relations import RelationVocabulary, normalize_label
from conceptmap.analysis.results import (
    Assumption,
    CycleFinding,
    LearningStep,
    OrderResult,
    PathResult,
    PrereqResult,
    RelationRef,
)
from conceptmap.cli import cli
from conceptmap.cli._common import (
    block_option,
    emit_json,
    format_option,
    handle_errors,
    link_text,
    load_document,
    load_map,
    one_map_process,
    read_text,
)
from conceptmap.labels import display_label, display_width, fit, plural
from conceptmap.model import ConceptMap

__all__ = [
    "bridges_cmd",
    "centrality_cmd",
    "clusters_cmd",
    "compare_cmd",
    "order_cmd",
    "path_cmd",
    "prereqs_cmd",
    "quality_cmd",
]

file_argument = click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))


def complete_concepts(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of concept names from the FILE given before them: ids (one word
    for every shell) whose id or label starts like *incomplete*, the label as help."""
    from conceptmap.analysis import concept_key

    # While an option's value is completed, click leaves the positionals unparsed in args.
    file = ctx.params.get("file") or (ctx.args[0] if ctx.args else None)
    if not file or file == "-":
        return []
    try:
        cmap = load_document(file, ctx.params.get("block")).map(ctx.params.get("block"))
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    want = concept_key(incomplete)
    return [
        CompletionItem(c.id, help=shown(c.label))
        for c in cmap.concepts
        if concept_key(c.id).startswith(want) or concept_key(c.label).startswith(want)
    ]


top_option = click.option(
    "--top", type=click.IntRange(min=1), default=None, help="Show only the first N rows."
)
known_option = click.option(
    "--known",
    multiple=True,
    metavar="NAME",
    shell_complete=complete_concepts,
    help="A concept you know already (repeatable): it and what comes before it are left out.",
)
relations_option = click.option(
    "--relations",
    "relations_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="TOML file: which end of each link phrase is learned first.",
)


def _vocab(path: str | None) -> RelationVocabulary:
    if path is None:
        return default_relations()
    return load_relations(read_text(path), path=path)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


#: Results that pydantic writes as JSON byte for byte as ``json.dumps(indent=2)`` does:
#: their only floats are route costs (sums of 1, 1.5 and 2), which both write the same way
#: (a float such as 1e-05 would not be: centrality keeps the slower path). 7x faster: a
#: 49,791-step answer took 1.57 s through ``model_dump`` + ``json.dumps``, 0.23 s so.
_FAST_JSON = (PathResult, PrereqResult, OrderResult)


def _emit_json_top(model: Any, field: str, count: int | None = None) -> None:
    """Print *model* as JSON with its list *field* cut to the first *count* items (--top)."""
    if isinstance(model, _FAST_JSON):
        if count is not None:
            model = model.model_copy(update={field: getattr(model, field)[:count]})
        click.echo(model.model_dump_json(indent=2))
        return
    data = _dump(model)
    data[field] = data[field][:count]
    emit_json(data)


#: Text output is for people: labels as they read (CO<sub>2</sub> -> CO₂); JSON keeps them.
shown = display_label


def _name(cmap: ConceptMap, node: str) -> str:
    """A concept (or subgraph) of *cmap* by its label, as read."""
    return shown(cmap.label_of(node))


def _rel(r: Any, cmap: ConceptMap | None = None) -> str:
    """``Encoder --uses--> Self-Attention`` (labels when the map is given, else ids)."""

    def name(node: str) -> str:
        return _name(cmap, node) if cmap is not None else node

    if type(r) is RelationRef:  # the common case (paths, prerequisites, orders)
        return _RelWriter(cmap)(r)
    kind = getattr(r, "kind", "plain")
    rid = getattr(r, "id", None) or getattr(r, "relationship", None)  # bridges: `relationship`
    full = r if hasattr(r, "head") else (cmap.relationship_by_id.get(rid) if cmap and rid else None)
    if full is not None and not hasattr(r, "kind"):
        kind = full.kind
    head = getattr(full, "head", "arrow")
    tail = getattr(full, "tail", "none")
    stroke = getattr(full, "stroke", "normal")
    token = link_text(shown(r.label) if r.label else None, kind, head, tail, stroke)
    return f"{name(r.source)} {token} {name(r.target)}"


class _RelWriter:
    """:func:`_rel` of :class:`RelationRef` records of one map (labels when the map is
    given, else ids), each concept's name and each distinct link token worked out once: a
    49,791-step ``prereqs`` list names each concept about twice and has a handful of
    distinct links (its text lines 0.22-0.26 s, 0.31-0.44 s with a lookup each)."""

    def __init__(self, cmap: ConceptMap | None) -> None:
        self.cmap = cmap
        self._names: dict[str, str] = {}
        self._tokens: dict[tuple[str | None, str, str, str, str], str] = {}

    def learn_names(self, steps: Iterable[LearningStep]) -> None:
        """Take the steps' own labels as their concepts' names (the same: a step's label
        is its concept's), without looking each one up in the map again."""
        self._names.update((s.id, shown(s.label)) for s in steps)

    def name(self, node: str) -> str:
        """:func:`_name`, memoised."""
        n = self._names.get(node)
        if n is None:
            n = self._names[node] = _name(self.cmap, node) if self.cmap is not None else node
        return n

    def __call__(self, r: RelationRef) -> str:
        full = self.cmap.relationship_by_id.get(r.id) if self.cmap is not None else None
        key = (
            (r.label, r.kind, full.head, full.tail, full.stroke)
            if full is not None
            else (r.label, r.kind, "arrow", "none", "normal")
        )
        token = self._tokens.get(key)
        if token is None:
            label = shown(r.label) if r.label else None
            token = self._tokens[key] = link_text(label, *key[1:])
        # the names inline (a dict hit each; name() only for one not seen yet): two calls
        # fewer a line, 0.02-0.04 s of a 49,791-line answer
        names, source, target = self._names, r.source, r.target
        return (
            f"{names.get(source) or self.name(source)} {token} "
            f"{names.get(target) or self.name(target)}"
        )


#: Assumed link phrases listed in text output (most relationships first); JSON has them all.
_ASSUMED_SHOWN = 5


def _findings(
    assumptions: tuple[Assumption, ...],
    cycles: tuple[CycleFinding, ...],
    cmap: ConceptMap | None = None,
) -> None:
    """Assumed readings (with up to two of the relationships read so, when *cmap* is
    given) and cycles, one line each."""
    # The phrases that decide most first; a map of unusual phrases must not bury the answer.
    shown_first = sorted(assumptions, key=lambda a: (-a.count, a.label or ""))[:_ASSUMED_SHOWN]
    # Only the examples shown are looked up (not an index of every relationship).
    by_id = cmap.relationship_by_id if cmap is not None and shown_first else {}
    for a in shown_first:
        what = f"link phrase {a.label!r}" if a.label else "unlabelled links"
        n = f"{a.count} relationship" + ("" if a.count == 1 else "s")
        examples = [by_id[i] for i in a.relationships[:2] if i in by_id]
        if examples and cmap is not None:
            more = ", ..." if a.count > len(examples) else ""
            n += ": " + ", ".join(_rel(r, cmap) for r in examples) + more
        if a.reason == "ambiguous" and normalize_label(a.label or "") not in ("type", "types"):
            click.echo(
                f"assumption: {what} is used both ways round in maps; assumed the {a.assumed} "
                f"comes first in {n}; where that is backwards, settle '{a.label}' in a "
                "--relations file"
            )
            continue
        if a.reason == "ambiguous":
            click.echo(
                f"assumption: {what} is used both ways round in maps (X {a.label} Y: Y is a "
                f"{a.label} of X, or X is of {a.label} Y); assumed the {a.assumed} comes first "
                f"in {n}; where that is backwards, write '{a.label} of' in the map, or settle "
                f"'{a.label}' in a --relations file"
            )
            continue
        click.echo(
            f"assumption: {what} not in the vocabulary; assumed the {a.assumed} comes first in {n}"
        )
    if len(assumptions) > len(shown_first):
        rest = len(assumptions) - len(shown_first)
        click.echo(
            f"assumption: {plural(rest, 'more link phrase')} read by assumption "
            "(--format json lists them all)"
        )
    for c in cycles:
        click.echo(f"cycle: {c.message}")


@cli.command("centrality")
@file_argument
@block_option
@format_option("text", "json")
@top_option
@click.option(
    "--measure",
    type=click.Choice(list(MEASURES)),
    default="degree",
    show_default=True,
    help="Rank by this measure.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling.")
@handle_errors
def centrality_cmd(
    file: str, block: int | None, fmt: str, top: int | None, measure: str, seed: int
) -> None:
    """Rank concepts by degree, betweenness, PageRank, closeness, eigenvector.

    Degree counts every relationship touching a concept (the "connections" of
    concept-map documents). Tiers: Critical/High/Medium/Low by degree relative to the
    top concept. Large maps get sampled betweenness (said in the output).

    \b
    Example:
        conceptmap centrality maps/transformers.md --top 5
        conceptmap centrality maps/transformers.md --measure pagerank --format json
    """
    result = centrality(load_map(file, block), seed=seed, measure=measure)
    rows = result.concepts[:top] if top else result.concepts
    if fmt == "json":
        _emit_json_top(result, "concepts", len(rows))
        return
    width = max((display_width(shown(c.label).replace("\n", " ")) for c in rows), default=7)
    width = min(max(width, 7), 40)
    click.echo(
        f"{'rank':>4}  {'concept':<{width}}  {'deg':>3} {'in':>3} {'out':>3}  "
        f"{'between':>7}  {'pagerank':>8}  {'close':>6}  {'eigen':>6}  tier"
    )
    for i, c in enumerate(rows, 1):
        label = fit(shown(c.label).replace("\n", " "), width)
        eig = "-" if c.eigenvector is None else f"{c.eigenvector:.4f}"
        click.echo(
            f"{i:>4}  {label}  {c.degree:>3} {c.in_degree:>3} {c.out_degree:>3}  "
            f"{c.betweenness:>7.4f}  {c.pagerank:>8.4f}  {c.closeness:>6.4f}  {eig:>6}  {c.tier}"
        )
    how = "exact" if result.exact else f"sampled (k={result.k}, seed={result.seed})"
    click.echo(f"betweenness/closeness: {how}; backend: {result.backend}")


@cli.command("clusters")
@file_argument
@block_option
@format_option("text", "json")
@top_option
@click.option("--method", type=click.Choice(list(METHODS)), default="louvain", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Above 1: more, smaller clusters; below 1: fewer, larger (louvain, greedy).",
)
@handle_errors
def clusters_cmd(
    file: str,
    block: int | None,
    fmt: str,
    top: int | None,
    method: str,
    seed: int,
    resolution: float,
) -> None:
    """Find topics (communities) and compare them with the author's subgraphs.

    \b
    Example:
        conceptmap clusters maps/transformers.md
        conceptmap clusters maps/transformers.md --method greedy --format json
    """
    cmap = load_map(file, block)
    r = clusters(cmap, method=method, seed=seed, resolution=resolution)
    listed = r.clusters[:top] if top else r.clusters
    if fmt == "json":
        _emit_json_top(r, "clusters", len(listed))
        return
    n = len(r.clusters)
    how = f"{r.method}, seed {r.seed}" + (
        f", resolution {r.resolution}" if r.method != "label-propagation" else ""
    )
    click.echo(f"{plural(n, 'cluster')} ({how})")
    for c in listed:
        members = ", ".join(_name(cmap, m) for m in c.members)
        click.echo(f"{c.id} {shown(c.name)} ({c.size}): {members}")
    click.echo(f"modularity: {r.modularity:.3f}")
    if r.subgraph_modularity is not None and r.agreement is not None:
        click.echo(f"subgraph modularity: {r.subgraph_modularity:.3f}")
        click.echo(
            f"agreement with subgraphs: NMI {r.agreement.nmi:.3f}, ARI {r.agreement.ari:.3f}"
        )
    for m in r.misplaced:
        click.echo(
            f"misplaced? {shown(m.label)} ({m.id}) in {m.subgraph}, clustered with {m.suggested}"
        )
    if r.gaps:
        # Name clusters by their central concept; a student reads "Encoder" better than "C1".
        name = {c.id: f"{c.id} {shown(c.name)}" for c in r.clusters}
        unlinked = [g for g in r.gaps if g.links == 0]
        weak = [g for g in r.gaps if g.links > 0]
        if unlinked:
            pairs = "; ".join(f"{name.get(g.a, g.a)} / {name.get(g.b, g.b)}" for g in unlinked[:6])
            more = f" (+{len(unlinked) - 6} more)" if len(unlinked) > 6 else ""
            click.echo(f"gaps, no relationship between: {pairs}{more}")
        for g in weak[:6]:
            click.echo(
                f"weak link: {name.get(g.a, g.a)} and {name.get(g.b, g.b)} "
                f"joined by {plural(g.links, 'relationship')}"
            )
        if len(weak) > 6:
            click.echo(f"(+{len(weak) - 6} more weak links; --format json lists all)")


@cli.command("bridges")
@file_argument
@block_option
@format_option("text", "json")
@top_option
@handle_errors
def bridges_cmd(file: str, block: int | None, fmt: str, top: int | None) -> None:
    """Concepts and relationships that hold the map together.

    \b
    Example:
        conceptmap bridges maps/transformers.md --top 5
    """
    cmap = load_map(file, block)
    # Without subgraphs the groups are the Louvain clusters (seed 0): found here, so that
    # the text can name them ("C2 (Encoder)"), and handed over rather than found twice.
    found = clusters(cmap, seed=0) if not cmap.subgraphs and cmap.relationships else None
    r = bridges(cmap, clusters=found)
    cluster_name = {c.id: c.name for c in found.clusters} if found is not None else {}
    connectors = r.connectors[:top] if top else r.connectors
    if fmt == "json":
        _emit_json_top(r, "connectors", len(connectors))
        return
    arts = ", ".join(f"{shown(a.label)} ({a.id})" for a in r.articulation_points) or "none"
    click.echo(f"articulation points: {arts}")
    click.echo(f"bridges ({len(r.bridges)}):")
    for b in r.bridges:
        leaf = f"  (only link of {_name(cmap, b.leaf)})" if b.leaf else ""
        click.echo(f"  {_rel(b, cmap)}{leaf}")
    if not r.bridges:
        click.echo("  none")
    click.echo(f"connectors (participation over {r.basis}):")
    for c in connectors:
        groups = ", ".join(
            f"{g} ({shown(cluster_name[g])})" if g in cluster_name else _group(cmap, g)
            for g in c.groups
        )
        click.echo(f"  {shown(c.label)} ({c.id}) P={c.participation:.2f} groups: {groups}")
    if not connectors:
        click.echo("  none")
    click.echo(f"cross-links ({len(r.cross_links)}):")
    for x in r.cross_links:
        ends = f"{_name(cmap, x.source_subgraph)} -> {_name(cmap, x.target_subgraph)}"
        click.echo(f"  {_rel(x, cmap)} ({ends})")
    if not r.cross_links:
        click.echo("  none" if r.basis == "subgraphs" else "  none (the map has no subgraphs)")
    if len(r.components) > 1:
        click.echo(f"components ({len(r.components)}):")
        for comp in r.components:
            click.echo(f"  {', '.join(_name(cmap, c) for c in comp)}")


@cli.command("path")
@file_argument
@click.argument("start", shell_complete=complete_concepts)
@click.argument("goal", shell_complete=complete_concepts)
@block_option
@format_option("text", "json")
@relations_option
@click.option(
    "--any-direction",
    is_flag=True,
    help="Allow steps against the learning order (how are these related?).",
)
@handle_errors
def path_cmd(
    file: str,
    start: str,
    goal: str,
    block: int | None,
    fmt: str,
    relations_file: str | None,
    any_direction: bool,
) -> None:
    """The best learning route from START (known) to GOAL.

    Concepts are named by id or label (case, spaces, hyphens forgiven). Exit code 1 when
    there is no route; 2 for an unknown concept.

    \b
    Example:
        conceptmap path maps/transformers.md "self attention" "context length"
        conceptmap path maps/transformers.md Softmax BERT --any-direction
    """
    one_map_process()
    cmap = load_map(file, block)
    a, b = resolve_concept(cmap, start), resolve_concept(cmap, goal)
    r = learning_path(cmap, a, b, relations=_vocab(relations_file), any_direction=any_direction)
    if fmt == "json":
        _emit_json_top(r, "steps")
    elif r.found:
        click.echo(f"{_name(cmap, a)} -> {_name(cmap, b)} ({len(r.steps)} steps, cost {r.cost:g})")
        for s in r.steps:
            against = "  (against the learning order)" if not s.follows_order else ""
            click.echo(
                f"{s.position:>3}. {shown(s.from_label)} -> {shown(s.to_label)}: {_rel(s.relationship, cmap)}{against}"
            )
        _findings(r.assumptions, r.cycles, cmap)
    else:
        click.echo(f"no learning route from {_name(cmap, a)} to {_name(cmap, b)}")
        if r.reverse_exists:
            click.echo(f"{_name(cmap, b)} is learned before {_name(cmap, a)}; try swapping them")
        click.echo("hint: --any-direction shows how they are related")
        _findings(r.assumptions, r.cycles, cmap)
    if not r.found:
        click.get_current_context().exit(1)


@cli.command("prereqs")
@file_argument
@click.argument("target", shell_complete=complete_concepts)
@block_option
@format_option("text", "json")
@relations_option
@top_option
@known_option
@handle_errors
def prereqs_cmd(
    file: str,
    target: str,
    block: int | None,
    fmt: str,
    relations_file: str | None,
    top: int | None,
    known: tuple[str, ...],
) -> None:
    """Everything to learn before TARGET, deepest first: depth is the longest chain of
    prerequisites from a concept to TARGET (1 = TARGET needs it, and nothing in between).

    \b
    Example:
        conceptmap prereqs maps/transformers.md BERT
        conceptmap prereqs maps/transformers.md bert --relations my-phrases.toml
        conceptmap prereqs maps/transformers.md GPT --known "self attention"
    """
    one_map_process()
    cmap = load_map(file, block)
    t = resolve_concept(cmap, target)
    knows = [resolve_concept(cmap, k) for k in known]
    r = prerequisites(cmap, t, relations=_vocab(relations_file), known=knows)
    steps = r.steps[:top] if top else r.steps
    if fmt == "json":
        _emit_json_top(r, "steps", len(steps))
        return
    knowing = f" (knowing {', '.join(_name(cmap, k) for k in r.known)})" if r.known else ""
    if r.target_known:
        why = (
            "is one of the concepts you know"
            if t in r.known
            else f"comes before what you know{knowing}"
        )
        click.echo(f"{_name(cmap, t)} {why}: nothing to learn for it")
        return
    if not r.steps and r.left_out:
        its = (
            "its prerequisite comes"
            if r.left_out == 1
            else f"its {r.left_out:,} prerequisites come"
        )
        click.echo(
            f"nothing left to learn before {_name(cmap, t)}{knowing}: {its} with what you know"
        )
    elif not r.steps:
        click.echo(f"{_name(cmap, t)} has no prerequisites in this map")
    else:
        click.echo(f"before {_name(cmap, t)}{knowing}, learn:")
    if steps:  # one write: tens of thousands of lines on big maps
        rel = _RelWriter(cmap)
        rel.learn_names(steps)
        name = rel.name
        click.echo(
            "\n".join(
                f"{s.position:>3}. {name(s.id)} (depth {s.depth}) via {rel(s.via[0])}"
                for s in steps
            )
        )
    if r.steps and r.left_out:
        click.echo(
            f"({plural(r.left_out, 'prerequisite')} left out: what you know, and what comes before it)"
        )
    _findings(r.assumptions, r.cycles, cmap)


@cli.command("order")
@file_argument
@block_option
@format_option("text", "json")
@relations_option
@top_option
@known_option
@handle_errors
def order_cmd(
    file: str,
    block: int | None,
    fmt: str,
    relations_file: str | None,
    top: int | None,
    known: tuple[str, ...],
) -> None:
    """A learning order for the whole map (prerequisites first), deterministic.

    \b
    Example:
        conceptmap order maps/transformers.md --top 10
        conceptmap order maps/transformers.md --known encoder --known "pre-training"
    """
    one_map_process()
    cmap = load_map(file, block)
    knows = [resolve_concept(cmap, k) for k in known]
    r = learning_order(cmap, relations=_vocab(relations_file), known=knows)
    steps = r.steps[:top] if top else r.steps
    if fmt == "json":
        _emit_json_top(r, "steps", len(steps))
        return
    lines = []
    # a prerequisite in the same cycle may come later: it is named as such, not as "after"
    cycle_of = cycle_index(r.cycles)
    for s in steps:
        earlier, mates = earlier_and_mates(s, cycle_of)
        before = sorted({_name(cmap, u) for u, _ in earlier})
        after = f"  after {', '.join(before)}" if before else ""
        if mates:
            with_ = ", ".join(sorted({_name(cmap, u) for u, _ in mates}))
            after += f"{';' if before else ' '} in a cycle with {with_}"
        lines.append(f"{s.position:>3}. {shown(s.label)} (level {s.depth}){after}")
    if lines:  # one write: tens of thousands of lines on big maps
        click.echo("\n".join(lines))
    if r.left_out:
        knowing = ", ".join(_name(cmap, k) for k in r.known)
        if r.steps:
            click.echo(
                f"({plural(r.left_out, 'concept')} left out: {knowing}, and what comes before)"
            )
        else:  # a bare "left out" line would read as if the answer were missing
            every = (
                "its one concept comes"
                if r.left_out == 1
                else f"all {r.left_out:,} of its concepts come"
            )
            click.echo(f"nothing left to learn in this map: {every} with what you know ({knowing})")
    _findings(r.assumptions, r.cycles, cmap)


def _group(cmap: ConceptMap, group: str) -> str:
    """A connector's group as read: a subgraph's title, a cluster's id, or the concept
    outside every subgraph (``Glucose (no subgraph)``)."""
    alone = outside_concept(group)
    if alone is not None:
        return f"{_name(cmap, alone)} (no subgraph)"
    return _name(cmap, group)


@cli.command("quality")
@file_argument
@block_option
@format_option("text", "json")
@top_option
@handle_errors
def quality_cmd(file: str, block: int | None, fmt: str, top: int | None) -> None:
    """Novak-Gowin-style structural score and link-phrase statistics.

    score = propositions + 5 x hierarchy levels + branching points + 10 x cross-links.

    \b
    Example:
        conceptmap quality maps/transformers.md
    """
    q = quality(load_map(file, block))
    phrases = q.phrases[:top] if top else q.phrases
    if fmt == "json":
        _emit_json_top(q, "phrases", len(phrases))
        return
    click.echo(f"score: {q.score}")
    click.echo(f"  propositions (labelled links): {q.propositions}")
    click.echo(f"  hierarchy levels: {q.hierarchy_levels} (x5 = {5 * q.hierarchy_levels})")
    click.echo(f"  branchings: {q.branchings} ({q.branching_points} points)")
    click.echo(f"  cross-links: {q.cross_links} (x10 = {10 * q.cross_links})")
    click.echo(f"unlabelled links: {q.unlabelled}")
    click.echo(f"link phrases: {q.distinct_phrases} distinct, diversity {q.phrase_diversity:.2f}")
    for p in phrases:
        mark = "  (overused)" if p.phrase in q.overused else ""
        click.echo(f"  {p.count:>3}  {p.phrase}{mark}")


def _percent(x: float) -> str:
    return f"{x * 100:.0f}%"


@cli.command("compare")
@file_argument
@click.argument("reference", type=click.Path())
@block_option
@click.option(
    "--reference-block",
    type=click.IntRange(min=0),
    default=None,
    help="Which flowchart block of REFERENCE (0-based; default: the first).",
)
@format_option("text", "json")
@top_option
@handle_errors
def compare_cmd(
    file: str,
    reference: str,
    block: int | None,
    reference_block: int | None,
    fmt: str,
    top: int | None,
) -> None:
    """Compare a map with a reference map: shared, missing and extra concepts and propositions.

    A teacher's criterion map against a student's, or a trusted map against a generated
    one. Concepts pair by name (forgiving case, spaces, accents, plurals, acronyms, unique
    prefixes; fuzzy pairs are listed to check); a relationship matches when the reference
    links the same concepts the same way round with the same phrase. --top N lists at most
    N items per section.

    \b
    Example:
        conceptmap compare student.md maps/transformers.md
    """
    cmap = load_map(file, block)
    ref = load_map(reference, reference_block)
    r = compare_maps(cmap, ref)
    if fmt == "json":
        emit_json(_dump(r))
        return

    def section(title: str, items: list[str]) -> None:
        if not items:
            return
        shown_items = items[:top] if top else items
        click.echo(f"{title} ({len(items)}):")
        for item in shown_items:
            click.echo(f"  {item}")
        if len(shown_items) < len(items):
            click.echo(f"  ... and {len(items) - len(shown_items)} more")

    click.echo(f"{cmap.path or file} compared with {ref.path or reference} (the reference)")
    click.echo(
        f"concepts:       {len(r.shared)} of {r.reference_concepts} reference concepts "
        f"({_percent(r.concept_recall)}); {len(r.extra)} of the map's {r.map_concepts} "
        "not in the reference"
    )
    click.echo(
        f"propositions:   {len(r.matched)} of {r.reference_relationships} reference "
        f"relationships stated ({_percent(r.proposition_recall)}); "
        f"{len(r.phrase_differs)} linked with another phrase, {len(r.reversed)} the other "
        f"way round, {len(r.extra_relationships)} of the map's {r.map_relationships} extra"
    )
    click.echo(
        f"scores:         concept recall {r.concept_recall:.2f}, precision "
        f"{r.concept_precision:.2f}; proposition recall {r.proposition_recall:.2f}, "
        f"precision {r.proposition_precision:.2f}; link recall {r.link_recall:.2f}"
    )
    fuzzy = [p for p in r.shared if p.how != "same name"]
    section(
        "paired loosely, check these",
        [f"{shown(p.label)} = {shown(p.reference_label)} ({p.how})" for p in fuzzy],
    )
    section("missing concepts", [shown(c.label) for c in r.missing])
    section("extra concepts", [shown(c.label) for c in r.extra])
    section(
        "linked with another phrase",
        [
            f"{_rel(p.relationship, cmap)}  (reference: {_rel(p.reference, ref)})"
            for p in r.phrase_differs
        ],
    )
    section(
        "the other way round",
        [
            f"{_rel(p.relationship, cmap)}  (reference: {_rel(p.reference, ref)})"
            for p in r.reversed
        ],
    )
    section("missing relationships", [_rel(x, ref) for x in r.missing_relationships])
    section("extra relationships", [_rel(x, cmap) for x in r.extra_relationships])
