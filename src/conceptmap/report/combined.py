"""Several maps merged into one knowledge graph: :func:`combine_maps`.

Concepts are merged by a normalised label (:func:`label_key`): Unicode NFKC, casefold,
and every space, hyphen, dash, underscore and punctuation mark removed, so
``Self-Attention``, ``self attention`` and ``SELF–ATTENTION`` are one concept. Concepts
found in two or more maps are the *shared* concepts: the ones that tie the topics
together.

The merged graph is an ordinary :class:`~conceptmap.model.ConceptMap`, so every exporter
and analyser works on it: one subgraph per map holds the concepts only that map has, and
a ``Shared`` subgraph holds the shared ones. A relationship written in several maps (same
ends, same linking phrase) appears once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph, auto_edge_id
from conceptmap.report.build import CombinedSection, SharedConcept

__all__ = ["CombinedConcept", "CombinedGraph", "combine_maps", "combined_section", "label_key"]

_ID_RE = re.compile(r"[^A-Za-z0-9_]+")
_PHRASE_RE = re.compile(r"[\W_]+")


def label_key(label: str) -> str:
    """The key concepts are merged on.

    >>> label_key("Self-Attention") == label_key(" self attention ") == label_key("SELF—ATTENTION")
    True
    >>> label_key("Query, Key, Value")
    'querykeyvalue'
    """
    text = unicodedata.normalize("NFKC", label).casefold()
    kept = "".join(
        ch
        for ch in text
        if not ch.isspace() and not unicodedata.category(ch).startswith(("P", "Z"))
    )
    return kept or text.strip()


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CombinedConcept(_Model):
    """One concept of the combined graph and where it comes from."""

    id: str = Field(description="Id in the combined map.")
    label: str = Field(description="The most common spelling of the label.")
    key: str = Field(description="Normalised label (see label_key).")
    maps: tuple[str, ...] = Field(description="Names of the maps holding it, sorted.")
    sources: tuple[str, ...] = Field(description="'map:id' of every original concept, sorted.")


class CombinedGraph(_Model):
    """The combined knowledge graph of several maps."""

    maps: tuple[str, ...] = Field(description="Names of the combined maps, in the order given.")
    concepts: tuple[CombinedConcept, ...] = Field(description="Sorted by id.")
    shared: tuple[CombinedConcept, ...] = Field(
        description="Concepts in two or more maps: most maps first, then by label."
    )
    cmap: ConceptMap = Field(description="The merged graph, exportable like a single map.")


def _unique(base: str, taken: set[str]) -> str:
    base = _ID_RE.sub("_", base).strip("_") or "C"
    if base[0].isdigit():
        base = "C_" + base
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def combine_maps(
    maps: Sequence[tuple[str, ConceptMap]], *, title: str | None = None
) -> CombinedGraph:
    """Merge *maps* (``(name, map)`` pairs, names unique) into one graph.

    Parameters
    ----------
    maps
        The maps with the names they are listed under (e.g. the file stem).
    title
        Title of the combined map (default ``"Combined knowledge graph"``).

    Returns
    -------
    CombinedGraph
        The merged :class:`~conceptmap.model.ConceptMap` and the shared concepts.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> a = ConceptMap(concepts=(Concept(id="SA", label="Self-Attention"),
    ...                          Concept(id="SM", label="Softmax")),
    ...                relationships=(Relationship(id="e", source="SA", target="SM"),))
    >>> b = ConceptMap(concepts=(Concept(id="ATT", label="self attention"),
    ...                          Concept(id="ViT", label="ViT")))
    >>> g = combine_maps([("a", a), ("b", b)])
    >>> [(c.label, c.maps) for c in g.shared], len(g.cmap.concepts)
    ([('Self-Attention', ('a', 'b'))], 3)
    """
    names = [n for n, _ in maps]
    if len(set(names)) != len(names):
        raise ValueError("map names must be unique")
    order: list[str] = []  # keys in first-seen order
    labels: dict[str, dict[str, int]] = {}
    first_id: dict[str, str] = {}
    shape: dict[str, str | None] = {}
    owners: dict[str, set[str]] = {}
    sources: dict[str, set[str]] = {}
    local: dict[tuple[str, str], str] = {}  # (map, original id) -> key
    for name, cmap in maps:
        for c in cmap.concepts:
            key = label_key(c.label or c.id)
            if key not in labels:
                order.append(key)
                labels[key] = {}
                first_id[key] = c.id
                shape[key] = c.shape
                owners[key] = set()
                sources[key] = set()
            labels[key][c.label] = labels[key].get(c.label, 0) + 1
            owners[key].add(name)
            sources[key].add(f"{name}:{c.id}")
            local[(name, c.id)] = key

    taken: set[str] = set()
    ids = {key: _unique(first_id[key], taken) for key in order}

    def best_label(key: str) -> str:
        counts = labels[key]
        first = list(counts)  # insertion order = first seen
        return max(first, key=lambda lab: (counts[lab], -first.index(lab)))

    shared_keys = [k for k in order if len(owners[k]) > 1]
    sub_ids = {name: _unique(f"SG_{name}", taken) for name in names}
    shared_sub = _unique("SG_Shared", taken)
    subgraph_of = {
        key: shared_sub if len(owners[key]) > 1 else sub_ids[next(iter(owners[key]))]
        for key in order
    }
    concepts = tuple(
        Concept(id=ids[k], label=best_label(k), shape=shape[k], subgraph=subgraph_of[k])
        for k in order
    )
    subgraphs: list[Subgraph] = []
    titles = {name: (cmap.title or name) for name, cmap in maps}
    if shared_keys:
        subgraphs.append(
            Subgraph(
                id=shared_sub,
                title="Shared between maps",
                concepts=tuple(sorted(ids[k] for k in shared_keys)),
            )
        )
    for name in names:
        members = tuple(sorted(ids[k] for k in order if subgraph_of[k] == sub_ids[name]))
        if members:
            subgraphs.append(Subgraph(id=sub_ids[name], title=titles[name], concepts=members))

    rels: list[Relationship] = []
    seen: set[tuple[str, str, str]] = set()
    per_pair: dict[tuple[str, str], int] = {}
    legend: dict[str, str] = {}
    for name, cmap in maps:
        for token, kind in cmap.legend.items():
            legend.setdefault(token, kind)
        for r in cmap.relationships:
            if r.stroke == "invisible":
                continue
            sk, tk = local.get((name, r.source)), local.get((name, r.target))
            if sk is None or tk is None:
                continue  # an end that is a subgraph, not a concept
            src, dst = ids[sk], ids[tk]
            phrase = _PHRASE_RE.sub(" ", (r.label or "").casefold()).strip()
            if (src, dst, phrase) in seen:
                continue
            seen.add((src, dst, phrase))
            n = per_pair.get((src, dst), 0)
            per_pair[(src, dst)] = n + 1
            rels.append(
                Relationship(
                    id=auto_edge_id(src, dst, n),
                    source=src,
                    target=dst,
                    label=r.label,
                    kind=r.kind,
                    stroke=r.stroke,
                    head=r.head,
                    tail=r.tail,
                    label_type=r.label_type,
                )
            )
    merged = ConceptMap(
        title=title or "Combined knowledge graph",
        direction="LR",
        concepts=concepts,
        relationships=tuple(rels),
        subgraphs=tuple(subgraphs),
        legend=legend,
        path=None,
    )
    records = {
        k: CombinedConcept(
            id=ids[k],
            label=best_label(k),
            key=k,
            maps=tuple(sorted(owners[k])),
            sources=tuple(sorted(sources[k])),
        )
        for k in order
    }
    shared = sorted(
        (records[k] for k in shared_keys),
        key=lambda c: (-len(c.maps), c.label.casefold(), c.id),
    )
    return CombinedGraph(
        maps=tuple(names),
        concepts=tuple(sorted(records.values(), key=lambda c: c.id)),
        shared=tuple(shared),
        cmap=merged,
    )


def combined_section(graph: CombinedGraph) -> CombinedSection:
    """What the combined graph's report lists: the maps and the shared concepts.

    >>> from conceptmap.model import Concept, ConceptMap
    >>> a = ConceptMap(concepts=(Concept(id="X", label="GPT"),))
    >>> combined_section(combine_maps([("a", a), ("b", a)])).shared[0].maps
    ('a', 'b')
    """
    degree = dict.fromkeys((c.id for c in graph.cmap.concepts), 0)
    for r in graph.cmap.relationships:
        for end in (r.source, r.target):
            if end in degree:
                degree[end] += 1
    return CombinedSection(
        maps=tuple(sorted(graph.maps)),
        shared=tuple(
            SharedConcept(id=c.id, label=c.label, key=c.key, maps=c.maps, degree=degree[c.id])
            for c in graph.shared
        ),
    )
