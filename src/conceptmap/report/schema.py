"""The JSON Schema of ``report.json``: :func:`report_json_schema` (``conceptmap schema``)."""

from __future__ import annotations

from typing import Any

from conceptmap.report.build import REPORT_SCHEMA_VERSION, MapReport

__all__ = ["report_json_schema"]


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every ``report.json`` validates against.

    Generated from :class:`~conceptmap.report.build.MapReport`, so it cannot drift from
    what ``conceptmap report`` writes.

    >>> schema = report_json_schema()
    >>> schema["title"], "centrality" in schema["required"]
    ('MapReport', True)
    """
    schema = MapReport.model_json_schema(mode="serialization")
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": f"conceptmap report.json, schema_version {REPORT_SCHEMA_VERSION}",
    }
    out.update(schema)
    return out
