"""Exporters: a :class:`~conceptmap.model.ConceptMap` to text or bytes in another format.

Every exporter is a pure function ``cmap -> str | bytes`` with keyword-only options, and
gives byte-identical output for identical input (sorted where order is not meaningful,
no timestamps). Only the CLI writes files.

=========  ===============================================  ======
format     function                                         output
=========  ===============================================  ======
mermaid    :func:`conceptmap.export.mermaid.to_mermaid`     str
dot        :func:`conceptmap.export.dot.to_dot`             str
svg        :func:`conceptmap.export.dot.to_svg`             bytes
png        :func:`conceptmap.export.dot.to_png`             bytes
json       :func:`conceptmap.export.data.to_json`           str
graphml    :func:`conceptmap.export.data.to_graphml`        str
gexf       :func:`conceptmap.export.data.to_gexf`           str
csv        :func:`conceptmap.export.data.to_csv`            str
html       :func:`conceptmap.export.html.to_html`           str
canvas     :func:`conceptmap.export.canvas.to_canvas`       str
=========  ===============================================  ======

``EXPORTERS[fmt](cmap, highlight_path=...)`` calls any of them with the options they share
(``highlight_path``: a list of concept ids to emphasise; formats without the notion ignore it).

>>> from conceptmap.model import Concept, ConceptMap
>>> cmap = ConceptMap(concepts=(Concept(id="A", label="A"),))
>>> sorted(EXPORTERS) == sorted(FORMATS)
True
>>> export(cmap, "mermaid").splitlines()[0]
'flowchart'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from conceptmap.errors import ConceptMapError

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = [
    "BINARY_FORMATS",
    "EXPORTERS",
    "EXTENSIONS",
    "FORMATS",
    "ExportError",
    "GraphvizMissingError",
    "export",
]


class ExportError(ConceptMapError):
    """A map that cannot be written in the requested format, or a failed renderer."""


class GraphvizMissingError(ExportError):
    """Graphviz's ``dot`` program is not installed (SVG/PNG rendering needs it)."""

    hint = "install Graphviz: apt-get install graphviz (macOS: brew install graphviz)"

    def __init__(self, message: str = "Graphviz's `dot` program was not found") -> None:
        super().__init__(f"{message}; {self.hint}")


#: Format name -> file extension.
EXTENSIONS: dict[str, str] = {
    "mermaid": "mmd",
    "dot": "dot",
    "svg": "svg",
    "png": "png",
    "json": "json",
    "graphml": "graphml",
    "gexf": "gexf",
    "csv": "csv",
    "html": "html",
    "canvas": "canvas",
}

#: Every format, in the order the CLI lists them.
FORMATS: tuple[str, ...] = tuple(EXTENSIONS)

#: Formats whose exporter returns ``bytes``.
BINARY_FORMATS: frozenset[str] = frozenset({"png"})


def _mermaid(cmap: ConceptMap, *, highlight_path: list[str] | None = None, **_: Any) -> str:
    from conceptmap.export.mermaid import to_mermaid

    return to_mermaid(cmap, highlight_path=highlight_path)


def _dot(cmap: ConceptMap, *, highlight_path: list[str] | None = None, **_: Any) -> str:
    from conceptmap.export.dot import to_dot

    return to_dot(cmap, highlight_path=highlight_path, metrics=_metrics(cmap))


def _svg(cmap: ConceptMap, *, highlight_path: list[str] | None = None, **_: Any) -> bytes:
    from conceptmap.export.dot import to_svg

    return to_svg(cmap, highlight_path=highlight_path, metrics=_metrics(cmap))


def _png(cmap: ConceptMap, *, highlight_path: list[str] | None = None, **_: Any) -> bytes:
    from conceptmap.export.dot import to_png

    return to_png(cmap, highlight_path=highlight_path, metrics=_metrics(cmap))


def _json(cmap: ConceptMap, **_: Any) -> str:
    from conceptmap.export.data import to_json

    return to_json(cmap)


def _graphml(cmap: ConceptMap, **_: Any) -> str:
    from conceptmap.export.data import to_graphml

    return to_graphml(cmap)


def _gexf(cmap: ConceptMap, **_: Any) -> str:
    from conceptmap.export.data import to_gexf

    return to_gexf(cmap)


def _csv(cmap: ConceptMap, **_: Any) -> str:
    from conceptmap.export.data import to_csv

    return to_csv(cmap)


def _html(cmap: ConceptMap, *, highlight_path: list[str] | None = None, **_: Any) -> str:
    # Imported lazily: the HTML exporter pulls in Jinja2 and its vendored assets.
    from conceptmap.export.html import layout_positions, to_html

    # Large maps get Graphviz positions (no in-browser physics); small ones None.
    return to_html(cmap, highlight_path=highlight_path, positions=layout_positions(cmap))


def _canvas(cmap: ConceptMap, *, highlight_path: list[str] | None = None, **_: Any) -> str:
    from conceptmap.export.canvas import laid_out_canvas

    return laid_out_canvas(cmap, highlight_path=highlight_path)


def _metrics(cmap: ConceptMap) -> dict[str, dict[str, Any]] | None:
    from conceptmap.export.data import concept_metrics

    return concept_metrics(cmap)


#: Format name -> exporter; each takes ``(cmap, *, highlight_path=None)``.
EXPORTERS: dict[str, Callable[..., str | bytes]] = {
    "mermaid": _mermaid,
    "dot": _dot,
    "svg": _svg,
    "png": _png,
    "json": _json,
    "graphml": _graphml,
    "gexf": _gexf,
    "csv": _csv,
    "html": _html,
    "canvas": _canvas,
}


def export(cmap: ConceptMap, fmt: str, *, highlight_path: list[str] | None = None) -> str | bytes:
    """Export *cmap* as *fmt* (a key of :data:`EXPORTERS`).

    Raises
    ------
    ExportError
        Unknown format, or a renderer that failed (``GraphvizMissingError`` without ``dot``).
    """
    try:
        fn = EXPORTERS[fmt]
    except KeyError:
        raise ExportError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return fn(cmap, highlight_path=highlight_path)
