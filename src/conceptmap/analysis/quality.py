"""A Novak-Gowin-style structural score and link-phrase statistics: :func:`quality`.

Novak and Gowin (1984, *Learning How to Learn*) score a concept map by its valid
propositions, hierarchy levels, cross-links and examples. Meaning cannot be judged from
structure, so this score counts what structure shows ("valid" = has a link phrase)::

    score = P + 5*H + B' + 10*X

* ``P`` -- propositions: visible relationships with a non-empty label (1 point each);
* ``H`` -- hierarchy levels: the longest chain of relationships following the arrows as
  drawn, a cycle counting as one level (the ranks of a layered drawing; adding to a map
  never lowers it) (5 points per level);
* ``B'`` -- branching: ``B`` = concepts with two or more outgoing relationships; 1 point for
  the first, 3 for each further one: ``B' = 0 if B == 0 else 1 + 3*(B-1)``;
* ``X`` -- cross-links: labelled relationships between concepts of two different top-level
  subgraphs (10 points each). Examples are not scored (the map does not mark them).

Link phrases are normalised (lowercase, hyphens and underscores as spaces, whitespace
collapsed). ``phrase_diversity`` = distinct phrases / propositions; a phrase is
**overused** when it labels more than :data:`OVERUSE_SHARE` (20 %) of the propositions and
at least :data:`OVERUSE_MIN` (3) of them.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from conceptmap.analysis.clusters import top_subgraph
from conceptmap.analysis.relations import normalize_label
from conceptmap.analysis.results import PhraseCount, QualityResult

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = ["OVERUSE_MIN", "OVERUSE_SHARE", "hierarchy_levels", "quality"]

OVERUSE_SHARE = 0.2
OVERUSE_MIN = 3


def hierarchy_levels(cmap: ConceptMap) -> int:
    """The longest chain of relationships, following the arrows as drawn (concepts that
    are each other's ancestors, a cycle, count as one level): the number of ranks below
    the top of a layered drawing, as Mermaid draws a flowchart.

    Adding a concept or a relationship never lowers it. (A breadth-first depth from all
    roots at once did: a side concept linking into the middle of a long chain made the
    chain's end shallower.)

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> chain = [Relationship(id=f"e{i}", source=f"C{i}", target=f"C{i + 1}") for i in range(4)]
    >>> side = Relationship(id="s", source="S", target="C3")
    >>> concepts = tuple(Concept(id=x, label=x) for x in ["C0", "C1", "C2", "C3", "C4", "S"])
    >>> hierarchy_levels(ConceptMap(concepts=concepts, relationships=tuple(chain)))
    4
    >>> hierarchy_levels(ConceptMap(concepts=concepts, relationships=(*chain, side)))
    4
    """
    import networkx as nx  # here: `path`/`prereqs` import this module, not networkx

    g: nx.DiGraph[str] = nx.DiGraph()
    g.add_nodes_from(cmap.concept_by_id)
    g.add_edges_from(
        (r.source, r.target)
        for r in cmap.relationships
        if r.stroke != "invisible" and r.source != r.target
    )
    if g.number_of_edges() == 0:
        return 0
    return int(nx.dag_longest_path_length(nx.condensation(g)))


def quality(cmap: ConceptMap) -> QualityResult:
    """Structural score (see the module docstring) and link-phrase vocabulary statistics.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="A", target="B", label="uses"),
    ...                    Relationship(id="e2", source="A", target="C", label="uses")),
    ... )
    >>> q = quality(cmap)
    >>> q.propositions, q.hierarchy_levels, q.branchings, q.score
    (2, 1, 1, 8)
    """
    visible = [r for r in cmap.relationships if r.stroke != "invisible"]
    labelled = [r for r in visible if r.label and r.label.strip()]
    phrases = Counter(normalize_label(r.label or "") for r in labelled)
    out_counts = Counter(r.source for r in visible if r.source != r.target)
    branchings = sum(1 for v, k in out_counts.items() if k >= 2)
    branching_points = 0 if branchings == 0 else 1 + 3 * (branchings - 1)
    cross = 0
    if cmap.subgraphs:
        for r in labelled:
            a, b = top_subgraph(cmap, r.source), top_subgraph(cmap, r.target)
            if a is not None and b is not None and a != b:
                cross += 1
    levels = hierarchy_levels(cmap)
    p = len(labelled)
    ranked = sorted(phrases.items(), key=lambda kv: (-kv[1], kv[0]))
    overused = tuple(ph for ph, k in ranked if p and k / p > OVERUSE_SHARE and k >= OVERUSE_MIN)
    return QualityResult(
        score=p + 5 * levels + branching_points + 10 * cross,
        propositions=p,
        hierarchy_levels=levels,
        branchings=branchings,
        branching_points=branching_points,
        cross_links=cross,
        unlabelled=len(visible) - p,
        distinct_phrases=len(phrases),
        phrase_diversity=(len(phrases) / p) if p else 0.0,
        phrases=tuple(PhraseCount(phrase=ph, count=k) for ph, k in ranked),
        overused=overused,
    )
