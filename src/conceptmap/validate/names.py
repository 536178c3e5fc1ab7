"""Match the concept names a document writes to the diagram's concepts, forgivingly.

Documents say "Multi-Head" for ``MULTIHEAD[Multi-Head Attention]``, "Layer Norm" for
"Layer Normalization", "FFN" for "Feed-Forward Network" and "RoPE" for "RoPE / ALiBi".
:class:`NameMatcher` tries, in order, and stops at the first step that finds anything:

1. the label or id, ignoring case, accents, spaces, hyphens and punctuation;
2. one alternative of a label written ``A / B``;
3. the name without a parenthetical (``Encoder-Only (BERT)``);
4. an acronym of the label (``FFN``, ``MLM`` for "Masked LM");
5. singular/plural (``Residual Connection``);
6. a word prefix of exactly one label (``Multi-Head``, ``Layer Norm``, ``Pre-train``);
7. the name without a trailing generic word (``Decoder Architecture``).

A step that finds several concepts is ambiguous: nothing is guessed.

>>> from conceptmap.model import Concept, ConceptMap
>>> cmap = ConceptMap(concepts=(Concept(id="FFN", label="Feed-Forward Network"),
...                             Concept(id="LN", label="Layer Normalization")))
>>> m = NameMatcher(cmap)
>>> m.resolve("layer norm").id, m.resolve("Feed forward network").id, m.resolve("X").id
('LN', 'FFN', None)
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from conceptmap.labels import display_label, strip_accents

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = ["Match", "NameMatcher", "norm", "split_compound", "words"]

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_PAREN_RE = re.compile(r"\s*\([^()]*\)")
_MARKUP_RE = re.compile(r"[*_`~]+")

#: Trailing words that describe a concept rather than name it.
GENERIC_SUFFIXES = frozenset(
    {
        "architecture",
        "architectures",
        "component",
        "components",
        "concept",
        "concepts",
        "mechanism",
        "mechanisms",
        "method",
        "methods",
        "model",
        "models",
        "objective",
        "objectives",
        "strategies",
        "strategy",
        "technique",
        "techniques",
    }
)


def words(text: str) -> list[str]:
    """Lower-case words of *text* (letters and digits only)."""
    return [w.lower() for w in _WORD_RE.findall(text)]


def norm(text: str) -> str:
    """A comparison key: lower case, letters and digits only.

    >>> norm("Self-Attention"), norm("self attention"), norm("CO<sub>2</sub>"), norm("CO₂")
    ('selfattention', 'selfattention', 'co2', 'co2')
    >>> norm("Naïve Bayes") == norm("Naive Bayes")
    True
    """
    # inline HTML read as text (CO<sub>2</sub> -> CO₂), then NFKC (CO₂ -> CO2), no accents
    text = strip_accents(unicodedata.normalize("NFKC", display_label(_MARKUP_RE.sub("", text))))
    return "".join(words(text))


def split_compound(text: str) -> list[str]:
    """Names joined by ``+``, ``&``, ``/``, `` vs `` or `` and ``.

    >>> split_compound("Layer Norm + FFN"), split_compound("BERT vs GPT")
    (['Layer Norm', 'FFN'], ['BERT', 'GPT'])
    """
    parts = re.split(r"\s*(?:\+|&|/|\bvs\.?\b|\bversus\b|\band\b)\s*", text)
    return [p.strip() for p in parts if p.strip()]


def _acronyms(label: str) -> set[str]:
    out = set()
    tokens = [t for t in re.split(r"[\s\-_/]+", label) if t]
    if len(tokens) >= 2:
        out.add("".join(t[0] for t in tokens).lower())
        # "Masked LM" -> "MLM": the first letter, or a word that is already an acronym.
        out.add("".join(t if t.isupper() else t[0] for t in tokens).lower())
    caps = "".join(ch for ch in label if ch.isupper())
    if len(caps) >= 2:
        out.add(caps.lower())
    return {a for a in out if len(a) >= 2}


@dataclass(frozen=True)
class Match:
    """The result of resolving one name."""

    name: str
    id: str | None = None
    candidates: tuple[str, ...] = field(default=())
    how: str = "none"

    @property
    def ambiguous(self) -> bool:
        return self.id is None and len(self.candidates) > 1


class NameMatcher:
    """Resolve names written in a document to concept ids of *cmap*."""

    def __init__(self, cmap: ConceptMap) -> None:
        self.cmap = cmap
        self._labels: dict[str, str] = {c.id: c.label for c in cmap.concepts}
        self._cache: dict[str, Match] = {}
        self._by_label: dict[str, list[str]] = {}
        self._by_id: dict[str, list[str]] = {}
        for c in cmap.concepts:
            self._by_label.setdefault(norm(c.label), []).append(c.id)
            self._by_id.setdefault(norm(c.id), []).append(c.id)

    def label(self, concept_id: str) -> str:
        return self._labels.get(concept_id, concept_id)

    def resolve(self, name: str) -> Match:
        """The concept *name* refers to; ``id`` is None when none or several match."""
        key = name.strip()
        if key not in self._cache:
            self._cache[key] = self._resolve(key)
        return self._cache[key]

    # -- steps -------------------------------------------------------------------------
    def _exact(self, n: str) -> list[str]:
        return list(self._by_label.get(n) or self._by_id.get(n) or [])

    # The loose steps look names up in indexes built once per map (on first use), so
    # resolving stays cheap on big maps (a scan per name made comparing two 1,000-concept
    # maps take 26 s).
    @cached_property
    def _alternatives(self) -> dict[str, list[str]]:
        """norm(one alternative of a label ``A / B``, ``A or B``, ``A (B)``) -> ids."""
        index: dict[str, list[str]] = {}
        for cid, lab in self._labels.items():
            parts = [p for p in re.split(r"\s*/\s*|\s+or\s+", lab) if p]
            parts += [m[1:-1] for m in re.findall(r"\([^()]*\)", lab)]
            parts.append(_PAREN_RE.sub("", lab))
            if len(parts) > 1:
                for key in {norm(p) for p in parts}:
                    index.setdefault(key, []).append(cid)
        return index

    @cached_property
    def _acronym_index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for cid, lab in self._labels.items():
            for a in _acronyms(lab):
                index.setdefault(a, []).append(cid)
        return index

    @cached_property
    def _heads(self) -> dict[tuple[str, ...], tuple[list[str], list[str]]]:
        """For the first i words of a label (i = 0, 1, ...): its word i + 1 for every such
        label, sorted, and the concept ids in the same order."""
        groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for cid, lab in self._labels.items():
            lw = words(lab)
            for i, w in enumerate(lw):
                groups.setdefault(tuple(lw[:i]), []).append((w, cid))
        out = {}
        for head, pairs in groups.items():
            pairs.sort()
            out[head] = ([w for w, _ in pairs], [cid for _, cid in pairs])
        return out

    def _alternative(self, n: str) -> list[str]:
        return list(self._alternatives.get(n, ()))

    def _acronym(self, n: str) -> list[str]:
        return list(self._acronym_index.get(n, ()))

    def _plural(self, n: str) -> list[str]:
        """Labels that are *n* plus ``s``/``es``, or *n* less them."""
        keys = [n + "s", n + "es"]
        if n.endswith("s"):
            keys.append(n[:-1])
        if n.endswith("es"):
            keys.append(n[:-2])
        return list(dict.fromkeys(cid for k in keys for cid in self._by_label.get(k, ())))

    def _prefix(self, ws: list[str]) -> list[str]:
        """Labels whose words start with *ws*, the last one possibly cut short."""
        if not ws or len("".join(ws)) < 3:
            return []
        last = ws[-1]
        # "Fine-tune" names "Fine-tuning": a final silent e may drop before a suffix.
        if len(last) >= 4 and last.endswith("e"):
            last = last[:-1]
        # Labels whose first words are ws[:-1], then a word starting with *last*: a range
        # of the sorted next words.
        entry = self._heads.get(tuple(ws[:-1]))
        if entry is None:
            return []
        keys, ids = entry
        lo = bisect.bisect_left(keys, last)
        hi = lo
        while hi < len(keys) and keys[hi].startswith(last):
            hi += 1
        return ids[lo:hi]

    def _steps(self, text: str) -> tuple[list[str], str]:
        n = norm(text)
        if not n:
            return [], "none"
        for how, step in (
            ("exact", self._exact),
            ("alternative", self._alternative),
        ):
            found = step(n)
            if found:
                return found, how
        return [], "none"

    def _resolve(self, name: str) -> Match:
        text = _MARKUP_RE.sub("", name).strip()
        if not self._exact(norm(text)):
            # "Encoder/Decoder" names two concepts when both halves are concepts, even if a
            # label such as "T5 / Encoder-Decoder" has a matching alternative: no id, so
            # callers split the compound.
            parts = split_compound(text)
            if len(parts) > 1:
                exact = [self._exact(norm(p)) for p in parts]
                ids = sorted({x[0] for x in exact if len(x) == 1})
                if all(len(x) == 1 for x in exact) and len(ids) == len(parts):
                    return Match(name=name, candidates=tuple(ids), how="compound")
        found, how = self._steps(text)
        if not found:
            bare = _PAREN_RE.sub("", text).strip()
            if bare and bare != text:
                found, how = self._steps(bare)
                text = bare if found else text
        n = norm(text)
        if not found and n and len(n) <= 6:
            found, how = self._acronym(n), "acronym"
        if not found and n:
            found, how = self._plural(n), "plural"
        if not found:
            found, how = self._prefix(words(text)), "prefix"
        if not found:
            ws = words(text)
            if len(ws) >= 2 and ws[-1] in GENERIC_SUFFIXES:
                found, how = self._exact(norm(" ".join(ws[:-1]))), "generic-suffix"
        found = sorted(set(found))
        if len(found) == 1:
            return Match(name=name, id=found[0], candidates=tuple(found), how=how)
        return Match(name=name, candidates=tuple(found), how=how if found else "none")
