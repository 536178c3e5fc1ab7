"""Gather everything the tool knows about one map: :func:`build_report` -> :class:`MapReport`.

A report is data only (a frozen pydantic model); :mod:`conceptmap.report.markdown` and
:mod:`conceptmap.report.html` turn it into pages, ``MapReport.model_dump_json`` into
``report.json`` (its JSON Schema: :func:`conceptmap.report.schema.report_json_schema`).

What it holds, in the order the pages show it:

* ``stats`` -- counts, relationships by kind, subgraphs, components, density;
* ``headline`` and ``validation`` -- what the document claims against the actual figures,
  every finding of ``conceptmap validate`` (the map's file and its sibling documents);
* ``centrality`` and ``tiers`` -- every concept ranked, with its Critical/High/Medium/Low tier;
* ``clusters`` -- topics found by community detection against the author's subgraphs;
* ``bridges`` -- bridge concepts, cross-links, and the gaps between topics;
* ``learning_order`` and ``pathways`` -- a recommended order, and the document's own
  learning pathways checked step by step;
* ``quality`` -- the Novak-Gowin-style structural score.

Every list is sorted deterministically and nothing depends on the clock, so the same
input gives the same report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from conceptmap import __version__
from conceptmap.analysis import (
    bridges,
    centrality,
    clusters,
    learning_order,
    map_stats,
    quality,
)
from conceptmap.analysis.clusters import top_subgraph
from conceptmap.analysis.compare import ComparisonResult, compare_maps
from conceptmap.analysis.results import (
    TIERS,
    BridgeResult,
    CentralityResult,
    ClusterResult,
    OrderResult,
    QualityResult,
    StatsResult,
)
from conceptmap.labels import plural
from conceptmap.model import ConceptMap
from conceptmap.parse import Document
from conceptmap.validate import (
    Claim,
    ValidateConfig,
    document_claims,
    text_pair,
    validate_document,
)
from conceptmap.validate.findings import Finding
from conceptmap.validate.rules import Context

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "CombinedSection",
    "ComparisonSection",
    "HeadlineClaim",
    "MapInfo",
    "MapReport",
    "Pathway",
    "PathwayStep",
    "ReportFinding",
    "SharedConcept",
    "SiblingInfo",
    "TierCount",
    "ValidationSection",
    "build_report",
    "stale_claims",
]

#: Bumped when the shape of ``report.json`` changes incompatibly.
REPORT_SCHEMA_VERSION = "1"

# Codes of the rules that check the header fields shown in the headline table.
_HEADLINE_CODES = {
    "total-concepts": ("CM101",),
    "total-relationships": ("CM102",),
    "central-concept": ("CM103", "CM104"),
}
_PATHWAY_CODES = {"CM401": "unknown", "CM402": "gap", "CM403": "order"}
#: Pathway step statuses, most serious first (a step shows the most serious one).
_PATHWAY_SERIOUSNESS = ("unknown", "gap", "order", "ok")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class MapInfo(_Frozen):
    """Which map the report is about."""

    path: str = Field(description="File the map was read from, as given.")
    title: str | None = Field(None, description="The map's title (front matter or heading).")
    block: int = Field(0, description="0-based index of the flowchart block in the file.")
    line: int | None = Field(None, description="1-based line of the flowchart header.")


class ReportFinding(_Frozen):
    """One finding of ``conceptmap validate`` (the public keys of its JSON output)."""

    rule: str = Field(description="Stable kebab-case rule name, e.g. 'total-concepts'.")
    code: str = Field(description="Stable rule code, e.g. 'CM101'.")
    severity: Literal["error", "warning", "info"]
    path: str = Field(description="File the claim was read from.")
    line: int = Field(description="1-based line.")
    column: int = Field(description="1-based column (characters).")
    declared: str | None = Field(None, description="What the document says.")
    actual: str | None = Field(None, description="What the diagram says.")
    message: str
    fixable: bool = Field(description="True when `conceptmap validate --fix` can rewrite it.")


class HeadlineClaim(_Frozen):
    """A header field of the document (Total Concepts, ...) against the actual figure."""

    field: str = Field(description="'Total concepts', 'Total relationships' or 'Central concept'.")
    declared: str = Field(description="The value as the document writes it.")
    actual: str = Field(description="The value computed from the diagram.")
    ok: bool = Field(description="True when the validator found nothing wrong with it.")
    line: int = Field(description="1-based line of the claim in the map's file.")


class ValidationSection(_Frozen):
    """Every finding for the map's file and its sibling documents."""

    errors: int
    warnings: int
    info: int
    fixable: int
    stale_claims: int = Field(
        description="Errors and warnings about a value the document declares (see stale_claims)."
    )
    files: tuple[str, ...] = Field(description="Every file checked (the map's first).")
    findings: tuple[ReportFinding, ...] = Field(description="Sorted by path, line, column.")


class TierCount(_Frozen):
    """How many concepts fall in one centrality tier."""

    tier: Literal["Critical", "High", "Medium", "Low"]
    count: int
    concepts: tuple[str, ...] = Field(description="Concept ids, in ranking order.")


class PathwayStep(_Frozen):
    """One step of a learning pathway written in the document, checked against the diagram."""

    index: int = Field(description="The step's number as written (1-based).")
    name: str = Field(description="The step as written.")
    line: int
    column: int
    concepts: tuple[str, ...] = Field(description="Concept ids it names (empty: none found).")
    status: Literal["ok", "unknown", "gap", "order"] = Field(
        description="ok; unknown: names no concept; gap: no relationship with the previous "
        "step; order: the step before it needs it (the pathway puts a prerequisite after "
        "the step that needs it)."
    )
    messages: tuple[str, ...] = Field(description="The validator's messages for this step.")


class Pathway(_Frozen):
    """A learning pathway (or the Critical Path) of the document."""

    title: str
    path: str = Field(description="File it was read from.")
    steps: tuple[PathwayStep, ...]
    problems: int = Field(description="Steps whose status is not 'ok'.")


class SiblingInfo(_Frozen):
    """A document that describes this map (flashcards, notes), validated against it."""

    path: str
    errors: int
    warnings: int
    info: int


class SharedConcept(_Frozen):
    """A concept that several maps share (merged by normalised label)."""

    id: str = Field(description="Id in the combined map.")
    label: str
    key: str = Field(description="The normalised label the maps were merged on.")
    maps: tuple[str, ...] = Field(description="Names of the maps holding it, sorted.")
    degree: int = Field(description="Relationships touching it in the combined map.")


class CombinedSection(_Frozen):
    """For the combined knowledge graph only: which maps went in and what they share."""

    maps: tuple[str, ...] = Field(description="Names of the combined maps, sorted.")
    shared: tuple[SharedConcept, ...] = Field(
        description="Concepts in two or more maps: most maps first, then by label."
    )


class ComparisonSection(_Frozen):
    """The map against a reference (criterion) map: ``report --reference FILE``."""

    reference: str = Field(description="The reference map's file, as given.")
    reference_title: str | None = Field(None, description="The reference map's title.")
    result: ComparisonResult


class MapReport(_Frozen):
    """Everything conceptmap knows about one concept map (the content of ``report.json``)."""

    schema_version: str = Field(REPORT_SCHEMA_VERSION, description="Shape of this document.")
    tool: str = Field(description="'conceptmap <version>' that wrote the report.")
    map: MapInfo
    stats: StatsResult
    headline: tuple[HeadlineClaim, ...] = Field(
        description="The document's header fields against the actual figures."
    )
    validation: ValidationSection
    centrality: CentralityResult
    tiers: tuple[TierCount, ...] = Field(description="Critical, High, Medium, Low.")
    clusters: ClusterResult
    subgraph_concepts: int = Field(
        0,
        description="Concepts inside a subgraph (nested ones included): clusters.agreement "
        "compares the clusters with the subgraphs over these concepts only.",
    )
    bridges: BridgeResult
    learning_order: OrderResult
    pathways: tuple[Pathway, ...] = Field(description="The document's own learning pathways.")
    quality: QualityResult
    siblings: tuple[SiblingInfo, ...] = Field(
        description="Documents referring to this map with a **Concept Map:** line."
    )
    sources: tuple[str, ...] = Field(
        (), description="The notes named on the map's **Source:** line that were found."
    )
    combined: CombinedSection | None = Field(
        None, description="Set only on the report of the combined knowledge graph."
    )
    comparison: ComparisonSection | None = Field(
        None, description="Set when the report was run with a reference map (--reference)."
    )


def stale_claims(findings: Iterable[ReportFinding | Finding]) -> int:
    """Errors and warnings about a value the document declares (a claim gone stale).

    Diagram hygiene findings (an isolated concept, a duplicate link) state no claim and
    are not counted; neither are ``info`` notes.

    >>> f = ReportFinding(rule="total-concepts", code="CM101", severity="error", path="m.md",
    ...                   line=5, column=21, declared="32", actual="28", message="...",
    ...                   fixable=True)
    >>> stale_claims([f, f.model_copy(update={"severity": "info"})])
    1
    """
    return sum(1 for f in findings if f.severity != "info" and f.declared is not None)


def _as_document(doc_or_map: Document | ConceptMap, block: int) -> tuple[Document, int]:
    if isinstance(doc_or_map, ConceptMap):
        path = doc_or_map.path or "<map>"
        # No text: the header claims are empty, the diagram checks still run.
        return Document(path=path, text="", maps=(doc_or_map,)), 0
    if not 0 <= block < len(doc_or_map.maps):
        raise ValueError(f"block {block} out of range: {plural(len(doc_or_map.maps), 'block')}")
    return doc_or_map, block


#: Decimals kept of centrality scores: iterative solvers (igraph's ARPACK eigenvector)
#: differ in the last bits from run to run, and the report must not.
_DECIMALS = 12


def _rounded(cent: CentralityResult) -> CentralityResult:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, _DECIMALS)

    rows = tuple(
        c.model_copy(
            update={
                "betweenness": r(c.betweenness),
                "pagerank": r(c.pagerank),
                "closeness": r(c.closeness),
                "eigenvector": r(c.eigenvector),
            }
        )
        for c in cent.concepts
    )
    return cent.model_copy(update={"concepts": rows})


def _finding(f: Finding) -> ReportFinding:
    return ReportFinding(**f.public())  # type: ignore[arg-type]


def _headline(
    doc: Document,
    stats: StatsResult,
    cent: CentralityResult,
    findings: list[Finding],
    all_claims: list[Claim],
) -> tuple[HeadlineClaim, ...]:
    if not doc.text:
        return ()
    claims = [c for c in all_claims if c.path == doc.path and c.context == "header"]
    bad = {(f.line, f.code) for f in findings if f.path == doc.path}
    top = [c for c in cent.concepts if c.degree == cent.max_degree and cent.max_degree > 0]
    central = ", ".join(f"{c.label} ({c.degree} connections)" for c in top) or "none"
    out: list[HeadlineClaim] = []
    for c in claims:
        if c.kind == "total-concepts":
            name, actual = "Total concepts", str(stats.concepts)
        elif c.kind == "total-relationships":
            name, actual = "Total relationships", str(stats.visible_relationships)
        elif c.kind == "central-concept":
            name, actual = "Central concept", central
        else:
            continue
        declared = c.value
        if c.kind == "central-concept":
            line_text = doc.text.split("\n")[c.line - 1]
            declared = line_text[c.column - 1 :].strip()
        ok = not any((c.line, code) in bad for code in _HEADLINE_CODES[c.kind])
        out.append(HeadlineClaim(field=name, declared=declared, actual=actual, ok=ok, line=c.line))
    return tuple(out)


def _pathways(
    cmap: ConceptMap, texts: list[tuple[str, str]], findings: list[Finding], claims: list[Claim]
) -> tuple[Pathway, ...]:
    by_pos: dict[tuple[str, int, int], list[Finding]] = {}
    for f in findings:
        if f.code in _PATHWAY_CODES:
            by_pos.setdefault((f.path, f.line, f.column), []).append(f)
    ctx = Context(cmap=cmap, path=texts[0][0] if texts else "", claims=[])
    out: list[Pathway] = []
    for path, _text in texts:
        groups: dict[int, list[Any]] = {}
        titles: dict[int, str] = {}
        for c in claims:
            if c.path == path and c.kind == "step":
                groups.setdefault(c.group, []).append(c)
                titles[c.group] = c.context
        for group in sorted(groups):
            steps: list[PathwayStep] = []
            for c in groups[group]:
                found = by_pos.get((path, c.line, c.column), [])
                # the most serious wins: unknown, then gap, then order
                status = min(
                    (_PATHWAY_CODES[f.code] for f in found),
                    key=_PATHWAY_SERIOUSNESS.index,
                    default="ok",
                )
                ids = ctx.resolve_all(c.subjects) or []
                steps.append(
                    PathwayStep(
                        index=c.index,
                        name=c.value,
                        line=c.line,
                        column=c.column,
                        concepts=tuple(dict.fromkeys(ids)),
                        status=status,  # type: ignore[arg-type]
                        messages=tuple(f.message for f in found),
                    )
                )
            out.append(
                Pathway(
                    title=titles[group] or f"Pathway {len(out) + 1}",
                    path=path,
                    steps=tuple(steps),
                    problems=sum(s.status != "ok" for s in steps),
                )
            )
    return tuple(out)


def build_report(
    doc_or_map: Document | ConceptMap,
    *,
    siblings: Iterable[Any] = (),
    block: int = 0,
    seed: int = 0,
    relations: Any = None,
    config: ValidateConfig | None = None,
    combined: CombinedSection | None = None,
    sources: Iterable[Any] = (),
    reference: tuple[str, ConceptMap] | None = None,
) -> MapReport:
    """Run every analyser and the validator on one map and gather the results.

    Parameters
    ----------
    doc_or_map
        A parsed :class:`~conceptmap.parse.Document` (its claims are checked) or a bare
        :class:`~conceptmap.model.ConceptMap` (only the diagram checks run).
    siblings
        Documents describing the same map (objects with ``path`` and ``text``, or
        ``(path, text)`` pairs): validated against it and listed in the report.
    block
        Which flowchart of the document (0-based).
    seed
        Seed of community detection and of any sampled centrality.
    relations
        Relation vocabulary for prerequisite order (default: the analysers').
    config
        Which validation rules run.
    combined
        For the combined knowledge graph: the maps it merges and the shared concepts.
    sources
        The notes the map's ``**Source:**`` line names, when found (``path``/``text``
        objects or pairs): concepts they never mention are reported (CM701).
    reference
        ``(path, map)`` of a reference (criterion) map to compare the map with
        (:func:`~conceptmap.analysis.compare.compare_maps`).

    Returns
    -------
    MapReport

    Examples
    --------
    >>> from conceptmap import parse_document
    >>> doc = parse_document("# Concept Map: Tiny\\n**Total Concepts:** 3\\n\\n"
    ...     "```mermaid\\nflowchart TD\\n  A[Attention] -->|uses| B[Softmax]\\n```\\n",
    ...     path="tiny.md")
    >>> r = build_report(doc)
    >>> r.stats.concepts, [(h.declared, h.actual, h.ok) for h in r.headline]
    (2, [('3', '2', False)])
    >>> [(c.label, c.tier) for c in r.centrality.concepts]
    [('Attention', 'Critical'), ('Softmax', 'Critical')]
    """
    doc, block = _as_document(doc_or_map, block)
    cmap = doc.maps[block]
    sib = [text_pair(s) for s in siblings]
    sib.sort()
    src = [text_pair(s) for s in sources]
    claims = document_claims(doc, sib)  # read once: the validator, headline and pathways
    topics = clusters(cmap, seed=seed)  # once: the topics section and cluster claims
    result = validate_document(
        doc, siblings=sib, relations=relations, config=config, block=block, claims=claims,
        clusters=topics, sources=src,
    )  # fmt: skip
    findings = list(result.findings)
    stats = map_stats(cmap)
    cent = _rounded(centrality(cmap, seed=seed))
    tiers = tuple(
        TierCount(
            tier=t,
            count=sum(c.tier == t for c in cent.concepts),
            concepts=tuple(c.id for c in cent.concepts if c.tier == t),
        )
        for t in TIERS
    )
    # The map's own findings first, then each sibling's (each in line order).
    order = {p: i for i, p in enumerate(result.paths)}
    ranked = sorted(findings, key=lambda f: (order.get(f.path, len(order)), f.sort_key()))
    public = tuple(_finding(f) for f in ranked)
    validation = ValidationSection(
        errors=result.summary.errors,
        warnings=result.summary.warnings,
        info=result.summary.info,
        fixable=result.summary.fixable,
        stale_claims=stale_claims(public),
        files=result.paths,
        findings=public,
    )
    texts = ([(doc.path, doc.text)] if doc.text else []) + sib
    sibling_info = tuple(
        SiblingInfo(
            path=p,
            errors=sum(f.severity == "error" for f in findings if f.path == p),
            warnings=sum(f.severity == "warning" for f in findings if f.path == p),
            info=sum(f.severity == "info" for f in findings if f.path == p),
        )
        for p, _ in sib
    )
    return MapReport(
        tool=f"conceptmap {__version__}",
        map=MapInfo(path=doc.path, title=cmap.title, block=block, line=cmap.line),
        stats=stats,
        headline=_headline(doc, stats, cent, findings, claims),
        validation=validation,
        centrality=cent,
        tiers=tiers,
        clusters=topics,
        subgraph_concepts=sum(top_subgraph(cmap, c.id) is not None for c in cmap.concepts),
        bridges=bridges(cmap, clusters=topics),  # the clusters the report shows, found once
        learning_order=learning_order(cmap, relations=relations),
        pathways=_pathways(cmap, texts, findings, claims),
        quality=quality(cmap),
        siblings=sibling_info,
        sources=tuple(p for p, _ in src),
        combined=combined,
        comparison=None
        if reference is None
        else ComparisonSection(
            reference=reference[0],
            reference_title=reference[1].title,
            result=compare_maps(cmap, reference[1]),
        ),
    )
