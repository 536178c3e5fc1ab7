"""conceptmap: read, analyse, validate and export concept maps written as Mermaid flowcharts.

>>> from conceptmap import parse_map
>>> cmap = parse_map("flowchart LR\\n  A[Attention] ==>|uses| B[Softmax]\\n")
>>> [c.label for c in cmap.concepts], cmap.relationships[0].kind
(['Attention', 'Softmax'], 'primary')
"""

from __future__ import annotations

__version__ = "0.1.0"

from conceptmap.errors import (
    ConceptMapError,
    Diagnostic,
    InputError,
    MapSyntaxError,
    UnknownConceptError,
)
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph
from conceptmap.parse import Document, parse_document, parse_map

__all__ = [
    "Concept",
    "ConceptMap",
    "ConceptMapError",
    "Diagnostic",
    "Document",
    "InputError",
    "MapSyntaxError",
    "Relationship",
    "Subgraph",
    "UnknownConceptError",
    "__version__",
    "parse_document",
    "parse_map",
]
