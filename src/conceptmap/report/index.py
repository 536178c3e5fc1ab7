"""``index.md`` / ``index.html``: one line per map, linking to its report.

:func:`index_entry` summarises a :class:`~conceptmap.report.build.MapReport` as an
:class:`IndexEntry` (size, central concept, stale claims); a map that could not be read
gets an entry with ``status="failed"`` and its error. :func:`index_markdown` and
:func:`index_html` list the entries, and the combined knowledge graph when there is one.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conceptmap.report.build import MapReport
from conceptmap.report.html import page, render_markdown
from conceptmap.report.markdown import esc, table

__all__ = ["IndexEntry", "index_entry", "index_html", "index_markdown"]


class IndexEntry(BaseModel):
    """One map's line in the index (also what the incremental cache remembers)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = Field(description="Folder of the map's outputs, relative to the index.")
    path: str = Field(description="The map's file.")
    status: Literal["ok", "failed"] = "ok"
    title: str | None = None
    concepts: int = 0
    relationships: int = 0
    central: str | None = Field(None, description="Label of the most connected concept.")
    central_degree: int = 0
    stale_claims: int = 0
    errors: int = 0
    warnings: int = 0
    siblings: tuple[str, ...] = Field((), description="Documents validated against it.")
    error: str | None = Field(None, description="Why the map could not be read (failed).")
    concept_recall: float | None = Field(
        None, description="Share of the reference map's concepts used (with --reference)."
    )
    proposition_recall: float | None = Field(
        None, description="Share of the reference map's propositions stated (--reference)."
    )


def index_entry(report: MapReport, *, name: str) -> IndexEntry:
    """The index line of *report*, whose outputs are in folder *name*.

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> from conceptmap.report.build import build_report
    >>> m = ConceptMap(concepts=(Concept(id="A", label="Attention"), Concept(id="B", label="B")),
    ...                relationships=(Relationship(id="e", source="A", target="B"),))
    >>> e = index_entry(build_report(m), name="tiny")
    >>> e.concepts, e.central, e.central_degree
    (2, 'Attention', 1)
    """
    top = report.centrality.concepts[0] if report.centrality.concepts else None
    return IndexEntry(
        name=name,
        path=report.map.path,
        title=report.map.title,
        concepts=report.stats.concepts,
        relationships=report.stats.visible_relationships,
        central=top.label if top else None,
        central_degree=top.degree if top else 0,
        stale_claims=report.validation.stale_claims,
        errors=report.validation.errors,
        warnings=report.validation.warnings,
        siblings=tuple(s.path for s in report.siblings),
        concept_recall=report.comparison.result.concept_recall if report.comparison else None,
        proposition_recall=(
            report.comparison.result.proposition_recall if report.comparison else None
        ),
    )


def _recall(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def _rows(entries: Sequence[IndexEntry], link: str, compared: bool) -> list[list[str]]:
    rows = []
    for e in entries:
        name = esc(e.title or e.name)
        if e.status == "failed":
            first = (e.error or "could not be read").strip().splitlines()[0]
            rows.append(
                [name, f"`{e.path}`", "–", "–", "–", "–", *(["–", "–"] if compared else [])]
                + ["✗ failed", esc(first)]
            )
            continue
        central = f"{esc(e.central)} ({e.central_degree})" if e.central else "–"
        status = "✓ no errors" if not e.errors else f"✗ {e.errors} errors"
        rows.append(
            [
                f"[{name}]({e.name}/{link})",
                f"`{e.path}`",
                str(e.concepts),
                str(e.relationships),
                central,
                str(e.stale_claims),
                *([_recall(e.concept_recall), _recall(e.proposition_recall)] if compared else []),
                status,
                ", ".join(esc(s) for s in e.siblings) or "–",
            ]
        )
    return rows


def index_markdown(
    entries: Sequence[IndexEntry],
    *,
    shared: int | None = None,
    combined: str | None = None,
    link: str = "report.md",
) -> str:
    """``index.md``: every map in one table, linking to ``<name>/report.md``.

    Parameters
    ----------
    entries
        The maps (failed ones included), in the order to list them.
    shared
        Number of concepts shared between maps (shown with the combined graph link).
    combined
        Folder of the combined knowledge graph's report, if there is one.
    link
        File name the map links point to (``report.html`` for :func:`index_html`).

    Examples
    --------
    >>> e = IndexEntry(name="t", path="maps/t.md", title="T", concepts=3, central="A",
    ...                central_degree=2)
    >>> "[T](t/report.md)" in index_markdown([e])
    True
    """
    ok = [e for e in entries if e.status == "ok"]
    failed = len(entries) - len(ok)
    out = ["# Concept maps"]
    summary = (
        f"{len(ok)} map{'s' if len(ok) != 1 else ''} reported"
        + (f", {failed} could not be read" if failed else "")
        + f"; {sum(e.stale_claims for e in ok):,} stale claims in all. "
        "*Central concept* is the most connected concept (with its number of connections); "
        "*stale claims* are figures and statements in the document (and its related "
        "documents) that the diagram contradicts."
    )
    compared = any(e.concept_recall is not None for e in entries)
    if compared:
        summary += (
            " *Reference concepts* and *reference propositions* are the shares of the "
            "reference map's concepts each map uses and of its propositions it states."
        )
    out.append(summary)
    out.append(
        table(
            [
                "Map",
                "File",
                "Concepts",
                "Relationships",
                "Central concept",
                "Stale claims",
                *(["Reference concepts", "Reference propositions"] if compared else []),
                "Check",
                "Related documents / error",
            ],
            _rows(entries, link, compared),
            limit=None,
        )
    )
    if combined is not None:
        what = (
            f"{shared} concept{'' if shared == 1 else 's'} shared between maps"
            if shared is not None
            else "shared concepts"
        )
        out.append(
            f"**[Combined knowledge graph]({combined}/{link})** – all maps merged by concept "
            f"label; {what}."
        )
    return "\n\n".join(out) + "\n"


def index_html(
    entries: Sequence[IndexEntry],
    *,
    shared: int | None = None,
    combined: str | None = None,
    tool: str = "conceptmap",
    link: str = "report.html",
) -> str:
    """``index.html``: the same as :func:`index_markdown`, linking to ``report.html`` pages
    (or to *link*, when the reports were written in other formats)."""
    text = index_markdown(entries, shared=shared, combined=combined, link=link)
    head, _, body = text.partition("\n\n")
    intro, _, rest = body.partition("\n\n")
    return page(
        "Concept maps",
        '<section class="card">' + render_markdown(rest) + "</section>",
        intro_html=f"<p>{render_markdown(intro)[3:-5]}</p>",
        footer=html.escape(f"Written by {tool}."),
    )
