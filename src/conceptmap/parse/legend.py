"""Relationship kinds: the default legend and the document's own "Diagram Key".

A concept-map document often explains its link styles, e.g.::

    - **Solid arrows (`==>`):** Primary/defining relationships
    - **Dashed arrows (`-.->`):** Secondary/optional relationships
    - **Diamond arrows (`--o`):** Has-part/contains

Each such line maps a link *signature* (stroke + end marker) to a kind. Without a legend:

============================  ==========
link                          kind
============================  ==========
``~~~``                       invisible
``--o``, ``==o``, ``-.-o``    has-part
``==>``, ``===`` (thick)      primary
``-.->``, ``-.-`` (dotted)    secondary
anything else (``-->``, ...)  plain
============================  ==========
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_KINDS", "kind_of", "parse_legend", "signature"]

DEFAULT_KINDS = ("primary", "secondary", "has-part", "plain", "invisible")

_TOKEN_RE = re.compile(r"`\s*([<xo]?(?:-{2,}|={2,}|-?\.+-|~{3,})[->xo]?)\s*`")
_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(.*)$")


def signature(stroke: str, head: str) -> str:
    """A legend key such as ``thick:arrow`` or ``normal:circle``."""
    return f"{stroke}:{head}"


def _token_signature(tok: str) -> str | None:
    tok = tok.strip()
    if tok.startswith("~"):
        return signature("invisible", "none")
    body = tok.lstrip("<xo") or tok
    end = body[-1]
    head = {">": "arrow", "o": "circle", "x": "cross"}.get(end, "none")
    if "=" in body:
        stroke = "thick"
    elif "." in body:
        stroke = "dotted"
    else:
        stroke = "normal"
    return signature(stroke, head)


def _kind_from_text(desc: str) -> str | None:
    d = desc.strip().strip("*:_ ").lower()
    if not d:
        return None
    first = re.split(r"[/,;()]|\s+-\s+|\s+", d, maxsplit=1)[0].strip("*:_ .")
    if first.startswith("primar") or first in ("defining", "strong", "main"):
        return "primary"
    if first.startswith("secondar") or first in ("optional", "weak"):
        return "secondary"
    if first in ("has-part", "part-of", "contains", "has", "part", "composition", "component"):
        return "has-part"
    first = re.sub(r"[^a-z0-9-]+", "-", first).strip("-")
    return first or None


def parse_legend(markdown: str) -> dict[str, str]:
    """Map link signatures to kinds from list items that show a link token in backticks.

    >>> parse_legend("- **Solid arrows (`==>`):** Primary relationships")
    {'thick:arrow': 'primary'}
    """
    legend: dict[str, str] = {}
    for line in _lines_with_backticks(markdown):
        m = _ITEM_RE.match(line)
        if not m:
            continue
        item = m.group(1)
        toks = _TOKEN_RE.findall(item)
        if not toks:
            continue
        # The description follows the last ':' after the token, e.g. "(`==>`):** Primary".
        after = item[item.rfind("`") + 1 :]
        if ":" not in after:
            continue
        kind = _kind_from_text(after.split(":", 1)[1])
        if kind is None:
            continue
        for tok in toks:
            sig = _token_signature(tok)
            if sig:
                legend[sig] = kind
    return legend


def _lines_with_backticks(text: str) -> list[str]:
    """The lines of ``text.splitlines()`` that hold a backtick, in order, found with
    ``str.find`` from one backtick to the next: a 230,000-line diagram has none, and
    splitting all of it took 0.03 s. Each stretch between newlines around a backtick is
    split the way ``splitlines`` splits (other line breaks, ``\r\n``)."""
    out: list[str] = []
    at = text.find("`")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            end = len(text)
        out.extend(line for line in text[start:end].splitlines() if "`" in line)
        at = text.find("`", end)
    return out


def kind_of(stroke: str, head: str, tail: str, legend: dict[str, str] | None = None) -> str:
    """The kind of a link, from the document's legend if it names it, else the default."""
    if legend:
        k = legend.get(signature(stroke, head))
        if k is not None:
            return k
    if stroke == "invisible":
        return "invisible"
    if head == "circle" or tail == "circle":
        return "has-part"
    if stroke == "thick":
        return "primary"
    if stroke == "dotted":
        return "secondary"
    return "plain"
