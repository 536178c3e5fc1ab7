"""Frozen pydantic result models returned by the analysers.

Every analyser in :mod:`conceptmap.analysis` returns one of these. Their ``model_dump``
(``mode="json"``) is the ``--format json`` output of the matching command, so field names
are a public contract. Lists inside results are already sorted deterministically.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Agreement",
    "Assumption",
    "BridgeRelationship",
    "BridgeResult",
    "CentralityResult",
    "Cluster",
    "ClusterGap",
    "ClusterResult",
    "ConceptCentrality",
    "ConceptDegree",
    "ConceptRef",
    "Connector",
    "CrossLink",
    "CycleFinding",
    "LearningStep",
    "Misplaced",
    "OrderResult",
    "PathResult",
    "PathStep",
    "PhraseCount",
    "PrereqResult",
    "QualityResult",
    "RelationRef",
    "StatsResult",
    "SubgraphInfo",
    "TIERS",
    "Tier",
]

Tier = Literal["Critical", "High", "Medium", "Low"]
#: The tiers, highest first (the one list of them: validator, report, claims).
TIERS: tuple[Tier, ...] = get_args(Tier)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# -- shared ---------------------------------------------------------------------------------
class ConceptRef(_Frozen):
    """A concept named by id and label."""

    id: str
    label: str


class RelationRef(_Frozen):
    """One relationship of the map, as written (source --label--> target)."""

    id: str = Field(description="Relationship id.")
    source: str
    target: str
    label: str | None = None
    kind: str = "plain"


# -- centrality -----------------------------------------------------------------------------
class ConceptCentrality(_Frozen):
    """Centrality measures of one concept."""

    id: str
    label: str
    degree: int = Field(description="Relationships touching the concept (parallel ones too).")
    in_degree: int
    out_degree: int
    betweenness: float = Field(description="Normalised betweenness on the undirected view.")
    pagerank: float = Field(description="PageRank on the directed view (alpha 0.85).")
    closeness: float = Field(description="Closeness on the undirected view (Wasserman-Faust).")
    eigenvector: float | None = Field(
        description="Eigenvector centrality on the undirected view; null where undefined."
    )
    tier: Tier = Field(description="Critical/High/Medium/Low by degree (see tier_for).")


class CentralityResult(_Frozen):
    """Every concept's centrality, ranked best first."""

    concepts: tuple[ConceptCentrality, ...]
    measure: str = Field("degree", description="The measure the ranking is ordered by.")
    exact: bool = Field(description="True when betweenness/closeness are exact, not sampled.")
    k: int | None = Field(description="Number of sampled sources when not exact.")
    seed: int = Field(description="Seed of the source sample.")
    backend: str = Field(description="Which implementation computed the path-based measures.")
    max_degree: int = Field(description="Highest degree in the map (the tier reference).")


# -- clusters -------------------------------------------------------------------------------
class Cluster(_Frozen):
    """One community found by the algorithm."""

    id: str = Field(description="C1, C2, ... by size (largest first), then first member id.")
    name: str = Field(description="Derived from the central concept's label.")
    members: tuple[str, ...] = Field(description="Concept ids, sorted.")
    central: str = Field(description="Member with most relationships inside the cluster.")
    size: int
    internal: int = Field(description="Relationships with both ends in the cluster.")
    subgraphs: tuple[str, ...] = Field((), description="Author subgraphs of the members.")


class Agreement(_Frozen):
    """Agreement between the algorithm's partition and the author's subgraphs."""

    nmi: float = Field(description="Normalised mutual information (arithmetic mean).")
    ari: float = Field(description="Adjusted Rand index.")


class Misplaced(_Frozen):
    """A concept the algorithm groups with another subgraph's concepts."""

    id: str
    label: str
    subgraph: str = Field(description="The subgraph the author put the concept in.")
    cluster: str = Field(description="The algorithm's cluster holding it.")
    suggested: str = Field(description="The subgraph most of that cluster belongs to.")


class ClusterGap(_Frozen):
    """Two clusters joined by few or no relationships."""

    a: str
    b: str
    links: int = Field(description="Relationships between the two clusters.")


class ClusterResult(_Frozen):
    """Community structure, compared with the author's subgraphs."""

    method: str
    seed: int
    resolution: float
    clusters: tuple[Cluster, ...]
    modularity: float = Field(description="Modularity of the algorithm's partition.")
    subgraph_modularity: float | None = Field(
        description="Modularity of the subgraph partition; null without subgraphs."
    )
    agreement: Agreement | None = Field(description="NMI/ARI with subgraphs; null without.")
    misplaced: tuple[Misplaced, ...]
    gaps: tuple[ClusterGap, ...]


# -- bridges --------------------------------------------------------------------------------
class BridgeRelationship(_Frozen):
    """A relationship whose removal disconnects the map (undirected view)."""

    source: str
    target: str
    relationship: str = Field(description="Id of the relationship.")
    label: str | None = None
    leaf: str | None = Field(
        None,
        description="The end (id) with no other neighbour, if one has none: removing the "
        "relationship only cuts off that concept (the target when both ends have none).",
    )


class Connector(_Frozen):
    """A concept whose relationships spread over several groups."""

    id: str
    label: str
    participation: float = Field(description="Participation coefficient, 0..1.")
    degree: int
    groups: tuple[str, ...] = Field(description="The groups its neighbours belong to.")


class CrossLink(_Frozen):
    """A relationship between concepts of two different subgraphs (Novak's cross-link)."""

    id: str
    source: str
    target: str
    label: str | None
    source_subgraph: str
    target_subgraph: str


class BridgeResult(_Frozen):
    """What holds the map together."""

    articulation_points: tuple[ConceptRef, ...]
    bridges: tuple[BridgeRelationship, ...]
    connectors: tuple[Connector, ...]
    basis: Literal["subgraphs", "clusters", "none"] = Field(
        description="Which groups the participation coefficient is computed over."
    )
    cross_links: tuple[CrossLink, ...]
    components: tuple[tuple[str, ...], ...] = Field(
        description="Connected components (undirected), largest first."
    )


# -- learning paths -------------------------------------------------------------------------
class Assumption(_Frozen):
    """A link phrase read by assumption: unknown to the vocabulary (the default end was
    assumed), or known but used both ways round in real maps (its usual end was assumed)."""

    label: str | None = Field(description="Normalised label (null: unlabelled).")
    assumed: Literal["source", "target"] = Field(description="The end assumed to come first.")
    count: int
    relationships: tuple[str, ...] = Field(description="Up to 20 relationship ids.")
    reason: Literal["unknown", "ambiguous"] = Field(
        "unknown", description="unknown: not in the vocabulary; ambiguous: read both ways."
    )


class CycleFinding(_Frozen):
    """Concepts that are each other's prerequisites (a cycle in the learning order)."""

    concepts: tuple[str, ...]
    relationships: tuple[str, ...]
    message: str


class PathStep(_Frozen):
    """One move of a learning route: from a concept to the next, over one relationship."""

    position: int
    from_id: str
    to_id: str
    from_label: str
    to_label: str
    relationship: RelationRef
    follows_order: bool = Field(description="False when it goes against prerequisite order.")
    cost: float


class LearningStep(_Frozen):
    """One concept in a learning order."""

    position: int
    id: str
    label: str
    depth: int = Field(description="prereqs: steps back from the target; order: level.")
    via: tuple[RelationRef, ...] = Field(
        description="The relationships that make it needed (prereqs) or its own prerequisites."
    )


class PathResult(_Frozen):
    """The best learning route from one concept to another."""

    start: str
    goal: str
    found: bool
    any_direction: bool = Field(description="True when the route may go against the order.")
    reverse_exists: bool = Field(description="True when a route exists from goal to start.")
    cost: float | None
    steps: tuple[PathStep, ...]
    assumptions: tuple[Assumption, ...]
    cycles: tuple[CycleFinding, ...]


class PrereqResult(_Frozen):
    """Everything to learn before a target, in a valid order."""

    target: str
    steps: tuple[LearningStep, ...]
    assumptions: tuple[Assumption, ...]
    cycles: tuple[CycleFinding, ...]
    known: tuple[str, ...] = Field(
        (), description="Concepts the learner knows already (ids, as given)."
    )
    left_out: int = Field(
        0, description="Prerequisites not listed because a known concept comes after them."
    )
    target_known: bool = Field(
        False, description="The target is known, or comes before a known concept."
    )


class OrderResult(_Frozen):
    """A learning order for the whole map."""

    steps: tuple[LearningStep, ...]
    assumptions: tuple[Assumption, ...]
    cycles: tuple[CycleFinding, ...]
    known: tuple[str, ...] = Field(
        (), description="Concepts the learner knows already (ids, as given)."
    )
    left_out: int = Field(
        0, description="Concepts not listed: the known ones and those learned before them."
    )


# -- quality and stats ----------------------------------------------------------------------
class PhraseCount(_Frozen):
    phrase: str
    count: int


class QualityResult(_Frozen):
    """Novak-Gowin-style structural score and link-phrase statistics."""

    score: int
    propositions: int = Field(description="Labelled relationships (1 point each).")
    hierarchy_levels: int = Field(description="Levels below the roots (5 points each).")
    branchings: int = Field(description="Concepts with 2+ outgoing relationships.")
    branching_points: int = Field(description="1 for the first branching, 3 for each next.")
    cross_links: int = Field(description="Labelled links between subgraphs (10 points each).")
    unlabelled: int
    distinct_phrases: int
    phrase_diversity: float = Field(description="distinct phrases / propositions.")
    phrases: tuple[PhraseCount, ...] = Field(description="Phrase counts, most used first.")
    overused: tuple[str, ...] = Field(description="Phrases above the overuse share.")


class ConceptDegree(_Frozen):
    id: str
    label: str
    degree: int
    in_degree: int
    out_degree: int


class SubgraphInfo(_Frozen):
    id: str
    title: str
    parent: str | None
    concepts: int


class StatsResult(_Frozen):
    """Counts and structure of a map."""

    concepts: int
    relationships: int = Field(description="All relationships, invisible ones included.")
    visible_relationships: int
    labelled_relationships: int
    relationships_by_kind: dict[str, int]
    self_loops: int
    subgraphs: tuple[SubgraphInfo, ...]
    components: tuple[tuple[str, ...], ...] = Field(description="Largest first.")
    isolated: tuple[str, ...]
    density: float = Field(description="Linked pairs / possible pairs (undirected).")
    max_degree: int
    mean_degree: float
    degrees: tuple[ConceptDegree, ...] = Field(description="By degree desc, then id.")
