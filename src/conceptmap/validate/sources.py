"""The notes a map says it was made from (``**Source:**``), and whether its concepts are in them.

Generated maps name their source notes in the header (``**Source:** study notes
002_32ab73cff276d447.txt (sections 1, 5-7), 003_c5206eb0beb8515e.txt``). When those files
are at hand, every concept of the diagram should be mentioned in them: a concept the notes
never name was added by whoever (or whatever) drew the map, and a student should check it.

A concept counts as mentioned when its label (or one part of a compound label such as
``Query, Key, Value`` or ``T5 / Encoder-Decoder``, or its id) appears in the notes as whole
words, ignoring case, punctuation, inline HTML and a plural ``s``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from conceptmap.labels import display_label

__all__ = ["SOURCE_LINE_RE", "Notes", "source_references"]

#: The header line ``**Source:** ...`` (also ``Source:``, ``- **Sources**: ...``).
SOURCE_LINE_RE = re.compile(r"^[ \t>*-]*\**Sources?\**[ \t]*:\**[ \t]*(.+)$", re.M | re.I)
_FILE_RE = re.compile(r"[^\s,;()\[\]<>`*\"']+\.(?:md|markdown|txt)\b", re.I)
_NOT_WORD = re.compile(r"[\W_]+")
_PARTS = re.compile(r"\s*(?:/|,|;|&|\+|\(|\)|\band\b)\s*")


def source_references(text: str) -> list[tuple[str, int, int]]:
    """(file name, 1-based line, 1-based column) of each file the first ``Source:`` line names.

    >>> source_references("# Map\\n**Source:** study notes a.txt (part 1), notes/b.md\\n")
    [('a.txt', 2, 25), ('notes/b.md', 2, 41)]
    """
    m = SOURCE_LINE_RE.search(text[:5000])  # the header: a Source line further down is prose
    if m is None:
        return []
    line = text.count("\n", 0, m.start()) + 1
    bol = text.rfind("\n", 0, m.start()) + 1
    return [(f.group(), line, m.start(1) + f.start() - bol + 1) for f in _FILE_RE.finditer(m[1])]


def _words(text: str) -> str:
    """Lower-case words separated by single spaces, padded: `` self attention ``."""
    t = unicodedata.normalize("NFKC", display_label(text)).casefold()
    return " " + " ".join(_NOT_WORD.sub(" ", t).split()) + " "


def _forms(name: str) -> set[str]:
    """The word sequences that count as a mention of *name* (singular and plural)."""
    w = _words(name).strip()
    if not w:
        return set()
    forms = {w, w + "s", w + "es"}
    if w.endswith("y"):
        forms.add(w[:-1] + "ies")
    if w.endswith("s") and len(w) > 3:
        forms.add(w[:-1])
    return forms


_GRAM = 6  # longest name looked up in the set of word runs (longer: searched)
_STOP = frozenset("the and for with from into its of to in on by a an".split())


#: What may follow a shared stem of two words of one family.
_ENDINGS = frozenset(
    "|s|es|d|ed|e|y|ies|ied|ing|ings|ion|ions|ation|ations|er|ers|al|ally|ly|ity|ive".split("|")
)


def _close(a: str, b: str) -> bool:
    """Two words of one family (*distillation*, *distilled*; *query*, *queries*), not two
    words that merely start alike (*token*, *tokenizers*)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    while n >= 4:  # the shared stem may end before the common prefix does (valu-e/valu-es)
        if a[n:] in _ENDINGS and b[n:] in _ENDINGS:
            return True
        n -= 1
    return False


class Notes:
    """Source notes, normalised once, asked whether they mention concepts.

    A concept is mentioned when one of its names appears as words (``Query, Key, Value``:
    "keys"), or when every word of a name longer than two letters appears somewhere in a
    close form (``Distillation``: "distilled"; ``Zero-Shot Prompting``: "zero-shot" and
    "prompting" in different sentences) — paraphrase is common, invention is what to catch.

    >>> notes = Notes(["Each head computes queries, keys and values; Transformers use them.",
    ...                "Distilled models are smaller. Zero-shot use needs good prompting."])
    >>> notes.mention("Query, Key, Value", "QKV"), notes.mention("Transformer", "T")
    (True, True)
    >>> notes.mention("Distillation", "D"), notes.mention("Zero-Shot Prompting", "Z")
    (True, True)
    >>> notes.mention("Flash Attention", "FLASH")
    False
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = [_words(t) for t in texts]
        # Every run of up to _GRAM words, so a name is found by one set lookup, not a
        # search of the notes per concept (big maps have 100k concepts).
        self._grams: set[str] = set()
        self._by_start: dict[str, set[str]] = {}
        for t in self._texts:
            words = t.split()
            for i in range(len(words)):
                for j in range(i + 1, min(i + _GRAM, len(words)) + 1):
                    self._grams.add(" ".join(words[i:j]))
            for w in words:
                if len(w) >= 4:
                    self._by_start.setdefault(w[:4], set()).add(w)

    def _has_phrase(self, phrase: str) -> bool:
        if phrase.count(" ") < _GRAM:
            return phrase in self._grams
        return any(f" {phrase} " in t for t in self._texts)

    def _has_word(self, w: str) -> bool:
        if len(w) < 4:
            return w in self._grams
        return any(_close(w, n) for n in self._by_start.get(w[:4], ()))

    def mention(self, label: str, cid: str) -> bool:
        names = [n for n in {label, cid, *_PARTS.split(label)} if n and len(n.strip()) >= 2]
        forms = set().union(*(_forms(n) for n in names))
        if any(self._has_phrase(f) for f in forms):
            return True
        for n in names:
            words = [w for w in _words(n).split() if len(w) > 2 and w not in _STOP]
            if words and all(self._has_word(w) for w in words):
                return True
        return False
