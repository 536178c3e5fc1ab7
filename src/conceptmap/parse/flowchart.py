"""Mermaid flowchart parser (being written)."""
from __future__ import annotations

def detect_diagram_type(text):
    return "flowchart"

def parse_flowchart(text, **kw):
    raise NotImplementedError
