"""Apply the fixable findings' replacements to a document's text.

Only the declared values change: every other character of the file, newline style
(``\\r\\n`` included) and the diagram, stays byte for byte. Replacements are applied back
to front; where two overlap, the wider one wins (it already contains the other's value).

>>> from conceptmap.validate.findings import Finding, ValidationResult
>>> f = Finding(rule="total-concepts", code="CM101", severity="error", path="m.md", line=1,
...             column=21, message="", fixable=True, start=20, end=22, replacement="3")
>>> fix_document("**Total Concepts:** 32\\n", ValidationResult.from_findings([f], path="m.md"))
'**Total Concepts:** 3\\n'
"""

from __future__ import annotations

from conceptmap.validate.findings import Finding, ValidationResult

__all__ = ["fix_document", "planned_edits"]


def planned_edits(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, replacement)`` edits, sorted by start."""
    edits = {
        (f.start, f.end, f.replacement)
        for f in findings
        if f.fixable and f.start is not None and f.end is not None and f.replacement is not None
    }
    chosen: list[tuple[int, int, str]] = []
    for start, end, rep in sorted(edits, key=lambda e: (-(e[1] - e[0]), e[0], e[2])):
        if any(start < e and s < end or (start == s and end == e) for s, e, _ in chosen):
            continue
        chosen.append((start, end, rep))
    return sorted(chosen)


def _offset_map(text: str) -> list[int] | None:
    """For a text with ``\\r`` newlines: original offset of each ``\\n``-normalised offset."""
    if "\r" not in text:
        return None
    out: list[int] = []
    i = 0
    while i < len(text):
        out.append(i)
        i += 2 if text.startswith("\r\n", i) else 1
    out.append(len(text))
    return out


def fix_document(text: str, result: ValidationResult, *, path: str | None = None) -> str:
    """*text* with the fixable findings for *path* (default: the map's) applied.

    Offsets in findings refer to the ``\\n``-normalised text; *text* may use ``\\r\\n``.
    """
    target = result.path if path is None else path
    edits = planned_edits([f for f in result.findings if f.path == target])
    if not edits:
        return text
    omap = _offset_map(text)
    out = text
    for start, end, rep in reversed(edits):
        if omap is not None:
            start, end = omap[start], omap[end]
        out = out[:start] + rep + out[end:]
    return out
