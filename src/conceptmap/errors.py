"""Exceptions and diagnostics.

Our exception hierarchy::

    ConceptMapError            base of everything the library raises on purpose
    ├── InputError             unreadable file, not UTF-8, no flowchart block, control chars
    ├── MapSyntaxError         Mermaid that mermaid-js rejects; holds every Diagnostic of a block
    └── UnknownConceptError    a name that matches no concept (``suggestions`` = did-you-mean)

A :class:`Diagnostic` is a positioned message (1-based line and column, in the coordinates
of the file the user gave us). ``str(diagnostic)`` renders it like a compiler::

    notes.md:14:21: error: unknown link '-=>'
        A --> B  B -=> C
                    ^
    hint: ...
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ConceptMapError",
    "Diagnostic",
    "InputError",
    "MapSyntaxError",
    "UnknownConceptError",
]


class Diagnostic(BaseModel):
    """One positioned problem in the input."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    path: str = "<string>"
    line: int = 1
    column: int = 1
    message: str
    severity: str = "error"
    source_line: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        out = [f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"]
        if self.source_line is not None:
            text = self.source_line.expandtabs(4)
            # Cap very long lines so a 10 MB line does not flood the terminal.
            col = len(self.source_line[: self.column - 1].expandtabs(4))
            if len(text) > 160:
                start = max(0, col - 80)
                text = ("…" if start else "") + text[start : start + 160]
                col = col - start + (1 if start else 0)
            out.append("    " + text)
            out.append("    " + " " * col + "^")
        if self.hint:
            out.append(f"hint: {self.hint}")
        return "\n".join(out)


class ConceptMapError(Exception):
    """Base class of every error conceptmap raises on purpose."""


class InputError(ConceptMapError):
    """The input cannot be read as a concept map at all (one-line message)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: error: {message}" if path else message)
        self.message = message


class MapSyntaxError(ConceptMapError):
    """Mermaid text that mermaid-js would reject; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class UnknownConceptError(ConceptMapError, LookupError):
    """A concept name that matches no concept in the map."""

    def __init__(self, name: str, suggestions: list[str], *, empty: bool = False) -> None:
        self.name = name
        self.suggestions = suggestions
        msg = f"no concept named {name!r}"
        if empty:
            msg += "; the map has no concepts (is the flowchart block empty?)"
        elif suggestions:
            msg += "; did you mean: " + ", ".join(suggestions) + "?"
        super().__init__(msg)
