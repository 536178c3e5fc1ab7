"""Labels as people read them: the inline HTML that mermaid renders in a label.

Mermaid renders simple HTML in labels, and study notes use it: ``CO<sub>2</sub>``,
``x<sup>2</sup>``, ``<b>key</b> idea``. The model keeps labels as written (as mermaid-js
does). Pictures that draw text themselves (DOT/SVG, the interactive page) show
:func:`display_label`: subscripts and superscripts as Unicode where every character has
one (``CO₂``, ``x²``), other inline tags dropped. Documents that are HTML or Markdown (the
report) keep a tag only when it opens and closes around plain text (:func:`split_tags`), so
no label can change the page around it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "INLINE_TAGS",
    "INLINE_TAG_RE",
    "PAIRED_TAG_RE",
    "display_label",
    "display_width",
    "fit",
    "plural",
    "split_tags",
    "strip_accents",
]

#: The inline HTML elements kept or read in labels (no attributes).
INLINE_TAGS = (
    "b",
    "i",
    "u",
    "s",
    "em",
    "strong",
    "sub",
    "sup",
    "small",
    "mark",
    "code",
    "del",
    "ins",
)
_TAGS = "|".join(INLINE_TAGS)
#: One inline tag, opening or closing, without attributes.
INLINE_TAG_RE = re.compile(rf"</?(?:{_TAGS})>")
#: An inline tag pair around text that holds no ``<`` (so no other tag).
PAIRED_TAG_RE = re.compile(rf"<({_TAGS})>([^<]*)</\1>")

_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUP = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=True))


def _script(m: re.Match[str]) -> str:
    tag, inner = m.group(1), m.group(2)
    table = _SUB if tag == "sub" else _SUP if tag == "sup" else None
    if table is not None and inner and all(ch in table for ch in inner):
        return "".join(table[ch] for ch in inner)
    return inner


def display_label(text: str) -> str:
    """*text* with its inline HTML turned into plain text.

    >>> display_label("CO<sub>2</sub> and x<sup>2</sup>, <b>bold</b>")
    'CO₂ and x², bold'
    >>> display_label("H<sub>two</sub>O"), display_label("a < b <i>c")
    ('HtwoO', 'a < b c')
    """
    if "<" not in text:
        return text
    return INLINE_TAG_RE.sub("", PAIRED_TAG_RE.sub(_script, text))


def split_tags(text: str) -> list[tuple[str, bool]]:
    """*text* cut into (piece, is a kept tag) parts: tags of :data:`PAIRED_TAG_RE` pairs.

    >>> split_tags("CO<sub>2</sub> <b>x")
    [('CO', False), ('<sub>', True), ('2', False), ('</sub>', True), (' <b>x', False)]
    """
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in PAIRED_TAG_RE.finditer(text):
        tag = m.group(1)
        out += [(text[pos : m.start()], False), (f"<{tag}>", True), (m.group(2), False)]
        out.append((f"</{tag}>", True))
        pos = m.end()
    out.append((text[pos:], False))
    return [(piece, kept) for piece, kept in out if piece]


def _columns(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns *text* takes: two for wide East Asian characters, none for
    combining marks.

    >>> display_width("Self-Attention"), display_width("注意力"), display_width("Cafe\u0301")
    (14, 6, 4)
    """
    return len(text) if text.isascii() else sum(map(_columns, text))


def fit(text: str, width: int) -> str:
    """*text* cut to at most *width* columns, then padded with spaces to exactly *width*.

    >>> fit("注意力机制", 7) + "|", fit("BERT", 6) + "|"
    ('注意力 |', 'BERT  |')
    """
    if text.isascii():
        return text[:width].ljust(width)
    out: list[str] = []
    used = 0
    for ch in text:
        w = _columns(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def strip_accents(text: str) -> str:
    """*text* without combining marks (``é`` -> ``e``); other scripts are left as they are.

    >>> strip_accents("naïve café"), strip_accents("注意力")
    ('naive cafe', '注意力')
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def plural(n: int, word: str, many: str | None = None) -> str:
    """*n* and *word*, in the plural (*many*, else *word* + "s") unless *n* is 1.

    >>> plural(1, "link"), plural(12_000, "concept"), plural(2, "is", "are")
    ('1 link', '12,000 concepts', '2 are')
    """
    return f"{n:,} {word if n == 1 else many or word + 's'}"
