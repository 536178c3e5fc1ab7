"""Compare a concept map with a reference map: :func:`compare_maps`.

The classic way to assess a student's concept map is against an expert's ("criterion")
map: which of its concepts did the student use, which propositions (concept - linking
phrase - concept) did they state, which did they miss, and what did they add. The same
question checks a generated map against a trusted one.

Concepts are paired one to one, in two rounds:

1. the same label, then the same id, ignoring case, accents, spaces, hyphens and
   punctuation;
2. for what is left, the validator's forgiving name matching in both directions (plural,
   acronym, a label's ``A / B`` alternative, a unique word prefix such as ``Multi-Head``
   for "Multi-Head Attention", a trailing generic word), never between two concepts that
   are already paired and never when a name could mean several concepts. Each pair says
   how it was made (``how``), so fuzzy pairs can be checked.

A relationship of the map is then, with its ends translated through the pairs:

* **matched** when the reference has a relationship between the same concepts in the same
  direction with the same linking phrase (normalised: ``extended-by`` = ``Extended by``;
  two unlabelled links match);
* **phrase differs** when it has one in the same direction with another phrase;
* **reversed** when it has one in the other direction;
* **extra** otherwise. Each reference relationship is used once; those left are **missing**.

Scores are ratios of counts: concept recall (shared / reference concepts), concept
precision (shared / map concepts), proposition recall and precision (matched / reference or
map relationships) and link recall (matched + phrase differs, over reference relationships:
the links drawn, whatever their phrase). Invisible links (``~~~``) are layout, not
relationships, and are left out.

>>> from conceptmap import parse_map
>>> student = parse_map("flowchart LR\\n  A[Self Attention] -->|uses| B[softmax]\\n  A --> C[Tokens]")
>>> expert = parse_map("flowchart LR\\n  S[Self-Attention] -->|uses| M[Softmax]\\n  M --> Q[QKV]")
>>> r = compare_maps(student, expert)
>>> [p.label for p in r.shared], [c.label for c in r.missing], [c.label for c in r.extra]
(['Self Attention', 'softmax'], ['QKV'], ['Tokens'])
>>> len(r.matched), len(r.missing_relationships), r.proposition_recall
(1, 1, 0.5)
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import Field

from conceptmap.analysis.relations import normalize_label
from conceptmap.analysis.results import ConceptRef, RelationRef, _Frozen
from conceptmap.model import ConceptMap, Relationship

__all__ = ["ComparisonResult", "ConceptPair", "PropositionPair", "compare_maps"]

#: The name matcher's steps, as a pair's ``how`` says them.
#: (Their exact step, reached here, has matched a name with the other map's id.)
_HOW = {"exact": "name = id", "compound": "one of several names"}


class ConceptPair(_Frozen):
    """A concept of the map and the reference concept it stands for."""

    id: str
    label: str
    reference_id: str
    reference_label: str
    how: str = Field(
        description="'same name', 'same id', or the forgiving step that paired them: "
        "'name = id' (a label written as the other map's id), alternative, acronym, plural, "
        "prefix, generic-suffix."
    )


class PropositionPair(_Frozen):
    """A relationship of the map and the reference relationship it corresponds to."""

    relationship: RelationRef
    reference: RelationRef


class ComparisonResult(_Frozen):
    """What a map shares with a reference map, what it misses and what it adds."""

    map_concepts: int
    reference_concepts: int
    shared: tuple[ConceptPair, ...] = Field(description="Paired concepts, in the map's order.")
    missing: tuple[ConceptRef, ...] = Field(description="Reference concepts the map lacks.")
    extra: tuple[ConceptRef, ...] = Field(description="Map concepts the reference lacks.")
    map_relationships: int
    reference_relationships: int
    matched: tuple[PropositionPair, ...]
    phrase_differs: tuple[PropositionPair, ...]
    reversed: tuple[PropositionPair, ...]
    missing_relationships: tuple[RelationRef, ...]
    extra_relationships: tuple[RelationRef, ...]
    concept_recall: float = Field(description="Shared / reference concepts (1.0 if none).")
    concept_precision: float = Field(description="Shared / map concepts (1.0 if none).")
    proposition_recall: float = Field(description="Matched / reference relationships.")
    proposition_precision: float = Field(description="Matched / map relationships.")
    link_recall: float = Field(
        description="(Matched + phrase differs) / reference relationships: links drawn."
    )


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def _ref(r: Relationship) -> RelationRef:
    return RelationRef(id=r.id, source=r.source, target=r.target, label=r.label, kind=r.kind)


def _pair_concepts(cmap: ConceptMap, reference: ConceptMap) -> dict[str, tuple[str, str]]:
    """Map concept id -> (reference concept id, how)."""
    # validate imports analysis: not at the top. norm is the matcher's own name key (case,
    # accents, spaces, punctuation and inline HTML ignored), so both rounds agree on names.
    from conceptmap.validate.names import NameMatcher, norm

    pairs: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for how, field in (("same name", "label"), ("same id", "id")):
        by_key: dict[str, set[str]] = defaultdict(set)
        for r in reference.concepts:
            if r.id not in taken and (k := norm(getattr(r, field))):  # "?" names nothing
                by_key[k].add(r.id)
        for c in cmap.concepts:
            hits = by_key.get(norm(getattr(c, field)), set()) - taken
            if c.id not in pairs and len(hits) == 1:
                (rid,) = hits
                pairs[c.id] = (rid, how)
                taken.add(rid)
    # Forgiving matches, both ways round, only between concepts that are still unpaired.
    ref_matcher, map_matcher = NameMatcher(reference), NameMatcher(cmap)
    for c in cmap.concepts:
        if c.id in pairs:
            continue
        m = ref_matcher.resolve(c.label)
        if m.id is not None and m.id not in taken:
            pairs[c.id] = (m.id, _HOW.get(m.how, m.how))
            taken.add(m.id)
    for r in reference.concepts:
        if r.id in taken:
            continue
        m = map_matcher.resolve(r.label)
        if m.id is not None and m.id not in pairs:
            pairs[m.id] = (r.id, _HOW.get(m.how, m.how))
            taken.add(r.id)
    return pairs


def compare_maps(cmap: ConceptMap, reference: ConceptMap) -> ComparisonResult:
    """Compare *cmap* with *reference* (see the module documentation for the rules)."""
    pairs = _pair_concepts(cmap, reference)
    ref_label = {c.id: c.label for c in reference.concepts}
    paired_ref = {rid for rid, _ in pairs.values()}
    shared = tuple(
        ConceptPair(
            id=c.id,
            label=c.label,
            reference_id=pairs[c.id][0],
            reference_label=ref_label[pairs[c.id][0]],
            how=pairs[c.id][1],
        )
        for c in cmap.concepts
        if c.id in pairs
    )
    missing = tuple(
        ConceptRef(id=c.id, label=c.label) for c in reference.concepts if c.id not in paired_ref
    )
    extra = tuple(ConceptRef(id=c.id, label=c.label) for c in cmap.concepts if c.id not in pairs)

    rels = [r for r in cmap.relationships if r.stroke != "invisible"]
    ref_rels = [r for r in reference.relationships if r.stroke != "invisible"]
    # Reference relationships by their ends, in document order; each is used once.
    by_ends: dict[tuple[str, str], list[Relationship]] = defaultdict(list)
    for r in ref_rels:
        by_ends[(r.source, r.target)].append(r)
    used: set[str] = set()

    def phrase(r: Relationship) -> str:
        return normalize_label(r.label) if r.label else ""

    def take(ends: tuple[str, str], want: str | None) -> Relationship | None:
        for cand in by_ends.get(ends, ()):
            if cand.id not in used and (want is None or phrase(cand) == want):
                used.add(cand.id)
                return cand
        return None

    translated = [
        (r, (pairs[r.source][0], pairs[r.target][0]))
        for r in rels
        if r.source in pairs and r.target in pairs
    ]
    matched: list[PropositionPair] = []
    differs: list[PropositionPair] = []
    reversed_: list[PropositionPair] = []
    placed: set[str] = set()
    # Exact propositions first, so a differently worded twin cannot take their partner.
    for r, ends in translated:
        hit = take(ends, phrase(r))
        if hit is not None:
            matched.append(PropositionPair(relationship=_ref(r), reference=_ref(hit)))
            placed.add(r.id)
    for r, ends in translated:
        if r.id in placed:
            continue
        hit = take(ends, None)
        if hit is not None:
            differs.append(PropositionPair(relationship=_ref(r), reference=_ref(hit)))
            placed.add(r.id)
            continue
        hit = take((ends[1], ends[0]), None)
        if hit is not None:
            reversed_.append(PropositionPair(relationship=_ref(r), reference=_ref(hit)))
            placed.add(r.id)
    extra_rels = tuple(_ref(r) for r in rels if r.id not in placed)
    missing_rels = tuple(_ref(r) for r in ref_rels if r.id not in used)
    return ComparisonResult(
        map_concepts=len(cmap.concepts),
        reference_concepts=len(reference.concepts),
        shared=shared,
        missing=missing,
        extra=extra,
        map_relationships=len(rels),
        reference_relationships=len(ref_rels),
        matched=tuple(matched),
        phrase_differs=tuple(differs),
        reversed=tuple(reversed_),
        missing_relationships=missing_rels,
        extra_relationships=extra_rels,
        concept_recall=_ratio(len(shared), len(reference.concepts)),
        concept_precision=_ratio(len(shared), len(cmap.concepts)),
        proposition_recall=_ratio(len(matched), len(ref_rels)),
        proposition_precision=_ratio(len(matched), len(rels)),
        link_recall=_ratio(len(matched) + len(differs), len(ref_rels)),
    )
