"""Which end of a labelled relationship must be learned first.

Arrows in a concept map do not uniformly mean "learn first": ``Encoder ==>|uses|
Self-Attention`` needs Self-Attention first (the *target*), while ``Self-Attention
==>|extended by| Multi-Head`` needs Self-Attention first (the *source*). A
:class:`RelationVocabulary` maps normalised link phrases to the prerequisite end.

Normalising a label: Unicode NFKC, lowercase (casefold), hyphens and underscores to spaces,
whitespace collapsed: ``"Extended-By"`` -> ``"extended by"``.

Built-in phrases (:data:`DEFAULT_TARGET_FIRST`, :data:`DEFAULT_SOURCE_FIRST`) follow one
reading: what is used, required, more general or whole comes first; causes before effects.

* **target first** -- uses, requires, depends on, needs, is a, type of, kind of, part of,
  extends, based on, builds on, trained with, implemented with, derived from, ...
* **source first** -- extended by, enables, leads to, followed by, produces, computes,
  has part, type (``POSENC ==>|type| SINCOS``), includes, contains, causes, ... and any
  phrase ending in " by" (passive voice: "optimized by", "approximated by").

An unlabelled relationship is looked up by its kind: ``has-part`` reads as "has part";
any other unlabelled or unknown phrase takes the vocabulary's ``default`` end
(``"source"``: a map's arrows usually run from the general to the specific) and is
reported as an assumption.
Phrases real maps use both ways round (:data:`DEFAULT_AMBIGUOUS`: ``type``) keep their
end but are reported as assumptions too, unless a user vocabulary names them.

User vocabulary (TOML, ``--relations FILE``)::

    # optional; default "source"
    default = "source"
    # optional; true drops the built-in phrases
    replace = false

    [relations]
    "uses" = "target"
    "motivates" = "source"
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal

from conceptmap.errors import InputError

__all__ = [
    "DEFAULT_SOURCE_FIRST",
    "DEFAULT_TARGET_FIRST",
    "End",
    "RelationVocabulary",
    "default_relations",
    "load_relations",
    "normalize_label",
]

End = Literal["source", "target"]

DEFAULT_TARGET_FIRST: tuple[str, ...] = (
    "uses",
    "use",
    "requires",
    "require",
    "depends on",
    "depend on",
    "needs",
    "relies on",
    "assumes",
    "is a",
    "is an",
    "type of",
    "a type of",
    "kind of",
    "instance of",
    "example of",
    "subclass of",
    "specialization of",
    "variant of",
    "form of",
    "part of",
    "component of",
    "member of",
    "extends",
    "based on",
    "built on",
    "builds on",
    "derived from",
    "trained with",
    "trained on",
    "implemented with",
    "implemented by",
    "applies",
    "follows",
    "caused by",
    "result of",
    "generalizes",
    "improves on",
    "improves",
    "refines",
    "specializes",
)

DEFAULT_SOURCE_FIRST: tuple[str, ...] = (
    "extended by",
    "enables",
    "leads to",
    "followed by",
    "precedes",
    "produces",
    "computes",
    "generates",
    "yields",
    "outputs",
    "has part",
    "has",
    "contains",
    "includes",
    "consists of",
    "composed of",
    "type",
    "types",
    "has type",
    "example",
    "such as",
    "e g",
    "for example",
    "causes",
    "results in",
    "motivates",
    "supports",
    "allows",
    "used by",
    "required by",
    "needed by",
    "prerequisite for",
    "prerequisite of",
    "basis for",
    "foundation of",
    "generalized by",
    "specialized by",
    "implies",
)

#: Built-in phrases that real maps use both ways round: ``POSENC ==>|type| SINCOS``
#: (Sinusoidal is a type of Positional Encoding) but ``BERT ==>|type| ENCONLY`` (BERT is an
#: encoder-only model). They keep their end above and are always reported as assumptions
#: (``reason="ambiguous"``) unless a user vocabulary names them.
DEFAULT_AMBIGUOUS: tuple[str, ...] = ("type", "types")

_WS_RE = re.compile(r"\s+")


def normalize_label(label: str) -> str:
    """Normalise a link phrase for lookup.

    >>> normalize_label("  Extended-By ")
    'extended by'
    >>> normalize_label("type_of")
    'type of'
    """
    text = unicodedata.normalize("NFKC", label).casefold()
    text = text.replace("-", " ").replace("_", " ").replace("\u2010", " ").replace("\u2013", " ")
    text = re.sub(r"[.:;,!?]+", " ", text)
    return _WS_RE.sub(" ", text).strip()


class RelationVocabulary:
    """Normalised link phrase -> the end of the relationship that is learned first.

    >>> vocab = default_relations()
    >>> vocab.prerequisite_end("uses"), vocab.prerequisite_end("Extended by")
    (('target', True), ('source', True))
    >>> vocab.prerequisite_end("modern")
    ('source', False)
    """

    def __init__(
        self, phrases: Mapping[str, End], *, default: End = "source", ambiguous: Iterable[str] = ()
    ) -> None:
        self.phrases: dict[str, End] = {normalize_label(k): v for k, v in phrases.items()}
        self.default: End = default
        #: Known phrases read both ways in real maps (reported even though known).
        self.ambiguous: frozenset[str] = frozenset(normalize_label(p) for p in ambiguous)
        self._cache: dict[str | None, tuple[End, bool]] = {}

    def is_ambiguous(self, label: str | None) -> bool:
        """Whether *label* is a phrase maps use both ways round (see :data:`DEFAULT_AMBIGUOUS`).

        >>> default_relations().is_ambiguous("Type"), default_relations().is_ambiguous("uses")
        (True, False)
        """
        return bool(label and self.ambiguous and normalize_label(label) in self.ambiguous)

    def prerequisite_end(self, label: str | None, kind: str | None = None) -> tuple[End, bool]:
        """("source"|"target", known): which end comes first, and whether the label was known.

        An empty or missing label is looked up by *kind* (``has-part`` -> "has part").
        """
        key = label if label and label.strip() else None
        if key is None and kind:
            key = kind
        if key in self._cache:
            return self._cache[key]
        found: tuple[End, bool] = (self.default, False)
        if key is not None:
            norm = normalize_label(key)
            end = self.phrases.get(norm)
            if end is None and norm.startswith("is ") and norm[3:] in self.phrases:
                end = self.phrases[norm[3:]]  # "is required by" -> "required by"
            if end is None and norm.endswith(" by") and label:
                end = "source"  # passive voice: "optimized by" = the other builds on this
            if end is not None:
                found = (end, True)
        self._cache[key] = found
        return found

    def merged(self, phrases: Mapping[str, End]) -> RelationVocabulary:
        named = {normalize_label(p) for p in phrases}
        return RelationVocabulary(
            {**self.phrases, **phrases}, default=self.default, ambiguous=self.ambiguous - named
        )


def _with_default(vocab: RelationVocabulary, default: End) -> RelationVocabulary:
    return RelationVocabulary(vocab.phrases, default=default, ambiguous=vocab.ambiguous)


def _build(target_first: Iterable[str], source_first: Iterable[str]) -> dict[str, End]:
    out: dict[str, End] = {}
    for p in target_first:
        out[normalize_label(p)] = "target"
    for p in source_first:
        out[normalize_label(p)] = "source"
    return out


def default_relations() -> RelationVocabulary:
    """The built-in vocabulary (see the module docstring)."""
    return RelationVocabulary(
        _build(DEFAULT_TARGET_FIRST, DEFAULT_SOURCE_FIRST), ambiguous=DEFAULT_AMBIGUOUS
    )


def load_relations(toml_text: str, *, path: str | None = None) -> RelationVocabulary:
    """The built-in vocabulary extended (or replaced) by a TOML document.

    Raises :class:`~conceptmap.errors.InputError` for invalid TOML or values.

    >>> v = load_relations('[relations]\\n"motivates" = "target"\\n')
    >>> v.prerequisite_end("motivates"), v.prerequisite_end("uses")
    (('target', True), ('target', True))
    """
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=path) from None
    unknown = sorted(set(data) - {"default", "replace", "relations"})
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(unknown)}; expected default, replace, [relations]",
            path=path,
        )
    default = data.get("default", "source")
    if default not in ("source", "target"):
        raise InputError(f"default must be 'source' or 'target', not {default!r}", path=path)
    table = data.get("relations", {})
    if not isinstance(table, dict):
        raise InputError("[relations] must be a table of phrase = 'source'|'target'", path=path)
    phrases: dict[str, End] = {}
    for phrase, end in table.items():
        if end not in ("source", "target"):
            raise InputError(
                f"relation {phrase!r}: expected 'source' or 'target', not {end!r}", path=path
            )
        phrases[phrase] = end
    if data.get("replace", False):
        return RelationVocabulary(phrases, default=default)
    # A phrase the user names is no longer ambiguous: they said which way round they use it.
    return _with_default(default_relations().merged(phrases), default)
