"""Read what a Markdown document claims about its concept map, with exact positions.

markdown-it-py finds the structure (headings, fences, tables and their rows, with
0-based ``.map`` line ranges); every value is then located on the original source line,
so a claim's ``start``/``end`` are character offsets into the text that ``--fix`` can
replace without touching anything else.

Claims read (each a :class:`Claim`, ``kind`` in brackets):

* header fields ``**Total Concepts:** 32`` [total-concepts], ``**Total Relationships:**``
  [total-relationships], ``**Central Concept:** X (11 connections)`` [central-concept,
  connections];
* "Relationship Statistics" bullets: total, "Most connected" [ranked-list, connections],
  "High-centrality" [connections, tier], "Strongest cluster" [cluster], "Bridge
  concepts" [bridge]; other bullets there are [unrecognised];
* the Concept Index table (Concept / Connections / Centrality) [index, connections, tier];
* the Relationship Matrix table (From / Relationship / To) [matrix, matrix-row];
* Concept Hierarchy trees [hierarchy-item, connections, tier], Learning Pathway steps and
  the Critical Path boxes [step];
* Diagram Key items that show a link token such as ``(`--o`)`` [legend];
* card fields ``**Concept:**`` + ``**Centrality:** Critical (11 connections)``, table cells
  such as ``Self-Attention (11)`` or ``High (BERT, GPT)``, and ``**Concept Map:** path``
  [map-reference] in sibling documents (flashcards, quizzes);
* what a card deck says about itself: ``**Total Cards:** 5`` [total-cards], ``**Distribution:**
  2 Easy | 2 Medium | 1 Hard`` [card-distribution], ``### Card 2 of 5 | Easy`` headings [card,
  card-of] and table cells ``Card 3 (Medium)`` [card-reference].

Every concept name also gives a [mention] claim, so unknown names are reported once.

>>> [c.kind for c in extract_claims("**Total Concepts:** 3\\n", path="m.md")]
['total-concepts']
>>> extract_claims("**Total Concepts:** 3\\n", path="m.md")[0].start
20
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field

from conceptmap.analysis.results import TIERS as _TIER_NAMES
from conceptmap.validate.names import split_compound

__all__ = [
    "CARD_LINE_RE",
    "TIERS",
    "Claim",
    "SourceText",
    "extract_claims",
    "iter_kind",
    "norm_key",
]

#: The tier words a document may use, lower case (the analysers' tiers).
TIERS = tuple(t.lower() for t in _TIER_NAMES)

_md = MarkdownIt("commonmark").enable("table")

_FIELD_RE = re.compile(
    r"^(?P<prefix>[ \t>]*(?:[-*+][ \t]+)?)\*\*(?P<key>[^*\n]+?)\*\*[ \t]*(?P<val>.*)$"
)
_BULLET_RE = re.compile(r"^[ \t>]*[-*+][ \t]+")
_COUNT_RE = re.compile(r"^\**\s*(\d+)\b")
_CONN_RE = re.compile(
    r"\(\s*(?P<n>\d+)\s*(?:connections?|links?|relationships?|edges?)?(?P<each>\s+each)?\s*\)",
    re.I,
)
_TIER_VALUE_RE = re.compile(
    r"^(?P<tier>[A-Za-z][\w-]*)\s*(?:\((?P<inner>[^()]*)\))?\s*(?P<rest>.*)$"
)
_ITEM_NUM_RE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<n>\d+)\s*(?:connections?)?\s*\)$", re.I)
_ITEM_DESC_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<desc>[^()]*)\)$")
_LINK_TOKEN_RE = re.compile(r"`\s*([<xo]?(?:-{2,}|={2,}|-?\.+-|~{3,})[->xo]?)\s*`")
_TREE_RE = re.compile(r"(?:├──|└──|\+--|`--|\|--)[─\- ]*")
_STEP_RE = re.compile(r"^(?P<indent>\s*)(?P<num>\d+)[.)]\s+(?P<body>\S.*?)\s*$")
_ANNOT_RE = re.compile(r"\s*\[(?P<inner>[^\[\]]*)\]\s*$")
_BOX_RE = re.compile(r"│([^│]*)│")


def norm_key(text: str) -> str:
    """A field or column name as a comparison key: ``**Total Concepts:**`` -> ``total concepts``."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


ClaimKind = str


class Claim(BaseModel):
    """One statement a document makes about the diagram."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: ClaimKind
    path: str
    line: int = Field(description="1-based line of the value.")
    column: int = Field(description="1-based column of the value.")
    start: int = Field(description="Offset of the value in the text.")
    end: int = Field(description="Offset just past the value.")
    value: str = Field("", description="The value as written (number, name, tier, token...).")
    number: int | None = None
    subjects: tuple[str, ...] = Field((), description="Concept names the claim is about.")
    each: bool = Field(False, description="'(N connections each)': N applies to every subject.")
    context: str = Field("", description="Where the claim was read (section, table...).")
    editable: bool = Field(True, description="The value span may be rewritten by --fix.")
    strict: bool = Field(True, description="For mentions: an unknown name is an error.")
    group: int = Field(0, description="Steps: which pathway; others: which list/table.")
    index: int = Field(0, description="Position inside the group.")
    relation: str | None = None
    target: str | None = None
    extra: tuple[str, ...] = ()
    items: tuple[tuple[int, int], ...] = Field(
        (), description="Lists: (start, end) offsets of each item as written, in order."
    )


@dataclass
class SourceText:
    """A document's text with line offsets (positions are computed once, here)."""

    path: str
    text: str
    lines: list[str] = field(init=False)
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")
        self.starts = []
        pos = 0
        for ln in self.lines:
            self.starts.append(pos)
            pos += len(ln) + 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


@dataclass
class _Builder:
    src: SourceText
    claims: list[Claim] = field(default_factory=list)
    groups: int = 0

    def add(self, kind: str, start: int, end: int, **kw: object) -> None:
        line, col = self.src.position(start)
        value = kw.pop("value", None)
        if value is None:
            value = self.src.text[start:end]
        self.claims.append(
            Claim(
                kind=kind,
                path=self.src.path,
                line=line,
                column=col,
                start=start,
                end=end,
                value=str(value),
                **kw,  # type: ignore[arg-type]
            )
        )

    def new_group(self) -> int:
        self.groups += 1
        return self.groups


# -- structure -----------------------------------------------------------------------------
@dataclass
class _Structure:
    headings: list[tuple[int, int, str]]  # (line0, level, title)
    fences: list[tuple[int, int, str]]  # (line0 of opening fence, end line0 exclusive, info)
    tables: list[tuple[int, list[int]]]  # (header line0, body row line0s)
    fenced: set[int]

    def section(self, line0: int) -> list[str]:
        """Titles of the headings enclosing *line0*, outermost first."""
        path: list[tuple[int, str]] = []
        for ln, level, title in self.headings:
            if ln > line0:
                break
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, title))
        return [t for _, t in path]


def _structure(text: str) -> _Structure:
    tokens = _md.parse(text)
    headings, fences, tables = [], [], []
    fenced: set[int] = set()
    table_start: int | None = None
    rows: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            title = tokens[i + 1].content if i + 1 < len(tokens) else ""
            headings.append((tok.map[0], int(tok.tag[1:]), title.strip()))
        elif tok.type in ("fence", "code_block") and tok.map:
            fences.append((tok.map[0], tok.map[1], tok.info.strip() if tok.type == "fence" else ""))
            fenced.update(range(tok.map[0], tok.map[1]))
        elif tok.type == "table_open" and tok.map:
            table_start, rows = tok.map[0], []
        elif tok.type == "tr_open" and tok.map and table_start is not None:
            if tok.map[0] != table_start:
                rows.append(tok.map[0])
        elif tok.type == "table_close" and table_start is not None:
            tables.append((table_start, rows))
            table_start = None
    return _Structure(headings, fences, tables, fenced)


# -- small parsers -------------------------------------------------------------------------
def _cells(src: SourceText, line0: int) -> list[tuple[str, int]]:
    """(stripped text, start offset) of each cell of a table row."""
    line = src.lines[line0]
    base = src.starts[line0]
    m = re.match(r"^[ \t>]*", line)
    i = m.end() if m else 0
    if i < len(line) and line[i] == "|":
        i += 1
    cells: list[tuple[str, int]] = []
    start = i
    in_code = False
    j = i
    while j <= len(line):
        ch = line[j] if j < len(line) else "|"
        if ch == "`":
            in_code = not in_code
        elif ch == "\\" and j + 1 < len(line):
            j += 2
            continue
        elif ch == "|" and not in_code:
            raw = line[start:j]
            lead = len(raw) - len(raw.lstrip())
            cells.append((raw.strip(), base + start + lead))
            start = j + 1
        j += 1
    if cells and cells[-1][0] == "" and line.rstrip().endswith("|"):
        cells.pop()
    return cells


def _unbold(text: str, start: int) -> tuple[str, int]:
    """Strip surrounding ``**``/``__``/``*`` markers; returns (inner, inner start)."""
    m = re.match(r"^([*_]+)\s*(.*?)\s*\1$", text)
    if m:
        return m.group(2), start + m.start(2)
    return text, start


def _split_items(value: str, start: int) -> list[tuple[str, int]]:
    """Comma-separated items at parenthesis depth 0, with their offsets."""
    items: list[tuple[str, int]] = []
    depth = 0
    begin = 0
    for i, ch in enumerate(value + ","):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "," and depth <= 0:
            raw = value[begin:i]
            lead = len(raw) - len(raw.lstrip())
            if raw.strip():
                items.append((raw.strip(), start + begin + lead))
            begin = i + 1
    return items


def _tier_of(word: str) -> str | None:
    w = word.lower().strip("*_ ")
    return w.capitalize() if w in TIERS else None


# -- extractors ----------------------------------------------------------------------------
def _count_field(b: _Builder, kind: str, val: str, vstart: int, context: str) -> None:
    m = _COUNT_RE.match(val)
    if m:
        b.add(kind, vstart + m.start(1), vstart + m.end(1), number=int(m.group(1)), context=context)
    else:
        b.add("unrecognised", vstart, vstart + len(val), context=context, extra=(kind,))


def _name_with_count(
    b: _Builder, val: str, vstart: int, *, kind: str, context: str, conn_context: str
) -> None:
    """``Name (11 connections)`` or ``Name``: a *kind* claim on the name plus its count."""
    m = _CONN_RE.search(val)
    name_end = m.start() if m else len(val)
    name = val[:name_end].rstrip()
    if not name:
        b.add("unrecognised", vstart, vstart + len(val), context=context)
        return
    b.add(kind, vstart, vstart + len(name), subjects=(name,), context=context)
    b.add("mention", vstart, vstart + len(name), subjects=(name,), context=context)
    if m:
        b.add(
            "connections",
            vstart + m.start("n"),
            vstart + m.end("n"),
            number=int(m.group("n")),
            subjects=(name,),
            context=conn_context,
        )


def _merge_uncounted(items: list[tuple[str, int]], text: str, start: int) -> list[tuple[str, int]]:
    """In a counted list, "Query, Key, Value (2)" is one item: join uncounted pieces."""
    if not any(_ITEM_NUM_RE.match(t) for t, _ in items):
        return items
    out: list[tuple[str, int]] = []
    pending: int | None = None
    for i, (t, p) in enumerate(items):
        begin = p if pending is None else pending
        if _ITEM_NUM_RE.match(t) or i == len(items) - 1:
            out.append((text[begin - start : p - start + len(t)], begin))
            pending = None
        else:
            pending = begin
    return out


def _item_list(b: _Builder, key: str, val: str, vstart: int, context: str) -> None:
    group = b.new_group()
    inner, istart = val, vstart
    braced = re.match(r"^\{([^{}]*)\}", val)
    if braced:
        inner, istart = braced.group(1), vstart + 1
        val = val[: braced.end()]
    items = _merge_uncounted(_split_items(inner, istart), inner, istart)
    spans = tuple((ist, ist + len(item)) for item, ist in items)
    names: list[str] = []
    for idx, (item, ist) in enumerate(items):
        item_core, core_start = _unbold(item, ist)
        m = _ITEM_NUM_RE.match(item_core)
        d = _ITEM_DESC_RE.match(item_core)
        md = m or d
        name = md.group("name") if md else item_core
        name = name.strip()
        names.append(name)
        b.add("mention", core_start, core_start + len(name), subjects=(name,), context=context)
        if key == "bridge":
            b.add("bridge", core_start, core_start + len(name), subjects=(name,), context=context)
        if m:
            b.add(
                "connections",
                core_start + m.start("n"),
                core_start + m.end("n"),
                number=int(m.group("n")),
                subjects=(name,),
                context=context,
                group=group,
                index=idx,
            )
        if key == "high":
            b.add(
                "tier",
                core_start,
                core_start + len(name),
                value="High",
                subjects=(name,),
                context=context,
                editable=False,
            )
    if key == "ranked" and names:
        b.add(
            "ranked-list",
            vstart,
            vstart + len(val),
            subjects=tuple(names),
            context=context,
            items=spans,
        )
    if key == "cluster" and names:
        b.add("cluster", vstart, vstart + len(val), subjects=tuple(names), context=context)


def _centrality_field(
    b: _Builder, val: str, vstart: int, subjects: tuple[str, ...], context: str
) -> None:
    m = _TIER_VALUE_RE.match(val)
    tier = _tier_of(m.group("tier")) if m else None
    if m is None or tier is None or not subjects:
        b.add("unrecognised", vstart, vstart + len(val), context=context, extra=("centrality",))
        return
    each = len(subjects) == 1 or bool(re.search(r"\beach\b", val, re.I))
    b.add(
        "tier",
        vstart,
        vstart + len(m.group("tier")),
        value=tier,
        subjects=subjects,
        context=context,
        each=each,
    )
    inner = m.group("inner")
    if inner is not None:
        cm = _CONN_RE.search(val)
        if cm:
            b.add(
                "connections",
                vstart + cm.start("n"),
                vstart + cm.end("n"),
                number=int(cm.group("n")),
                subjects=subjects,
                each=bool(cm.group("each")) or len(subjects) == 1,
                context=context,
            )


_HEADER_KEYS = {
    "total concepts": "total-concepts",
    "concepts": "total-concepts",
    "total nodes": "total-concepts",
    "total relationships": "total-relationships",
    "relationships": "total-relationships",
    "total edges": "total-relationships",
    "total links": "total-relationships",
    "central concept": "central",
    "core concept": "central",
    "most connected": "ranked",
    "most connected concepts": "ranked",
    "high centrality": "high",
    "high centrality concepts": "high",
    "strongest cluster": "cluster",
    "bridge concepts": "bridge",
    "bridges": "bridge",
    "concept": "concept",
    "concepts covered": "concept",
    "centrality": "centrality",
    "concept map": "map",
    "total cards": "total-cards",
    "number of cards": "total-cards",
    "cards": "total-cards",
    "distribution": "distribution",
    "difficulty distribution": "distribution",
    "difficulty": "distribution",
}


def _fields(b: _Builder, st: _Structure) -> None:
    src = b.src
    subjects: tuple[str, ...] = ()
    subject_section: tuple[str, ...] = ()
    for line0, line in enumerate(src.lines):
        if line0 in st.fenced or "**" not in line:
            continue
        m = _FIELD_RE.match(line)
        if not m:
            continue
        key = norm_key(m.group("key"))
        val = m.group("val")
        vstart = src.starts[line0] + m.start("val")
        # "**Key**: value" puts the colon after the bold text.
        stripped = val.lstrip(": \t")
        vstart += len(val) - len(stripped)
        val = stripped.rstrip()
        section = tuple(st.section(line0))
        in_stats = any("statistic" in norm_key(t) for t in section)
        context = "relationship statistics" if in_stats else "header"
        what = _HEADER_KEYS.get(key)
        if what is None:
            if in_stats and _BULLET_RE.match(line):
                b.add(
                    "unrecognised",
                    vstart,
                    vstart + len(val),
                    context=context,
                    extra=(m.group("key").strip(": "),),
                )
            continue
        if not val:
            continue
        if what in ("total-concepts", "total-relationships"):
            if key in ("concepts", "relationships") and not _COUNT_RE.match(val):
                continue  # "**Concepts:** Attention, ..." is a list, not a count
            _count_field(b, what, val, vstart, context)
        elif what == "central":
            _name_with_count(
                b, val, vstart, kind="central-concept", context=context, conn_context=context
            )
        elif what in ("ranked", "high", "cluster", "bridge"):
            _item_list(b, what, val, vstart, context)
        elif what == "concept":
            subjects = tuple(split_compound(_strip_md(val)))
            subject_section = section
            for name in subjects:
                pos = val.find(name)
                s = vstart + max(pos, 0)
                b.add("mention", s, s + len(name), subjects=(name,), context="card", strict=False)
        elif what == "centrality":
            subj = subjects if subject_section == section else ()
            _centrality_field(b, val, vstart, subj, "card")
        elif what == "map":
            path = val.strip("`<> ")
            s = vstart + val.find(path)
            b.add("map-reference", s, s + len(path), context=context)
        elif what == "total-cards":
            if _COUNT_RE.match(val):
                _count_field(b, what, val, vstart, "header")
        elif what == "distribution":
            _distribution(b, val, vstart)


def _strip_md(text: str) -> str:
    return re.sub(r"[*_`]+", "", text).strip()


def _tables(b: _Builder, st: _Structure) -> None:
    src = b.src
    for head0, rows in st.tables:
        header = [norm_key(c) for c, _ in _cells(src, head0)]
        section = " / ".join(st.section(head0))

        def find(*names: str, header: list[str] = header) -> int | None:
            for i, h in enumerate(header):
                if h in names:
                    return i
            return None

        c_from, c_to = find("from", "source"), find("to", "target")
        c_rel = find("relationship", "relation", "link", "linking phrase", "verb", "phrase")
        c_con = find("concept", "concepts", "node", "name")
        c_deg = find("connections", "degree", "links", "relationships")
        c_tier = find("centrality", "tier", "centrality tier")
        if c_from is not None and c_to is not None and c_rel is not None:
            b.add(
                "matrix",
                src.starts[head0],
                src.starts[head0] + len(src.lines[head0]),
                context=section,
            )
            for r0 in rows:
                cells = _cells(src, r0)
                if max(c_from, c_to, c_rel) >= len(cells):
                    continue
                s_txt, s_pos = _unbold(*cells[c_from])
                rel, _ = _unbold(*cells[c_rel])
                t_txt, t_pos = _unbold(*cells[c_to])
                if not s_txt or not t_txt:
                    continue
                b.add(
                    "matrix-row",
                    s_pos,
                    s_pos + len(s_txt),
                    subjects=(s_txt,),
                    relation=rel,
                    target=t_txt,
                    context=section,
                    extra=(str(t_pos),),
                )
            continue
        if c_con is not None and c_deg is not None:
            group = b.new_group()
            names = []
            for idx, r0 in enumerate(rows):
                cells = _cells(src, r0)
                if c_con >= len(cells):
                    continue
                name, npos = _unbold(*cells[c_con])
                if not name:
                    continue
                names.append(name)
                b.add("mention", npos, npos + len(name), subjects=(name,), context="index")
                if c_deg < len(cells):
                    text, pos = _unbold(*cells[c_deg])
                    m = re.fullmatch(r"(\d+)", text)
                    if m:
                        b.add(
                            "connections",
                            pos,
                            pos + len(text),
                            number=int(text),
                            subjects=(name,),
                            context="index",
                            group=group,
                            index=idx,
                        )
                    elif text and text not in ("-", "—", "–", "n/a", "N/A", "?"):
                        b.add(
                            "unrecognised",
                            pos,
                            pos + len(text),
                            context="index",
                            extra=("connections",),
                        )
                if c_tier is not None and c_tier < len(cells):
                    text, pos = _unbold(*cells[c_tier])
                    tier = _tier_of(text)
                    if tier:
                        b.add(
                            "tier",
                            pos,
                            pos + len(text),
                            value=tier,
                            subjects=(name,),
                            context="index",
                        )
                    elif text and text not in ("-", "—", "–"):
                        b.add(
                            "unrecognised",
                            pos,
                            pos + len(text),
                            context="index",
                            extra=("centrality",),
                        )
            b.add(
                "index",
                src.starts[head0],
                src.starts[head0] + len(src.lines[head0]),
                subjects=tuple(names),
                context=section,
            )
            continue
        # Any other table: "Name (N)" cells, "Tier (A, B)" cells and "Card 3 (Medium)".
        for r0 in rows:
            for ci, (text, pos) in enumerate(_cells(src, r0)):
                h = header[ci] if ci < len(header) else ""
                if not _card_reference(b, text, pos, section):
                    _generic_cell(b, text, pos, h)


def _generic_cell(b: _Builder, text: str, pos: int, header: str) -> None:
    if "(" not in text:
        return
    concept_col = any(w in header.split() for w in ("concept", "node", "concepts", "nodes"))
    tier_col = any(w in header.split() for w in ("centrality", "tier"))
    items = _split_items(text, pos)
    parsed = [(_ITEM_NUM_RE.match(t), t, p) for t, p in items]
    if parsed and all(m is not None for m, _, _ in parsed):
        for m, _text, p in parsed:
            assert m is not None
            name = m.group("name").strip()
            b.add(
                "mention", p, p + len(name), subjects=(name,), context="table", strict=concept_col
            )
            b.add(
                "connections",
                p + m.start("n"),
                p + m.end("n"),
                number=int(m.group("n")),
                subjects=(name,),
                context="table",
                strict=concept_col,
            )
        return
    if tier_col:
        m = re.fullmatch(r"(?P<tier>[A-Za-z]+)\s*\((?P<inner>[^()]*)\)", text)
        if not m:
            return
        tier = _tier_of(m.group("tier"))
        if tier is None:
            b.add("unrecognised", pos, pos + len(text), context="table", extra=("centrality",))
            return
        inner_start = pos + m.start("inner")
        for name, p in _split_items(m.group("inner"), inner_start):
            b.add("mention", p, p + len(name), subjects=(name,), context="table")
            b.add(
                "tier",
                p,
                p + len(name),
                value=tier,
                subjects=(name,),
                context="table",
                editable=False,
            )


# -- study material: what a card deck says about itself ----------------------------------------
#: Difficulty words a card deck may use (lower case).
LEVELS = ("easy", "medium", "hard", "beginner", "intermediate", "advanced", "basic", "expert")
_CARD_START = r"^[ \t]{0,3}#{1,6}[ \t]+[*_]*(?:flash)?card[ \t]*#?[ \t]*"
_CARD_HEADING_RE = re.compile(
    _CARD_START + r"(?P<n>\d+)\b(?:[ \t]*(?:of|/)[ \t]*(?P<of>\d+)\b)?(?P<rest>.*)$", re.I
)
#: A line that starts like a card heading: the cheap test before parsing a whole note.
CARD_LINE_RE = re.compile(_CARD_START + r"\d", re.I | re.M)
#: A level at the end of a card heading: ``| Easy``, ``(Easy)``, ``[Hard]``, ``- Medium``.
_LEVEL_TAIL_RE = re.compile(r"(?:^|[|(\[:–—-])[ \t]*(?P<level>[A-Za-z]+)[ \t]*[)\]]?[ \t*_]*$")
_CARD_REF_RE = re.compile(
    r"(?:flash)?card[ \t]*#?[ \t]*(?P<n>\d+)(?:[ \t]*\([ \t]*(?P<level>[A-Za-z]+)[ \t]*\))?",
    re.I,
)
_DIST_ITEM_RE = re.compile(
    r"[ \t*_]*(?:(?P<n>\d+)[ \t]*(?P<level>[A-Za-z]+)|(?P<level2>[A-Za-z]+)[ \t]*(?::|\()[ \t]*"
    r"(?P<n2>\d+)[ \t]*\)?)[ \t*_]*"
)


def _section_level(titles: list[str]) -> tuple[str, str] | None:
    """The level of an enclosing ``## Easy Cards`` / ``## Hard`` section: (lower, as written)."""
    for title in reversed(titles):
        words = norm_key(title).split()
        if words and words[0] in LEVELS and words[1:] in ([], ["cards"], ["card"], ["questions"]):
            m = re.search(r"[A-Za-z]+", title)
            return words[0], m.group() if m else words[0]
    return None


def _cards(b: _Builder, st: _Structure) -> None:
    """``### Card 2 of 5 | Easy`` headings: [card] (its number; level in ``extra``) and
    [card-of] (the 5). A heading without a level takes its section's (``## Easy Cards``)."""
    src = b.src
    for line0, _level, _title in st.headings:
        line = src.lines[line0]
        m = _CARD_HEADING_RE.match(line)
        if m is None:
            continue
        base = src.starts[line0]
        tail = _LEVEL_TAIL_RE.search(m.group("rest"))
        level: tuple[str, str] | None
        if tail and tail.group("level").lower() in LEVELS:
            level = tail.group("level").lower(), tail.group("level")
        else:
            level = _section_level(st.section(line0)[:-1])
        b.add(
            "card",
            base + m.start("n"),
            base + m.end("n"),
            number=int(m.group("n")),
            extra=level or ("", ""),
            context="card heading",
        )
        if m.group("of"):
            b.add(
                "card-of",
                base + m.start("of"),
                base + m.end("of"),
                number=int(m.group("of")),
                context="card heading",
            )


def _distribution(b: _Builder, val: str, vstart: int) -> None:
    """``**Distribution:** 2 Easy | 2 Medium | 1 Hard``: one [card-distribution] per level
    (the count's span; the level in ``extra``). Anything else is not about cards: skipped."""
    items = []
    pos = 0
    for part in re.split(r"[|,;/]", val):
        m = _DIST_ITEM_RE.fullmatch(part)
        if m is None:
            return
        level = (m.group("level") or m.group("level2")).lower()
        if level not in LEVELS:
            return
        g = "n" if m.group("n") else "n2"
        items.append((vstart + pos + m.start(g), vstart + pos + m.end(g), int(m.group(g)), level))
        pos += len(part) + 1
    for start, end, n, level in items:
        b.add("card-distribution", start, end, number=n, extra=(level,), context="header")


def _card_reference(b: _Builder, text: str, pos: int, section: str) -> bool:
    """A table cell ``Card 3`` or ``Card 3 (Medium)``: a [card-reference] (the level's span in
    ``items``, when there is one). False when the cell is something else."""
    inner, ipos = _unbold(text, pos)
    m = _CARD_REF_RE.fullmatch(inner)
    if m is None:
        return False
    level = m.group("level")
    if level is not None and level.lower() not in LEVELS:
        return False
    b.add(
        "card-reference",
        ipos + m.start("n"),
        ipos + m.end("n"),
        number=int(m.group("n")),
        extra=(level.lower(), level) if level else ("", ""),
        items=((ipos + m.start("level"), ipos + m.end("level")),) if level else (),
        context=section,
    )
    return True


def _fence_lines(st: _Structure, src: SourceText, start0: int, end0: int) -> range:
    """0-based lines of a fence's content (without the fences)."""
    last = end0 - 1
    closing = src.lines[last].strip() if last < len(src.lines) else ""
    if closing.startswith(("```", "~~~")) and last > start0:
        return range(start0 + 1, last)
    return range(start0 + 1, end0)


def _hierarchy(b: _Builder, lines: range) -> None:
    src = b.src
    group = b.new_group()
    for line0 in lines:
        line = src.lines[line0]
        m = _TREE_RE.search(line)
        if not m:
            continue
        depth = m.start() // 4 + 1
        body = line[m.end() :].rstrip()
        body_start = src.starts[line0] + m.end()
        annot = _ANNOT_RE.search(body)
        name = body[: annot.start()].rstrip() if annot else body
        if not name or depth != 2:
            continue
        b.add(
            "hierarchy-item",
            body_start,
            body_start + len(name),
            subjects=(name,),
            context="hierarchy",
            group=group,
            index=line0,
        )
        if not annot:
            continue
        inner = annot.group("inner")
        inner_start = body_start + annot.start("inner")
        b.add("mention", body_start, body_start + len(name), subjects=(name,), context="hierarchy")
        for tm in re.finditer(r"[A-Za-z]+", inner):
            tier = _tier_of(tm.group())
            if tier:
                b.add(
                    "tier",
                    inner_start + tm.start(),
                    inner_start + tm.end(),
                    value=tier,
                    subjects=(name,),
                    context="hierarchy",
                )
                break
        cm = re.search(r"(\d+)\s*(?:connections?|links?)", inner, re.I)
        if cm:
            b.add(
                "connections",
                inner_start + cm.start(1),
                inner_start + cm.end(1),
                number=int(cm.group(1)),
                subjects=(name,),
                context="hierarchy",
            )


def _steps(b: _Builder, lines: range, context: str) -> None:
    src = b.src
    group = b.new_group()
    for line0 in lines:
        m = _STEP_RE.match(src.lines[line0])
        if not m:
            continue
        body = m.group("body")
        # The step's name ends where a wide gap starts its description.
        name = re.split(r"\s{2,}|\t", body, maxsplit=1)[0].rstrip()
        s = src.starts[line0] + m.start("body")
        b.add(
            "step",
            s,
            s + len(name),
            subjects=(name,),
            context=context,
            group=group,
            index=int(m.group("num")),
        )


def _boxes(b: _Builder, lines: range, context: str) -> None:
    """A row of ``┌──┐ ─► ┌──┐`` boxes: each box's first text lines are one step."""
    src = b.src
    group = b.new_group()
    boxes: dict[int, list[tuple[str, int]]] = {}
    closed: set[int] = set()
    for line0 in lines:
        line = src.lines[line0]
        for idx, m in enumerate(_BOX_RE.finditer(line)):
            text = m.group(1)
            if idx in closed:
                continue
            if not text.strip():
                if boxes.get(idx):
                    closed.add(idx)
                continue
            lead = len(text) - len(text.lstrip())
            boxes.setdefault(idx, []).append((text.strip(), src.starts[line0] + m.start(1) + lead))
    for idx in sorted(boxes):
        parts = boxes[idx]
        name = ""
        for text, _ in parts:
            if text.startswith(('"', "“")):
                break
            name = name + text if (not name or name.endswith(("-", "/"))) else f"{name} {text}"
        if not name:
            continue
        start = parts[0][1]
        b.add(
            "step",
            start,
            start + len(parts[0][0]),
            value=name,
            subjects=(name,),
            context=context,
            group=group,
            index=idx + 1,
            editable=False,
        )


def _code_blocks(b: _Builder, st: _Structure) -> None:
    src = b.src
    for start0, end0, info in st.fences:
        if info.split()[:1] and info.split()[0].lower() in ("mermaid", "{mermaid}"):
            continue
        section = st.section(start0)
        keys = [norm_key(t) for t in section]
        lines = _fence_lines(st, src, start0, end0)
        title = section[-1] if section else ""
        if keys and "hierarchy" in keys[-1]:
            _hierarchy(b, lines)
        elif keys and "critical path" in keys[-1]:
            if any("│" in src.lines[i] for i in lines):
                _boxes(b, lines, title)
            else:
                _steps(b, lines, title)
        elif any("pathway" in k for k in keys):
            _steps(b, lines, title)


def _legend(b: _Builder, st: _Structure) -> None:
    src = b.src
    for line0, line in enumerate(src.lines):
        if line0 in st.fenced or not _BULLET_RE.match(line) or "`" not in line:
            continue
        toks = list(_LINK_TOKEN_RE.finditer(line))
        if not toks:
            continue
        after = line[line.rfind("`") + 1 :]
        if ":" not in after:
            continue
        bullet = _BULLET_RE.match(line)
        assert bullet is not None
        before = line[bullet.end() : toks[0].start()]
        description = after.split(":", 1)[1]
        for tm in toks:
            s = src.starts[line0] + tm.start(1)
            b.add(
                "legend",
                s,
                s + len(tm.group(1)),
                value=tm.group(1),
                context="legend",
                extra=(_strip_md(before), _strip_md(description)),
            )


def extract_claims(text: str, *, path: str = "<string>") -> list[Claim]:
    """Every claim of the Markdown *text*, in document order.

    *text* must use ``\\n`` newlines (as :class:`conceptmap.parse.Document` ``.text`` does);
    offsets are into that text.
    """
    src = SourceText(path, text)
    st = _structure(text)
    b = _Builder(src)
    _fields(b, st)
    _tables(b, st)
    _cards(b, st)
    _code_blocks(b, st)
    _legend(b, st)
    return sorted(b.claims, key=lambda c: (c.start, c.end, c.kind))


def iter_kind(claims: list[Claim], *kinds: str) -> Iterator[Claim]:
    """The claims of the given kinds."""
    return (c for c in claims if c.kind in kinds)
