"""A :class:`~conceptmap.report.build.MapReport` as Markdown a student can read.

:func:`report_sections` gives the report as ``(anchor, title, markdown body)`` sections;
:func:`report_markdown` joins them into ``report.md``, and
:func:`conceptmap.report.html.report_html` renders the same sections, so both pages say
the same thing. Every number comes with a sentence saying what it means.

User text (labels, titles, messages) is escaped, so a label such as ``a | b`` or
``<b>`` cannot break a table or inject markup.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from conceptmap.analysis.bridges import outside_concept
from conceptmap.analysis.paths import cycle_index, earlier_and_mates
from conceptmap.analysis.results import RelationRef
from conceptmap.labels import plural, split_tags
from conceptmap.report.build import MapReport, PathwayStep

__all__ = [
    "MAX_ROWS",
    "esc",
    "join",
    "report_intro",
    "report_markdown",
    "report_sections",
    "report_title",
    "slug",
    "table",
]

#: Longest table in report.md; report.html and report.json hold every row.
MAX_ROWS = 100

# Enough to keep user text literal inline: with [ ] escaped no link can form, so ( ) may stay.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_TIER_NOTE = {
    "Critical": "the hubs: more relationships touch them than any other concepts",
    "High": "well connected: core ideas of the topic",
    "Medium": "supporting ideas",
    "Low": "details and leaves",
}
_STATUS = {
    "ok": "✓ linked to the previous step",
    "unknown": "✗ not a concept of the diagram",
    "gap": "✗ no relationship with the previous step",
    "order": "⚠ needed by the step before it",
}


def esc(text: object) -> str:
    """*text* as literal Markdown inline text (one line, specials escaped).

    >>> esc("a | b*"), esc("CO<sub>2</sub> <b")
    ('a \\\\| b\\\\*', 'CO<sub>2</sub> \\\\<b')
    """
    s = " ".join(str(text).split())
    if "<" not in s:
        return _MD_SPECIAL.sub(r"\\\1", s)
    # paired inline tags of a label (CO<sub>2</sub>) stay HTML: Markdown renders them
    return "".join(p if kept else _MD_SPECIAL.sub(r"\\\1", p) for p, kept in split_tags(s))


def join(labels: Sequence[str]) -> str:
    """Escaped labels as a list; "; " separates them when a label holds a comma.

    >>> join(["BERT", "GPT"]), join(["Query, Key, Value", "Softmax"])
    ('BERT, GPT', 'Query, Key, Value; Softmax')
    """
    sep = "; " if any("," in x for x in labels) else ", "
    return sep.join(esc(x) for x in labels)


def _code(text: object) -> str:
    s = " ".join(str(text).split()).replace("`", "'")
    return f"`{s}`"


def _num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "–"
    return f"{x:.{digits}f}"


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, limit: int | None = MAX_ROWS
) -> str:
    """A GitHub-flavoured Markdown table; cells must already be escaped.

    >>> print(table(["A", "B"], [["1", "2"]]))
    | A | B |
    |---|---|
    | 1 | 2 |
    """
    rows = list(rows)
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    shown = rows if limit is None else rows[:limit]
    out += ["| " + " | ".join(r) + " |" for r in shown]
    if len(shown) < len(rows):
        out.append("")
        out.append(f"*Showing {len(shown)} of {len(rows)} rows; report.json has all of them.*")
    return "\n".join(out)


class _Names:
    def __init__(self, report: MapReport) -> None:
        self.label = {c.id: c.label for c in report.centrality.concepts}
        self.subgraph = {s.id: s.title for s in report.stats.subgraphs}
        self.cluster = {c.id: c.name for c in report.clusters.clusters}

    def concept(self, cid: str) -> str:
        return esc(self.label.get(cid, cid))

    def concepts(self, ids: Iterable[str]) -> str:
        return join([self.label.get(i, i) for i in ids])

    def group(self, gid: str) -> str:
        alone = outside_concept(gid)
        if alone is not None and alone in self.label:
            return f"{self.concept(alone)} (no subgraph)"
        if gid in self.subgraph:
            return esc(self.subgraph[gid])
        if gid in self.cluster:
            return f"{esc(gid)} ({esc(self.cluster[gid])})"
        return esc(gid)


# -- sections -----------------------------------------------------------------------------
def _glance(r: MapReport, n: _Names) -> str:
    s = r.stats
    # invisible `~~~` links are layout hints, not relationships: left out, as stats does
    by_kind = sorted(s.relationships_by_kind.items())
    kinds = ", ".join(f"{v} {esc(k)}" for k, v in by_kind if k != "invisible")
    hidden = s.relationships - s.visible_relationships
    if hidden:
        kinds = "; ".join(filter(None, [kinds, f"{plural(hidden, 'invisible link')} not counted"]))
    comp = len(s.components)
    comp_text = (
        "1 – every concept can be reached from every other"
        if comp == 1
        else f"{comp} – the map falls apart into {comp} separate pieces"
    )
    v = r.validation
    checks = f"{plural(v.errors, 'error')}, {plural(v.warnings, 'warning')}, {v.info} info"
    top = r.centrality.concepts[0] if r.centrality.concepts else None
    rows = [
        ["Concepts", str(s.concepts)],
        ["Relationships", f"{s.visible_relationships}" + (f" ({kinds})" if kinds else "")],
        ["Labelled relationships", f"{s.labelled_relationships} of {s.visible_relationships}"],
        ["Subgraphs (the author's groups)", str(len(s.subgraphs))],
        ["Connected components", comp_text],
        ["Density", f"{_num(s.density)} ({s.density * 100:.1f}% of all pairs are linked)"],
        ["Connections per concept", f"{_num(s.mean_degree, 2)} on average, {s.max_degree} at most"],
        [
            "Most connected concept",
            f"{esc(top.label)} ({plural(top.degree, 'connection')})" if top else "–",
        ],
        ["Quality score", str(r.quality.score)],
        ["Document checks", checks],
    ]
    if s.isolated:
        rows.insert(5, ["Isolated concepts", n.concepts(s.isolated)])
    parts = [table(["Figure", "Value"], rows, limit=None)]
    parts.append(
        "> **Reading the figures.** A *relationship* is one arrow of the diagram; a "
        "concept's *connections* are the arrows touching it. *Density* is the share of "
        "all possible pairs of concepts that are directly linked: concept maps are sparse, "
        "so small values are normal. *Components* are pieces of the map with no arrow "
        "between them; a well-integrated map has one."
    )
    if s.subgraphs:
        parts.append(
            table(
                ["Subgraph", "Title", "Concepts"],
                [[_code(g.id), esc(g.title), str(g.concepts)] for g in s.subgraphs],
                limit=None,
            )
        )
    if len(s.components) > 1:
        parts.append(
            "The separate pieces: "
            + "; ".join(f"{{{n.concepts(c)}}}" for c in s.components[:10])
            + ("; …" if len(s.components) > 10 else "")
        )
    return "\n\n".join(parts)


def _claims(r: MapReport, n: _Names) -> str:
    v = r.validation
    parts: list[str] = []
    if r.headline:
        parts.append(
            "The document's header states some figures about its own diagram. "
            "Here they are next to what the diagram actually contains:"
        )
        parts.append(
            table(
                ["Claim", "The document says", "The diagram shows", "Check"],
                [
                    [
                        esc(h.field),
                        esc(h.declared),
                        esc(h.actual),
                        "✓ matches" if h.ok else "✗ stale",
                    ]
                    for h in r.headline
                ],
                limit=None,
            )
        )
    if not v.findings:
        parts.append("The validator found nothing to report: every claim it checked holds.")
        return "\n\n".join(parts)
    parts.append(
        f"`conceptmap validate` checked {plural(len(v.files), 'file')} and found "
        f"**{plural(v.errors, 'error')}**, {plural(v.warnings, 'warning')} and {v.info} "
        f"info notes; {plural(v.stale_claims, 'stale claim')} (a figure or statement the "
        "diagram contradicts). *Errors* are figures that are plainly wrong; *warnings* are "
        "claims that are doubtful (a pathway step with no link to the previous one, a "
        "tier that does not match the connections); *info* notes are worth a look."
    )
    if v.fixable:
        command = shlex.join(["conceptmap", "validate", "--fix", *v.files])
        parts.append(
            f"{plural(v.fixable, 'finding')} can be corrected automatically: {_code(command)}."
        )
    rows = [
        [
            _code(f"{f.path}:{f.line}:{f.column}"),
            f.severity,
            _code(f"{f.code} {f.rule}"),
            esc(f.message),
        ]
        for f in v.findings
    ]
    parts.append(table(["Where", "Severity", "Rule", "What is wrong"], rows, limit=3 * MAX_ROWS))
    return "\n\n".join(parts)


def _centrality(r: MapReport, n: _Names) -> str:
    c = r.centrality
    parts = [
        "Each concept's *tier* comes from its number of connections compared with the most "
        f"connected concept ({plural(c.max_degree, 'connection')}): **Critical** at 80% "
        "or more of it, **High** at 50%, **Medium** at 25% (and at least 2), **Low** below. "
        "*Betweenness* is the share of shortest routes between other concepts that pass "
        "through this one (a high value marks a bridge between topics); *PageRank* is how "
        "much the arrows lead to it."
    ]
    lines = []
    for t in r.tiers:
        if t.count:
            lines.append(
                f"- **{t.tier}** ({t.count}, {_TIER_NOTE[t.tier]}): {n.concepts(t.concepts)}"
            )
    parts.append("\n".join(lines))
    rows = [
        [
            str(i),
            esc(x.label),
            x.tier,
            str(x.degree),
            str(x.in_degree),
            str(x.out_degree),
            _num(x.betweenness),
            _num(x.pagerank),
        ]
        for i, x in enumerate(c.concepts, 1)
    ]
    parts.append(
        table(
            ["Rank", "Concept", "Tier", "Connections", "In", "Out", "Betweenness", "PageRank"],
            rows,
        )
    )
    if not c.exact:
        parts.append(
            f"*Betweenness and closeness were estimated from {c.k} sampled concepts "
            f"(seed {c.seed}); the map is too large for exact values.*"
        )
    return "\n\n".join(parts)


def _clusters(r: MapReport, n: _Names) -> str:
    cl = r.clusters
    parts = [
        f"Community detection ({esc(cl.method)}, seed {cl.seed}) groups concepts that are "
        "linked more among themselves than with the rest. Comparing those groups with the "
        "author's subgraphs shows whether the diagram's boxes match its arrows."
    ]
    rows = [["Modularity", _num(cl.modularity), _num(cl.subgraph_modularity)]]
    parts.append(table(["Measure", "Algorithm's clusters", "Author's subgraphs"], rows, limit=None))
    if cl.agreement is not None:
        parts.append(_agreement(r))
    parts.append(
        "> **Reading the figures.** *Modularity* measures how cleanly a grouping splits the "
        "map: 0 is no better than chance, above 0.3 means clear topics. *NMI* (normalised "
        "mutual information, 0 to 1) and *ARI* (adjusted Rand index, 1 = identical, 0 = "
        "chance) say how closely the algorithm's clusters match the subgraphs."
    )
    if cl.clusters:
        parts.append(
            table(
                ["Cluster", "Named after", "Size", "Concepts", "Drawn from subgraphs"],
                [
                    [
                        _code(c.id),
                        esc(c.name),
                        str(c.size),
                        n.concepts(c.members),
                        ", ".join(n.group(g) for g in c.subgraphs) or "–",
                    ]
                    for c in cl.clusters
                ],
            )
        )
    if cl.misplaced:
        parts.append(
            "**Possibly misplaced concepts**: the algorithm groups them with concepts of "
            "another subgraph, and more of their own links go to that subgraph than stay in "
            "theirs. Consider moving them, or adding links inside their own subgraph."
        )
        parts.append(
            table(
                ["Concept", "Author's subgraph", "Grouped in", "Suggested subgraph"],
                [
                    [esc(m.label), n.group(m.subgraph), n.group(m.cluster), n.group(m.suggested)]
                    for m in cl.misplaced
                ],
            )
        )
    elif r.stats.subgraphs:
        parts.append(_none_misplaced(r))
    return "\n\n".join(parts)


def _few_in_subgraphs(r: MapReport) -> bool:
    """Fewer than half of the concepts are in a subgraph: too few to judge the clusters by."""
    return 2 * r.subgraph_concepts < r.stats.concepts


def _agreement(r: MapReport) -> str:
    """NMI and ARI, saying over how many concepts they are computed (those in a subgraph)."""
    a = r.clusters.agreement
    assert a is not None
    inside, total = r.subgraph_concepts, r.stats.concepts
    over = (
        f"all {plural(total, 'concept')}, every one in a subgraph"
        if inside == total
        else f"the {inside} of {plural(total, 'concept')} that are in a subgraph"
    )
    text = (
        f"Agreement between the two groupings (over {over}): NMI **{_num(a.nmi)}**, "
        f"ARI **{_num(a.ari)}**."
    )
    if _few_in_subgraphs(r):
        text += (
            " Fewer than half of the concepts are in a subgraph, so these figures say "
            "little about the map as a whole."
        )
    return text


def _none_misplaced(r: MapReport) -> str:
    """No concept misplaced: the clusters follow the subgraphs, if enough concepts are in one."""
    if not _few_in_subgraphs(r):
        return "No concept looks misplaced: the clusters follow the subgraphs."
    return (
        "No concept in a subgraph looks misplaced, but only "
        f"{r.subgraph_concepts} of {plural(r.stats.concepts, 'concept')} are in one: too few "
        "to say whether the clusters follow the subgraphs."
    )


def _bridges(r: MapReport, n: _Names) -> str:
    b = r.bridges
    parts: list[str] = []
    if b.articulation_points:
        parts.append(
            "**Bridge concepts** – removing one of these would split the map into pieces, so "
            "they hold topics together: " + join([a.label for a in b.articulation_points])
        )
    else:
        parts.append(
            "No single concept holds the map together: removing any one leaves it connected."
        )
    if b.connectors:
        basis = {"subgraphs": "subgraphs", "clusters": "clusters", "none": "groups"}[b.basis]
        parts.append(
            f"**Connectors** – concepts whose links spread over several {basis}. The "
            "participation coefficient is 0 when all links stay in one group and close to 1 "
            "when they are spread evenly."
        )
        parts.append(
            table(
                ["Concept", "Participation", "Connections", "Groups it links"],
                [
                    [
                        esc(c.label),
                        _num(c.participation),
                        str(c.degree),
                        ", ".join(n.group(g) for g in c.groups),
                    ]
                    for c in b.connectors
                ],
            )
        )
    if b.cross_links:
        parts.append(
            f"**Cross-links** ({len(b.cross_links)}) – relationships between concepts of two "
            "different subgraphs. Novak counts them as a sign of integrated understanding."
        )
        parts.append(
            table(
                ["From", "Link", "To", "Between subgraphs"],
                [
                    [
                        n.concept(x.source),
                        esc(x.label) if x.label else "–",
                        n.concept(x.target),
                        f"{n.group(x.source_subgraph)} → {n.group(x.target_subgraph)}",
                    ]
                    for x in b.cross_links
                ],
            )
        )
    inner = [x for x in b.bridges if not x.leaf]
    leaves = sorted({x.leaf for x in b.bridges if x.leaf}, key=lambda c: n.label.get(c, c))
    if inner:
        parts.append(
            "**Single links** – relationships that are the only connection between two parts "
            "of the map (removing one cuts the map in two):"
        )
        parts.append(
            table(
                ["From", "Link", "To"],
                [
                    [n.concept(x.source), esc(x.label) if x.label else "–", n.concept(x.target)]
                    for x in inner
                ],
            )
        )
    if leaves:
        one = len(leaves) == 1
        parts.append(
            f"{'Besides, ' if inner else ''}{plural(len(leaves), 'concept')} "
            f"{'hangs' if one else 'hang'} on a single link, nothing else touching "
            f"{'it' if one else 'them'}: {n.concepts(leaves)}."
        )
    gaps = [g for g in r.clusters.gaps if g.links == 0]
    thin = [g for g in r.clusters.gaps if g.links > 0]
    if gaps or thin:
        parts.append(
            "**Gaps** – pairs of clusters with no or only one link between them. A missing "
            "link there is often a missing idea: how does one topic relate to the other?"
        )
        parts.append(
            table(
                ["Cluster", "Cluster", "Links between them"],
                [[n.group(g.a), n.group(g.b), str(g.links)] for g in [*gaps, *thin]],
            )
        )
    return "\n\n".join(parts)


def _order(r: MapReport, n: _Names) -> str:
    o = r.learning_order
    parts = [
        "A suggested order to learn the whole map: every concept comes after the concepts it "
        "builds on (read from the relationship phrases, e.g. *A uses B* means learn B "
        "first). *Level* 0 concepts need nothing else first."
    ]
    rows = []
    cycle_of = cycle_index(o.cycles)

    def named(side: list[tuple[str, RelationRef]]) -> str:
        # the phrase, or a kind other than plain: "Encoder (has-part)"
        whys = [(v, ref.label or (ref.kind if ref.kind != "plain" else "")) for v, ref in side]
        return ", ".join(f"{n.concept(v)} ({esc(w)})" if w else n.concept(v) for v, w in whys)

    for s in o.steps:
        earlier, mates = earlier_and_mates(s, cycle_of)
        after = named(earlier)
        if mates:
            after += ("; " if after else "") + "in a cycle with " + named(mates)
        rows.append([str(s.position), esc(s.label), str(s.depth), after or "–"])
    parts.append(table(["Step", "Concept", "Level", "Learn after"], rows))
    if o.cycles:
        parts.append(
            "**Circular prerequisites** – these concepts each need the other first; the "
            "order above breaks the circle arbitrarily:\n\n"
            + "\n".join(f"- {esc(c.message)}" for c in o.cycles)
        )
    if o.assumptions:
        parts.append(
            "Link phrases read by assumption (not in the vocabulary, or *used both ways "
            "round* in maps), with the end taken to come first: "
            + "; ".join(
                f"{esc(a.label) if a.label else '(unlabelled)'}"
                f"{' (used both ways round)' if a.reason == 'ambiguous' else ''}"
                f" → {a.assumed} first ({a.count}×)"
                for a in o.assumptions
            )
            + ". `conceptmap order`, `path` and `prereqs` take `--relations FILE` to settle them."
        )
    return "\n\n".join(parts)


def _pathways(r: MapReport, n: _Names) -> str:
    if not r.pathways:
        return "The document writes no learning pathway of its own."
    parts = [
        "Each step of the document's own pathways is looked up in the diagram, and each pair "
        "of consecutive steps should be joined by a relationship."
    ]
    for p in r.pathways:
        verdict = (
            "every step checks out"
            if not p.problems
            else f"{plural(p.problems, 'step')} of {len(p.steps)} with a problem"
        )
        parts.append(f"### {esc(p.title)}\n\n{_code(p.path)} – {verdict}.")
        rows = []
        previous_known = False
        previous = None
        for s in p.steps:
            status = _order_status(previous) if s.status == "order" else _STATUS[s.status]
            if s.status == "ok" and not previous_known:
                status = "✓ in the diagram"
            previous_known = bool(s.concepts)
            previous = s
            rows.append(
                [
                    str(s.index),
                    esc(s.name),
                    n.concepts(s.concepts) or "–",
                    status,
                ]
            )
        parts.append(table(["Step", "As written", "Concept in the diagram", "Check"], rows))
        # Gaps and unknown steps say it all in the table; an order problem needs its why.
        notes = [
            f"- step {s.index}: {esc(m)}"
            for s in p.steps
            if s.status == "order"
            for m in s.messages
        ]
        if notes:
            parts.append("\n".join(notes))
    return "\n\n".join(parts)


def _order_status(previous: PathwayStep | None) -> str:
    """The check of a step that the step before it needs (CM403): the pathway-order
    finding sits on the later step, the prerequisite the pathway puts too late.

    >>> from conceptmap.report.build import PathwayStep
    >>> before = PathwayStep(index=2, name="Decoder Architecture", line=9, column=4,
    ...                      concepts=("DECODER",), status="gap", messages=())
    >>> _order_status(before)
    '⚠ step 2 (Decoder Architecture) needs it but comes first'
    """
    if previous is None:
        return _STATUS["order"]
    return f"⚠ step {previous.index} ({esc(previous.name)}) needs it but comes first"


def _quality(r: MapReport, n: _Names) -> str:
    q = r.quality
    rows = [
        [
            "Propositions (labelled relationships)",
            str(q.propositions),
            "1 each",
            str(q.propositions),
        ],
        ["Hierarchy levels", str(q.hierarchy_levels), "5 each", str(q.hierarchy_levels * 5)],
        [
            "Branchings (2+ outgoing links)",
            str(q.branchings),
            "1, then 3 each",
            str(q.branching_points),
        ],
        ["Cross-links between subgraphs", str(q.cross_links), "10 each", str(q.cross_links * 10)],
        ["**Total**", "", "", f"**{q.score}**"],
    ]
    parts = [
        "A structural score in the spirit of Novak and Gowin: points for propositions, "
        "levels of hierarchy, branching and cross-links. It rewards a map that is labelled, "
        "deep and well connected; compare maps of similar size with it.",
        table(["Component", "Count", "Points", "Score"], rows, limit=None),
        f"Linking phrases: {q.distinct_phrases} different phrases for {q.propositions} "
        f"propositions (diversity {_num(q.phrase_diversity, 2)}); "
        f"{plural(q.unlabelled, 'relationship')} without a phrase.",
    ]
    if q.overused:
        parts.append(
            "Overused phrases (a more precise verb would say more): "
            + ", ".join(f"*{esc(p)}*" for p in q.overused)
        )
    if q.phrases:
        parts.append(
            table(
                ["Phrase", "Used"],
                [[esc(p.phrase), str(p.count)] for p in q.phrases[:15]],
                limit=None,
            )
        )
    return "\n\n".join(parts)


def _siblings(r: MapReport, n: _Names) -> str:
    if not r.siblings:
        parts = [
            "No other document in the folder refers to this map (with a `**Concept Map:**` line)."
        ]
    else:
        parts = [
            "These documents name this map in a `**Concept Map:**` line; their claims "
            "(connections, tiers, concept names) were checked against the diagram too.",
            table(
                ["Document", "Errors", "Warnings", "Info"],
                [[_code(s.path), str(s.errors), str(s.warnings), str(s.info)] for s in r.siblings],
                limit=None,
            ),
        ]
    if r.sources:
        missing = [f for f in r.validation.findings if f.code == "CM701"]
        what = (
            f"{plural(len(missing), 'concept')} of the diagram they never mention: "
            + join([f.declared or "" for f in missing])
            + " (check that these belong in the map)"
            if missing
            else "every concept of the diagram is mentioned in them"
        )
        parts.append(
            f"The map names its source notes on its `**Source:**` line: "
            f"{', '.join(_code(p) for p in r.sources)}; {what}."
        )
    return "\n\n".join(parts)


def _shared(r: MapReport, n: _Names) -> str:
    c = r.combined
    assert c is not None
    if not c.shared:
        return (
            f"The {plural(len(c.maps), 'map')} share no concept: nothing ties the topics "
            "together yet."
        )
    return "\n\n".join(
        [
            f"Concepts were merged across {plural(len(c.maps), 'map')} by their label "
            "(ignoring case, spaces, hyphens and punctuation). These concepts appear in "
            "more than one map: they are the ones that tie the topics together.",
            table(
                ["Concept", "Maps", "Connections (combined)"],
                [
                    [esc(s.label), ", ".join(esc(m) for m in s.maps), str(s.degree)]
                    for s in c.shared
                ],
                limit=None,
            ),
        ]
    )


def slug(title: str) -> str:
    """The anchor GitHub gives a heading.

    >>> slug("The document's learning pathways, checked")
    'the-documents-learning-pathways-checked'
    """
    s = re.sub(r"[^\w\- ]", "", title.lower())
    return s.replace(" ", "-")


def _comparison(r: MapReport, n: _Names) -> str:
    assert r.comparison is not None
    c, x = r.comparison, r.comparison.result
    ref_label = {p.reference_id: p.reference_label for p in x.shared}
    ref_label.update((m.id, m.label) for m in x.missing)

    def prop(ref: RelationRef, labels: dict[str, str]) -> list[str]:
        phrase = esc(ref.label) if ref.label else f"*({esc(ref.kind)} link)*"
        return [
            esc(labels.get(ref.source, ref.source)),
            phrase,
            esc(labels.get(ref.target, ref.target)),
        ]

    def pct(v: float) -> str:
        return f"{v * 100:.0f}%"

    title = f" ({esc(c.reference_title)})" if c.reference_title else ""
    out = [
        f"Compared with the reference map {_code(c.reference)}{title}: which of its concepts "
        "this map uses, and which of its *propositions* (two concepts joined by a linking "
        "phrase, the same way round) it states. Concepts pair by name, forgiving case, "
        "accents, spaces and punctuation, then plurals, acronyms and unique prefixes "
        "(those pairs are listed, to check).",
        table(
            ["Measure", "Value"],
            [
                [
                    "Reference concepts used",
                    f"{len(x.shared)} of {x.reference_concepts} ({pct(x.concept_recall)})",
                ],
                [
                    "Concepts not in the reference",
                    f"{len(x.extra)} of {x.map_concepts} ({pct(1 - x.concept_precision)})",
                ],
                [
                    "Reference propositions stated",
                    f"{len(x.matched)} of {x.reference_relationships} "
                    f"({pct(x.proposition_recall)})",
                ],
                ["Linked with another phrase", str(len(x.phrase_differs))],
                ["Linked the other way round", str(len(x.reversed))],
                [
                    "Propositions not in the reference",
                    f"{len(x.extra_relationships)} of {x.map_relationships}",
                ],
                [
                    "Scores",
                    f"concept recall {x.concept_recall:.2f}, precision {x.concept_precision:.2f}; "
                    f"proposition recall {x.proposition_recall:.2f}, precision "
                    f"{x.proposition_precision:.2f}; link recall {x.link_recall:.2f}",
                ],
            ],
            limit=None,
        ),
    ]
    loose = [p for p in x.shared if p.how != "same name"]
    if loose:
        out.append(
            "**Paired loosely** (check these): "
            + "; ".join(f"{esc(p.label)} = {esc(p.reference_label)} ({esc(p.how)})" for p in loose)
        )
    if x.missing:
        out.append("**Reference concepts missing here:** " + join([m.label for m in x.missing]))
    if x.extra:
        out.append("**Concepts the reference lacks:** " + join([e.label for e in x.extra]))
    if x.missing_relationships:
        out.append("### Reference propositions not stated here")
        out.append(
            table(
                ["From", "Linking phrase", "To"],
                (prop(m, ref_label) for m in x.missing_relationships),
            )
        )
    if x.phrase_differs or x.reversed:
        out.append("### Linked, but not as the reference links them")
        rows = [
            [" ".join(prop(p.relationship, n.label)), " ".join(prop(p.reference, ref_label)), how]
            for how, pairs in (
                ("another phrase", x.phrase_differs),
                ("the other way round", x.reversed),
            )
            for p in pairs
        ]
        out.append(table(["This map", "The reference", "Difference"], rows))
    if x.extra_relationships:
        out.append("### Propositions the reference lacks")
        out.append(
            table(
                ["From", "Linking phrase", "To"], (prop(e, n.label) for e in x.extra_relationships)
            )
        )
    return "\n\n".join(out)


def report_sections(report: MapReport) -> list[tuple[str, str, str]]:
    """The report as ``(anchor, title, markdown body)`` sections, in reading order.

    The anchor is the one GitHub gives the ``## title`` heading (:func:`slug`).
    """
    n = _Names(report)
    out: list[tuple[str, str]] = []
    if report.combined is not None:
        out.append(("Concepts shared between maps", _shared(report, n)))
    out.append(("At a glance", _glance(report, n)))
    if report.combined is None:
        out.append(("What the document claims, checked", _claims(report, n)))
    if report.comparison is not None:
        out.append(("Compared with the reference map", _comparison(report, n)))
    out += [
        ("Most important concepts", _centrality(report, n)),
        ("Topics: clusters and subgraphs", _clusters(report, n)),
        ("Bridges, cross-links and gaps", _bridges(report, n)),
        ("Recommended learning order", _order(report, n)),
    ]
    if report.combined is None:
        out.append(("The document's learning pathways, checked", _pathways(report, n)))
    out.append(("Quality score", _quality(report, n)))
    if report.combined is None:
        out.append(("Related documents", _siblings(report, n)))
    return [(slug(t), t, b) for t, b in out]


def report_title(report: MapReport) -> str:
    """The page title: the map's title, else its file name."""
    return report.map.title or report.map.path


def report_intro(report: MapReport) -> str:
    """The paragraph under the title (Markdown)."""
    if report.combined is not None:
        return (
            f"The combined knowledge graph of {plural(len(report.combined.maps), 'map')} "
            f"({', '.join(esc(m) for m in report.combined.maps)}), written by {esc(report.tool)}."
        )
    where = _code(report.map.path)
    if report.map.block:
        where += f" (flowchart block {report.map.block})"
    return (
        f"Report on the concept map in {where}, written by {esc(report.tool)}. It compares "
        "what the document says with what its diagram shows, ranks the concepts, finds "
        "the topics and the bridges between them, and proposes an order to learn them in."
    )


def report_markdown(report: MapReport) -> str:
    """``report.md``: the whole report as Markdown (same input, same text).

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> from conceptmap.report.build import build_report
    >>> m = ConceptMap(title="Tiny", concepts=(Concept(id="A", label="Attention"),
    ...                Concept(id="B", label="Softmax")),
    ...                relationships=(Relationship(id="e", source="A", target="B", label="uses"),))
    >>> md = report_markdown(build_report(m))
    >>> md.splitlines()[0], "## Most important concepts" in md
    ('# Tiny', True)
    """
    sections = report_sections(report)
    out = [f"# {esc(report_title(report))}", report_intro(report)]
    out.append(
        "**Contents:** " + " · ".join(f"[{title}](#{anchor})" for anchor, title, _ in sections)
    )
    for _anchor, title, body in sections:
        out.append(f"## {title}\n\n{body}")
    return "\n\n".join(out).rstrip() + "\n"
