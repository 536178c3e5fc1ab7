"""What ``conceptmap validate`` reports: :class:`Finding` and :class:`ValidationResult`.

A finding is one claim of a document that the diagram contradicts (or that could not be
checked). Positions are 1-based line and column (in characters) of the file the claim
was read from. Fixable findings also carry the character span of the declared value in
the document's text (newlines normalised to ``\\n``) and the text that replaces it.

>>> f = Finding(rule="total-concepts", code="CM101", severity="error", path="m.md",
...             line=5, column=21, declared="32", actual="28",
...             message="Total Concepts is 28, not 32", fixable=True,
...             start=60, end=62, replacement="28")
>>> ValidationResult.from_findings([f], path="m.md").summary.errors
1
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conceptmap._order import natural_key

__all__ = ["SEVERITIES", "Finding", "Severity", "Summary", "ValidationResult"]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Finding(_Frozen):
    """One problem found in a document (or its diagram)."""

    rule: str = Field(description="Stable kebab-case rule name, e.g. 'total-concepts'.")
    code: str = Field(description="Stable rule code, e.g. 'CM101'.")
    severity: Severity
    path: str = Field(description="File the claim was read from.")
    line: int = Field(description="1-based line.")
    column: int = Field(description="1-based column (characters).")
    declared: str | None = Field(None, description="What the document says.")
    actual: str | None = Field(None, description="What the diagram says.")
    message: str = Field(description="One-line explanation.")
    fixable: bool = Field(False, description="True when --fix can rewrite the declared value.")
    start: int | None = Field(None, description="0-based start offset of the span to replace.")
    end: int | None = Field(None, description="0-based end offset (exclusive) of that span.")
    replacement: str | None = Field(None, description="Text that replaces the span.")

    def sort_key(self) -> tuple[object, int, int, str, str]:
        """Files in natural order (``week2`` before ``week10``), then position, code, text."""
        return (natural_key(self.path), self.line, self.column, self.code, self.message)

    def public(self) -> dict[str, object]:
        """The JSON form: the documented keys only."""
        return {
            "rule": self.rule,
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "declared": self.declared,
            "actual": self.actual,
            "message": self.message,
            "fixable": self.fixable,
        }


class Summary(_Frozen):
    """Counts of findings."""

    errors: int = 0
    warnings: int = 0
    info: int = 0
    fixable: int = 0
    files: int = Field(0, description="Files with at least one finding.")

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.info


class ValidationResult(_Frozen):
    """Every finding for one concept map and the documents that describe it."""

    path: str = Field(description="The map's file.")
    paths: tuple[str, ...] = Field((), description="Every file checked (map first).")
    findings: tuple[Finding, ...] = ()
    summary: Summary = Summary()

    @classmethod
    def from_findings(
        cls, findings: Iterable[Finding], *, path: str, paths: Iterable[str] = ()
    ) -> ValidationResult:
        """Sort *findings* by (path, line, column, code) and count them."""
        unique = sorted(set(findings), key=Finding.sort_key)
        return cls(
            path=path,
            paths=tuple(dict.fromkeys([path, *paths])),
            findings=tuple(unique),
            summary=summarise(unique),
        )

    def for_path(self, path: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.path == path)


def summarise(findings: Iterable[Finding]) -> Summary:
    """Count *findings* by severity."""
    items = list(findings)
    return Summary(
        errors=sum(f.severity == "error" for f in items),
        warnings=sum(f.severity == "warning" for f in items),
        info=sum(f.severity == "info" for f in items),
        fixable=sum(f.fixable for f in items),
        files=len({f.path for f in items}),
    )
