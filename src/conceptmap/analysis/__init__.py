"""Analysers: pure functions from a :class:`~conceptmap.model.ConceptMap` to a result model.

========================  ===========================================================
function                  answers
========================  ===========================================================
:func:`centrality`        what matters (degree, betweenness, PageRank, ... and tier)
:func:`clusters`          how the map falls apart into topics, vs the author's subgraphs
:func:`bridges`           which concepts and relationships hold it together
:func:`learning_path`     how to get from one concept to another
:func:`prerequisites`     what to learn before a concept
:func:`learning_order`    in what order to learn the whole map
:func:`quality`           Novak-Gowin-style structural score, link-phrase statistics
:func:`map_stats`         counts, components, degrees
:func:`compare_maps`      what a map shares with a reference map, misses and adds
========================  ===========================================================
"""

from __future__ import annotations

from conceptmap.analysis.bridges import bridges
from conceptmap.analysis.centrality import (
    DEFAULT_K,
    EXACT_MAX_IGRAPH,
    EXACT_MAX_PYTHON,
    TIER_THRESHOLDS,
    centrality,
    fast_backend_available,
    tier_for,
)
from conceptmap.analysis.clusters import clusters
from conceptmap.analysis.compare import ComparisonResult, compare_maps
from conceptmap.analysis.names import concept_key, resolve_concept
from conceptmap.analysis.paths import KIND_COST, learning_order, learning_path, prerequisites
from conceptmap.analysis.quality import quality
from conceptmap.analysis.relations import (
    RelationVocabulary,
    default_relations,
    load_relations,
    normalize_label,
)
from conceptmap.analysis.results import (
    BridgeResult,
    CentralityResult,
    ClusterResult,
    ConceptCentrality,
    OrderResult,
    PathResult,
    PrereqResult,
    QualityResult,
    StatsResult,
)
from conceptmap.analysis.stats import map_stats

__all__ = [
    "DEFAULT_K",
    "EXACT_MAX_IGRAPH",
    "EXACT_MAX_PYTHON",
    "KIND_COST",
    "TIER_THRESHOLDS",
    "BridgeResult",
    "CentralityResult",
    "ClusterResult",
    "ComparisonResult",
    "ConceptCentrality",
    "OrderResult",
    "PathResult",
    "PrereqResult",
    "QualityResult",
    "RelationVocabulary",
    "StatsResult",
    "bridges",
    "centrality",
    "clusters",
    "compare_maps",
    "concept_key",
    "default_relations",
    "fast_backend_available",
    "learning_order",
    "learning_path",
    "load_relations",
    "map_stats",
    "normalize_label",
    "prerequisites",
    "quality",
    "resolve_concept",
    "tier_for",
]
