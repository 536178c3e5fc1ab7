"""The concept-map model: frozen pydantic records built by the parser.

``ConceptMap`` is what every analyser and exporter takes. Its JSON dump (``model_dump``)
is the output of ``conceptmap parse --format json``; the key names are a public contract.

Graph views
-----------
``ConceptMap.to_networkx()`` returns a ``networkx.MultiDiGraph``: one node per concept
(attributes: ``label``, ``shape``, ``subgraph``, ``classes``, ``line``) and one edge per
relationship, keyed by the relationship ``id`` (attributes: ``label``, ``kind``,
``stroke``, ``head``, ``tail``, ``length``, ``line``, ``index``). A relationship whose
endpoint is a subgraph id (Mermaid allows ``S1 --> A``) adds a node with
``is_subgraph=True``. Analysers use the simpler views from :mod:`conceptmap.graph`:
``simple_digraph`` (parallel relationships merged, ``weight`` = their number) and
``undirected`` (direction dropped, ``weight`` = number of relationships between the pair).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from conceptmap import _accel

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Concept",
    "ConceptMap",
    "End",
    "Relationship",
    "Stroke",
    "Subgraph",
    "auto_edge_id",
]

Stroke = Literal["normal", "thick", "dotted", "invisible"]
End = Literal["arrow", "circle", "cross", "none"]


_M = TypeVar("_M", bound=BaseModel)


class _Frozen(BaseModel):
    # defer_build: a model's validator and serializer are built when first used, not at
    # import (most commands build records without validation, and print text): 20-50 ms
    # off every command's start, measured over all the package's models.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Concept(_Frozen):
    """One node of the map."""

    id: str = Field(description="Mermaid node id, as written.")
    label: str = Field(description="Plain-text label (entities decoded, <br> as newline).")
    shape: str | None = Field(None, description="mermaid-js shape name; null for a bare id.")
    subgraph: str | None = Field(None, description="Innermost subgraph owning the concept.")
    classes: tuple[str, ...] = Field((), description="Classes from class/:::/click.")
    line: int | None = Field(None, description="1-based line of first mention in the file.")
    column: int | None = Field(None, description="1-based column of first mention.")
    label_type: Literal["text", "string", "markdown"] = Field(
        "text", description="How the label was written: bare, quoted or markdown string."
    )
    styles: tuple[str, ...] = Field((), description="CSS declarations from `style` lines.")
    link: str | None = Field(None, description="URL from a `click` line.")
    tooltip: str | None = Field(None, description="Tooltip from a `click` line.")


class Relationship(_Frozen):
    """One link of the map (a proposition when it carries a label)."""

    id: str = Field(description="Edge id: the user's `e1@` id or mermaid's L_<src>_<dst>_<n>.")
    source: str
    target: str
    label: str | None = Field(None, description="Link text, plain; null when none.")
    kind: str = Field("plain", description="Concept-map kind from the legend.")
    stroke: Stroke = "normal"
    head: End = "arrow"
    tail: End = "none"
    length: int = Field(1, ge=1, le=10)
    line: int | None = None
    column: int | None = None
    label_type: Literal["text", "string", "markdown"] = "text"
    styles: tuple[str, ...] = Field((), description="CSS declarations from `linkStyle`.")
    user_id: bool = Field(False, description="True when the id was written by the author.")


class Subgraph(_Frozen):
    """A Mermaid ``subgraph`` block: the author's own grouping of concepts."""

    id: str
    title: str
    parent: str | None = None
    concepts: tuple[str, ...] = Field((), description="Direct member concepts, sorted.")
    direction: str | None = None
    line: int | None = None
    classes: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()


class ConceptMap(_Frozen):
    """A parsed concept map: one Mermaid flowchart and what the document says about it."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", ignored_types=(cached_property,), defer_build=True
    )

    title: str | None = None
    direction: str | None = None
    concepts: tuple[Concept, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    subgraphs: tuple[Subgraph, ...] = ()
    class_defs: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    default_link_style: tuple[str, ...] = ()
    legend: dict[str, str] = Field(
        default_factory=dict,
        description="Link token (e.g. '==>') to kind, from the document's Diagram Key.",
    )
    path: str | None = Field(None, description="File the map was read from.")
    block: int = Field(0, description="0-based index of the flowchart block in the file.")
    line: int | None = Field(None, description="1-based line of the flowchart header.")

    # -- lookups ---------------------------------------------------------------
    @cached_property
    def concept_by_id(self) -> dict[str, Concept]:
        return {c.id: c for c in self.concepts}

    @cached_property
    def relationship_by_id(self) -> dict[str, Relationship]:
        return {r.id: r for r in self.relationships}

    @cached_property
    def subgraph_by_id(self) -> dict[str, Subgraph]:
        return {s.id: s for s in self.subgraphs}

    def label_of(self, node_id: str) -> str:
        """The label of a concept, or the title of a subgraph, or the id itself."""
        c = self.concept_by_id.get(node_id)
        if c is not None:
            return c.label
        s = self.subgraph_by_id.get(node_id)
        return s.title if s is not None else node_id

    # -- views ----------------------------------------------------------------
    def to_networkx(self) -> nx.MultiDiGraph[str]:
        """The whole map as a ``networkx.MultiDiGraph`` (see the module docstring)."""
        from conceptmap.graph import to_networkx

        return to_networkx(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The public JSON form (the output of ``conceptmap parse --format json``)."""
        return self.model_dump_json(indent=indent)


def auto_edge_id(source: str, target: str, existing: int) -> str:
    """mermaid-js's id for a link written without one: ``L_<src>_<dst>_<n>``.

    *existing* is how many links between the pair came before; the first gets ``_0``, a
    later one ``existing + 1`` (there is no ``_1``).

    >>> auto_edge_id("A", "B", 0), auto_edge_id("A", "B", 1)
    ('L_A_B_0', 'L_A_B_2')
    """
    return f"L_{source}_{target}_{existing + 1 if existing else 0}"


_FIELDS_SETS: dict[type, set[str]] = {}


def fields_set_of(cls: type[BaseModel]) -> set[str]:
    # One shared set per class: frozen models never mutate it (model_copy copies it).
    fields_set = _FIELDS_SETS.get(cls)
    if fields_set is None:
        fields_set = _FIELDS_SETS[cls] = set(cls.model_fields)
    return fields_set


def trusted(cls: type[_M], data: dict[str, Any]) -> _M:
    """Build a model from already-valid *data* holding every field, skipping validation.

    The parser builds hundreds of thousands of records whose values it has produced
    itself; ``model_construct`` costs ~25 µs each, this ~2 µs. *data* must name every
    field of *cls* (tests check the parser's output against validation).
    """
    return trusted_many(cls, (data,))[0]


def trusted_columns(cls: type[_M], columns: dict[str, Sequence[Any]]) -> list[_M]:
    """:func:`trusted_many` over columns: record *i* has each field *name* set to
    ``columns[name][i]``. Give every field, in the model's order (the order of
    ``__dict__`` and of ``repr``). In C no dict is made per record (the 50,000 steps of a
    big ``prereqs`` answer)."""
    names = tuple(columns)
    cols = tuple(columns.values())  # of different lengths: ValueError, in C or in zip
    native = _accel.speedups
    if native is not None:
        made: list[_M] = native.trusted_columns(cls, fields_set_of(cls), names, cols)
        return made
    return trusted_many(
        cls, (dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True))
    )


def trusted_picks(
    cls: type[_M], names: tuple[str, ...], sources: Sequence[Any], indices: Iterable[int]
) -> list[_M]:
    """:func:`trusted_many` of records copied from others: one per index *i*, its fields
    *names* (every field, in the model's order) read from the same-named attributes of
    ``sources[i]``. In C the attributes are read without giving each source a
    ``__dict__`` of its own (the relationships behind a 50,000-step ``prereqs`` answer)."""
    native = _accel.speedups
    if native is not None:
        made: list[_M] = native.trusted_picks(cls, fields_set_of(cls), names, sources, indices)
        return made
    return trusted_many(cls, ({n: getattr(sources[i], n) for n in names} for i in indices))


def trusted_many(cls: type[_M], rows: Iterable[dict[str, Any]]) -> list[_M]:
    """:func:`trusted` over many rows in one loop (no call per record: ~2x faster; in C
    where the optional speedups are built)."""
    fields_set = fields_set_of(cls)
    native = _accel.speedups
    if native is not None:
        made: list[_M] = native.trusted_many(cls, fields_set, rows)
        return made
    new, setattr_ = object.__new__, object.__setattr__
    out = []
    for data in rows:
        obj = new(cls)
        setattr_(obj, "__dict__", data)
        setattr_(obj, "__pydantic_fields_set__", fields_set)
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        out.append(obj)
    return out
