"""Check what a concept-map document claims about its own diagram.

``validate_document(doc)`` reads the claims of a parsed document (and of sibling
documents such as flashcards that describe the same map), runs every selected rule of
:data:`RULES`, and returns a :class:`ValidationResult`; ``fix_document(text, result)``
rewrites the declared values that are wrong.

>>> from conceptmap.parse import Document
>>> from conceptmap.model import Concept, ConceptMap, Relationship
>>> cmap = ConceptMap(concepts=(Concept(id="A", label="Attention"),
...                             Concept(id="B", label="Softmax")),
...                   relationships=(Relationship(id="e", source="A", target="B"),))
>>> text = "**Total Concepts:** 3\\n"
>>> result = validate_document(Document(path="m.md", text=text, maps=(cmap,)))
>>> [(f.code, f.declared, f.actual) for f in result.findings]
[('CM101', '3', '2')]
>>> fix_document(text, result)
'**Total Concepts:** 2\\n'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from conceptmap.model import ConceptMap
from conceptmap.validate.claims import CARD_LINE_RE, Claim, extract_claims
from conceptmap.validate.config import ValidateConfig, load_config, rule_selected
from conceptmap.validate.findings import Finding, Summary, ValidationResult
from conceptmap.validate.fix import fix_document
from conceptmap.validate.rules import RULES, Context, Rule

__all__ = [
    "RULES",
    "Claim",
    "Finding",
    "Rule",
    "Summary",
    "ValidateConfig",
    "ValidationResult",
    "document_claims",
    "extract_claims",
    "fix_document",
    "is_card_deck",
    "load_config",
    "rule_by_name",
    "text_pair",
    "validate_cards",
    "validate_document",
]

#: The rules that need no diagram: what a card deck says about itself (CM8xx).
CARD_RULES = tuple(r for r in RULES if r.code.startswith("CM8"))


class _TextLike(Protocol):
    path: str
    text: str


def rule_by_name(name: str) -> Rule | None:
    """The rule with this name or code."""
    for r in RULES:
        if name in (r.name, r.code):
            return r
    return None


def text_pair(s: Any) -> tuple[str, str]:
    """``(path, text)`` of a document given as a pair or as an object with ``path`` and
    ``text``; newlines normalised to ``\\n`` (claims and findings count lines by them)."""
    if isinstance(s, tuple):
        return str(s[0]), str(s[1]).replace("\r\n", "\n").replace("\r", "\n")
    return str(s.path), str(s.text).replace("\r\n", "\n").replace("\r", "\n")


def _mermaid_blocks(doc: Any, block: int) -> list[tuple[int, str]]:
    """(first file line, Mermaid text) of the map's block: the parser's, when it kept it."""
    blocks = getattr(doc, "blocks", ())
    if block < len(blocks):
        return [(blocks[block].first_line, blocks[block].text)]
    if not getattr(doc, "is_markdown", True):
        return [(1, doc.text)]
    from conceptmap.parse.markdown import find_mermaid_blocks  # a Document built by hand

    found = find_mermaid_blocks(doc.text)[block : block + 1]
    return [(b.first_line, b.text) for b in found]


def document_claims(doc: Any, siblings: Iterable[_TextLike | tuple[str, str]] = ()) -> list[Claim]:
    """The claims of *doc* (a Markdown document) and of its *siblings*, in file order."""
    claims: list[Claim] = []
    if getattr(doc, "is_markdown", True):
        claims.extend(extract_claims(doc.text, path=doc.path))
    for s in siblings:
        path, text = text_pair(s)
        claims.extend(c for c in extract_claims(text, path=path) if c.kind != "map-reference")
    return claims


def validate_document(
    doc: Any,
    *,
    siblings: Iterable[_TextLike | tuple[str, str]] = (),
    relations: Any = None,
    config: ValidateConfig | None = None,
    block: int = 0,
    claims: list[Claim] | None = None,
    clusters: Any = None,
    sources: Iterable[_TextLike | tuple[str, str]] = (),
) -> ValidationResult:
    """Every finding for the map of *doc* and the *siblings* that describe it.

    Parameters
    ----------
    doc
        A :class:`conceptmap.parse.Document` (``path``, ``text``, ``maps``).
    siblings
        Documents that describe the same map (objects with ``path`` and ``text``, or
        ``(path, text)`` pairs), e.g. flashcards whose ``**Concept Map:**`` names it.
    relations
        A relation vocabulary with ``prerequisite_end(label)``; default: the analysers'.
    config
        Which rules run (``select``/``ignore``).
    block
        Which flowchart of the document is "the diagram" (0-based).
    claims
        :func:`document_claims` of *doc* and *siblings*, when the caller has them already.
    clusters
        The map's :func:`~conceptmap.analysis.clusters` result, when the caller has it
        already (cluster claims are checked against it; default: Louvain, seed 0).
    sources
        The notes the map's ``**Source:**`` line names (objects with ``path`` and ``text``,
        or pairs), when the caller found them: every concept should be mentioned in them.

    Returns
    -------
    ValidationResult
        Findings sorted by (path, line, column, code), with a summary.
    """
    cmap = doc.maps[block]
    texts = {doc.path: doc.text}
    texts.update(text_pair(s) for s in siblings)
    if claims is None:
        claims = document_claims(doc, siblings)
    ctx = Context(
        cmap=cmap,
        path=doc.path,
        claims=claims,
        texts=texts,
        relations=relations,
        mermaid_blocks=_mermaid_blocks(doc, block),
        known_clusters=clusters,
        sources=[text_pair(s) for s in sources],
    )
    findings: list[Finding] = []
    for rule in RULES:
        if rule_selected(config, rule.name, rule.code):
            findings.extend(rule.run(ctx))
    return ValidationResult.from_findings(findings, path=doc.path, paths=list(texts))


def is_card_deck(text: str, *, path: str = "<string>") -> bool:
    """Whether the Markdown *text* has card headings (``### Card 1 of 5 | Easy``).

    >>> is_card_deck("## Easy\\n\\n### Card 1 of 1\\nFront\\n"), is_card_deck("# Notes\\n")
    (True, False)
    """
    if CARD_LINE_RE.search(text) is None:  # most notes: no Markdown parse needed
        return False
    return any(c.kind == "card" for c in extract_claims(text, path=path))


def validate_cards(
    text: str, *, path: str = "<string>", config: ValidateConfig | None = None
) -> ValidationResult:
    """The card-deck rules alone (CM8xx), for a deck with no map to check it against.

    What a deck says about itself (``**Total Cards:**``, ``Card 2 of 5``, the distribution
    of levels, the cards its tables name) needs no diagram; its claims about a map are
    left unchecked.

    >>> r = validate_cards("**Total Cards:** 2\\n\\n### Card 1 of 1\\nFront\\n", path="d.md")
    >>> [(f.code, f.declared, f.actual) for f in r.findings]
    [('CM801', '2', '1')]
    """
    ctx = Context(
        cmap=ConceptMap(), path=path, claims=extract_claims(text, path=path), texts={path: text}
    )
    findings: list[Finding] = []
    for rule in CARD_RULES:
        if rule_selected(config, rule.name, rule.code):
            findings.extend(rule.run(ctx))
    return ValidationResult.from_findings(findings, path=path, paths=[path])
