"""Reports: everything conceptmap knows about a map, for a student and for a program.

* :func:`build_report` -- run the analysers and the validator on one map -> :class:`MapReport`;
* :func:`report_markdown` / :func:`report_html` -- the report as ``report.md`` / ``report.html``;
* :func:`combine_maps` -- several maps merged into one knowledge graph (shared concepts);
* :func:`index_markdown` / :func:`index_html` -- one line per map, linking to its report;
* :func:`report_json_schema` -- the JSON Schema of ``report.json`` (``conceptmap schema``).

All pure: they return models or strings; ``conceptmap report`` writes the files.
"""

from __future__ import annotations

from conceptmap.report.build import (
    REPORT_SCHEMA_VERSION,
    CombinedSection,
    MapReport,
    SharedConcept,
    build_report,
    stale_claims,
)
from conceptmap.report.combined import CombinedGraph, combine_maps, combined_section, label_key
from conceptmap.report.html import report_html
from conceptmap.report.index import IndexEntry, index_entry, index_html, index_markdown
from conceptmap.report.markdown import report_markdown
from conceptmap.report.schema import report_json_schema

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "CombinedGraph",
    "CombinedSection",
    "IndexEntry",
    "MapReport",
    "SharedConcept",
    "build_report",
    "combine_maps",
    "combined_section",
    "index_entry",
    "index_html",
    "index_markdown",
    "label_key",
    "report_html",
    "report_json_schema",
    "report_markdown",
    "stale_claims",
]
