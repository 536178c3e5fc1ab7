"""Find a concept from what a user typed: :func:`resolve_concept`.

Matching, first hit wins (ids before labels at each step):

1. the exact id, then the exact label;
2. the *key*: Unicode NFKC, casefold, hyphens/underscores/dashes as spaces, whitespace
   collapsed (``"self attention"`` finds ``Self-Attention``);
3. the key without any spaces (``"selfattention"``, ``"multi head"``);
4. the key without any punctuation either (``"gamma"`` finds ``Gamma?``,
   ``"rope alibi"`` finds ``RoPE / ALiBi``);
5. that without accents (``"cafe"`` finds ``Café``, ``"naive bayes"`` finds ``Naïve Bayes``).

A step that matches several different concepts is ambiguous and raises, listing them.
No match raises :class:`~conceptmap.errors.UnknownConceptError` with up to five
"did you mean" suggestions from :mod:`difflib`, written ``Label (ID)``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from conceptmap.errors import UnknownConceptError
from conceptmap.labels import display_label, strip_accents

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = ["NAMED", "concept_key", "name_list", "resolve_concept"]

_SEP_RE = re.compile(r"[\s\-_\u2010-\u2015\u2212]+")
_PUNCT_RE = re.compile(r"[\W_]+")


def concept_key(text: str) -> str:
    """The forgiving comparison key of a name.

    >>> concept_key("  Self—Attention "), concept_key("ＭＬＭ"), concept_key("CO<sub>2</sub>")
    ('self attention', 'mlm', 'co2')
    """
    # CO<sub>2</sub> reads CO₂, which NFKC folds to CO2: the name people type
    t = unicodedata.normalize("NFKC", display_label(text)).casefold()
    return _SEP_RE.sub(" ", t).strip()


#: A message that lists concepts (a cycle's members) names at most this many.
NAMED = 10


def name_list(first: Sequence[str], total: int) -> str:
    """The *first* names of a list of *total*, for a message.

    >>> name_list(["A", "B"], 2), name_list(["A", "B"], 12_000)
    ('A, B', 'A, B and 11,998 more')
    """
    listed = ", ".join(first)
    return listed if total <= len(first) else f"{listed} and {total - len(first):,} more"


def _describe(cmap: ConceptMap, cid: str) -> str:
    label = cmap.label_of(cid)
    return cid if label == cid else f"{label} ({cid})"


def resolve_concept(cmap: ConceptMap, name: str) -> str:
    """The id of the concept *name* refers to (by id or label, forgivingly).

    Raises
    ------
    UnknownConceptError
        No concept (or more than one) matches; ``suggestions`` holds the candidates.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap
    >>> cmap = ConceptMap(concepts=(Concept(id="SELFATTN", label="Self-Attention"),))
    >>> resolve_concept(cmap, "self attention"), resolve_concept(cmap, "selfattn")
    ('SELFATTN', 'SELFATTN')
    >>> resolve_concept(cmap, "self-atention")
    Traceback (most recent call last):
    ...
    conceptmap.errors.UnknownConceptError: no concept named 'self-atention'; did you mean: Self-Attention (SELFATTN)?
    """
    by_id = cmap.concept_by_id
    if name in by_id:
        return name
    if not cmap.concepts:
        raise UnknownConceptError(name, [], empty=True)
    exact = [c.id for c in cmap.concepts if c.label == name]
    if len(exact) == 1:
        return exact[0]
    key = concept_key(name)
    for transform in (
        lambda s: s,
        lambda s: s.replace(" ", ""),
        lambda s: _PUNCT_RE.sub("", s),
        lambda s: _PUNCT_RE.sub("", strip_accents(s)),
    ):
        want = transform(key)
        if not want:
            break
        for field in ("id", "label"):
            hits = sorted(
                {c.id for c in cmap.concepts if transform(concept_key(getattr(c, field))) == want}
            )
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise UnknownConceptError(name, [_describe(cmap, h) for h in hits])
    raise UnknownConceptError(name, _suggest(cmap, key))


def _suggest(cmap: ConceptMap, key: str, limit: int = 5) -> list[str]:
    if not key:
        return []
    keys: dict[str, str] = {}
    for c in cmap.concepts:
        keys.setdefault(concept_key(c.label), c.id)
        keys.setdefault(concept_key(c.id), c.id)
    found: list[str] = []
    for k in difflib.get_close_matches(key, list(keys), n=limit * 2, cutoff=0.6):
        if keys[k] not in found:
            found.append(keys[k])
    if len(found) < limit:  # names containing what was typed ("attention")
        for k in sorted(keys):
            if key in k and keys[k] not in found:
                found.append(keys[k])
            if len(found) >= limit:
                break
    words = {w for w in _PUNCT_RE.sub(" ", key).split() if len(w) >= 3}
    if len(found) < limit and words:  # names sharing a word ("attention mechanism")
        shared = []
        for k, cid in keys.items():
            n = len(words & set(_PUNCT_RE.sub(" ", k).split()))
            if n and cid not in found:
                shared.append((-n, k, cid))
        for _n, _k, cid in sorted(shared):
            if cid not in found:
                found.append(cid)
            if len(found) >= limit:
                break
    return [_describe(cmap, cid) for cid in found[:limit]]
