"""The validation rules: one function per rule, registered in :data:`RULES`.

Each rule has a stable kebab-case ``name``, a stable ``code`` (``CM1xx`` statistics,
``CM2xx`` names and claims, ``CM3xx`` relationship matrix, ``CM4xx`` hierarchy and
pathways, ``CM5xx`` diagram key, ``CM6xx`` diagram hygiene), a severity and whether
``--fix`` can rewrite what it finds. A rule takes a :class:`Context` and yields
:class:`~conceptmap.validate.findings.Finding` objects. docs/validate-rules.md describes
every rule with an example.

>>> [r.code for r in RULES][:3]
['CM101', 'CM102', 'CM103']
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from conceptmap.analysis.centrality import tier_for
from conceptmap.analysis.clusters import clusters
from conceptmap.analysis.names import NAMED, name_list
from conceptmap.analysis.relations import RelationVocabulary, default_relations
from conceptmap.analysis.results import TIERS, ClusterResult
from conceptmap.analysis.stats import concept_degrees
from conceptmap.labels import plural
from conceptmap.validate.claims import Claim
from conceptmap.validate.findings import SEVERITIES, Finding, Severity
from conceptmap.validate.names import Match, NameMatcher, split_compound
from conceptmap.validate.sources import Notes

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap, Relationship

__all__ = ["RULES", "Context", "Rule", "connections", "phrase_key", "tier_steps"]


# -- shared computations ----------------------------------------------------------------------
#: Each concept's "connections", as documents count them: its degree (see
#: :func:`~conceptmap.analysis.stats.concept_degrees`).
connections = concept_degrees


def phrase_key(text: str | None) -> str:
    """A linking phrase for comparison: ``Implemented-By`` and ``implemented by`` agree.

    >>> phrase_key("Implemented-By") == phrase_key("implemented by")
    True
    """
    if not text:
        return ""
    ws = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in ws
    )


_KIND_PHRASES = {
    "has-part": {"has part", "ha part", "contain", "part", "consist of", "include", "compose"},
}


def _signature(token: str) -> str:
    tok = token.strip()
    if tok.startswith("~"):
        return "invisible:none"
    body = tok.lstrip("<xo") or tok
    head = {">": "arrow", "o": "circle", "x": "cross"}.get(body[-1], "none")
    stroke = "thick" if "=" in body else "dotted" if "." in body else "normal"
    return f"{stroke}:{head}"


@dataclass
class Context:
    """Everything a rule looks at: the diagram, the claims, and computed facts."""

    cmap: ConceptMap
    path: str
    claims: list[Claim]
    texts: dict[str, str] = field(default_factory=dict)
    relations: Any = None
    mermaid_blocks: list[tuple[int, str]] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)
    #: The map's clusters, when the caller computed them already (the report does).
    known_clusters: ClusterResult | None = None
    #: The notes the map's ``**Source:**`` line names, when they were found: (path, text).
    sources: list[tuple[str, str]] = field(default_factory=list)

    @cached_property
    def clusters(self) -> ClusterResult:
        return self.known_clusters if self.known_clusters is not None else clusters(self.cmap)

    @cached_property
    def matcher(self) -> NameMatcher:
        return NameMatcher(self.cmap)

    @cached_property
    def degree(self) -> dict[str, int]:
        return connections(self.cmap)

    @cached_property
    def visible(self) -> list[Relationship]:
        return [r for r in self.cmap.relationships if r.stroke != "invisible"]

    @cached_property
    def tiers(self) -> dict[str, str]:
        # Tiers depend on degree alone (tier_for); no need for the full centrality.
        top = max(self.degree.values(), default=0)
        return {cid: tier_for(d, top) for cid, d in self.degree.items()}

    @cached_property
    def undirected(self) -> nx.Graph[str]:
        from conceptmap.graph import undirected

        return undirected(self.cmap)

    @cached_property
    def vocabulary(self) -> RelationVocabulary:
        return self.relations if self.relations is not None else default_relations()

    def prerequisite_first(self, r: Relationship) -> str | None:
        """The end of *r* learned first, when the vocabulary knows the phrase and it is not
        one that maps use both ways round (``type``): findings rest on sure readings only."""
        end, known = self.vocabulary.prerequisite_end(r.label, r.kind)
        if not known or self.vocabulary.is_ambiguous(r.label):
            return None
        return r.source if end == "source" else r.target

    @cached_property
    def cards(self) -> dict[str, list[Claim]]:
        """Each document's card headings (``### Card 2 of 5``), in order: path -> claims."""
        out: dict[str, list[Claim]] = {}
        for c in self.by_kind("card"):
            out.setdefault(c.path, []).append(c)
        return out

    def by_kind(self, *kinds: str) -> list[Claim]:
        return [c for c in self.claims if c.kind in kinds]

    def resolve(self, name: str) -> Match:
        return self.matcher.resolve(name)

    def resolve_all(self, names: Iterable[str]) -> list[str] | None:
        """Ids of *names* (compounds split), or None if any name is not a concept."""
        ids: list[str] = []
        for name in names:
            m = self.resolve(name)
            if m.id is not None and not re.search(r"\s[+&]\s", name):
                ids.append(m.id)
                continue
            parts = split_compound(name)
            if len(parts) < 2:
                return None
            for p in parts:
                pm = self.resolve(p)
                if pm.id is None:
                    return None
                ids.append(pm.id)
        return ids

    def label(self, cid: str) -> str:
        return self.cmap.label_of(cid)

    def position(self, path: str, offset: int) -> tuple[int, int]:
        text = self.texts.get(path, "")
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass(frozen=True)
class Rule:
    """A named check."""

    name: str
    code: str
    severity: Severity
    fixable: bool
    summary: str
    check: Callable[[Rule, Context], Iterator[Finding]]

    def run(self, ctx: Context) -> list[Finding]:
        return list(self.check(self, ctx))

    def at(
        self,
        claim: Claim | None,
        message: str,
        *,
        declared: object = None,
        actual: object = None,
        replacement: str | None = None,
        span: tuple[int, int] | None = None,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule at *claim* (or at an explicit position); *severity*
        lowers the rule's own for this finding (never raises it)."""
        fixable = self.fixable and replacement is not None
        if span is None and claim is not None and fixable:
            span = (claim.start, claim.end)
        if severity is None or SEVERITIES.index(severity) < SEVERITIES.index(self.severity):
            severity = self.severity
        return Finding(
            rule=self.name,
            code=self.code,
            severity=severity,
            path=path or (claim.path if claim else ""),
            line=line if line is not None else (claim.line if claim else 1),
            column=column if column is not None else (claim.column if claim else 1),
            declared=None if declared is None else str(declared),
            actual=None if actual is None else str(actual),
            message=message,
            fixable=fixable,
            start=span[0] if fixable and span else None,
            end=span[1] if fixable and span else None,
            replacement=replacement if fixable else None,
        )


# -- CM1xx: statistics ------------------------------------------------------------------------
def _wrong_count(
    rule: Rule, claim: Claim, actual: int, whole: str, what: str, where: str = ""
) -> Iterator[Finding]:
    """A declared count that is not *actual*: "the *whole* has N *what*s, not M"."""
    if claim.number != actual:
        yield rule.at(
            claim,
            f"the {whole} has {plural(actual, what)}, not {claim.number}{where}",
            declared=claim.number,
            actual=actual,
            replacement=str(actual),
        )


def _total_concepts(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("total-concepts"):
        yield from _wrong_count(rule, c, len(ctx.cmap.concepts), "diagram", "concept")


def _total_relationships(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("total-relationships"):
        yield from _wrong_count(rule, c, len(ctx.visible), "diagram", "relationship")


def _central_concept(rule: Rule, ctx: Context) -> Iterator[Finding]:
    if not ctx.degree:
        return
    top = max(ctx.degree.values())
    leaders = sorted(cid for cid, d in ctx.degree.items() if d == top)
    for c in ctx.by_kind("central-concept"):
        m = ctx.resolve(c.subjects[0])
        if m.id is None or ctx.degree.get(m.id) == top:
            continue
        actual = ", ".join(f"{ctx.label(x)} ({top})" for x in leaders)
        replacement = span = None
        if len(leaders) == 1:
            text = ctx.texts.get(c.path, "")
            # Rewrite the name and its "(N connections)" together, so they stay consistent.
            nums = [
                n
                for n in ctx.by_kind("connections")
                if n.path == c.path and n.line == c.line and n.start >= c.end
            ]
            if nums and text:
                n = nums[0]
                replacement = ctx.label(leaders[0]) + text[c.end : n.start] + str(top)
                span = (c.start, n.end)
            else:
                replacement, span = ctx.label(leaders[0]), (c.start, c.end)
        yield rule.at(
            c,
            f"{ctx.label(m.id)} has {plural(ctx.degree[m.id], 'connection')}; "
            f"the most connected concept is {actual}",
            declared=c.value,
            actual=actual,
            replacement=replacement,
            span=span,
        )


def _subject_ids(ctx: Context, claim: Claim) -> list[str] | None:
    ids = []
    for s in claim.subjects:
        m = ctx.resolve(s)
        if m.id is None:
            return None
        ids.append(m.id)
    return ids


def _concept_connections(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("connections"):
        ids = _subject_ids(ctx, c)
        if not ids:
            continue
        if len(ids) > 1 and not c.each:
            ids = ids[:1]  # "A and B: Critical (11 connections)" is about the first one
        actual = [ctx.degree.get(i, 0) for i in ids]
        fix = str(actual[0]) if len(set(actual)) == 1 and c.editable else None
        where = "" if c.context in ("index", "table") else f" ({c.context})"
        for cid, n in zip(ids, actual, strict=True):
            if n == c.number:
                continue
            others = ""
            if len(ids) > 1:
                others = "; " + ", ".join(
                    f"{ctx.label(i)} has {d}" for i, d in zip(ids, actual, strict=True) if i != cid
                )
            yield rule.at(
                c,
                f"{ctx.label(cid)} has {plural(n, 'connection')}, not {c.number}{where}{others}",
                declared=c.number,
                actual=n,
                replacement=fix,
            )


def _recase(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like.islower():
        return word.lower()
    return word


def tier_steps(declared: str, actual: str) -> int:
    """How many tiers apart two tier words are (Low, Medium, High, Critical).

    >>> tier_steps("High", "Critical"), tier_steps("critical", "Low")
    (1, 3)
    """
    return abs(TIERS.index(declared.capitalize()) - TIERS.index(actual.capitalize()))


def _centrality_tier(rule: Rule, ctx: Context) -> Iterator[Finding]:
    # One tier off is an info note, two or more a warning: see docs/validate-rules.md.
    tiers = ctx.tiers
    for c in ctx.by_kind("tier"):
        ids = _subject_ids(ctx, c)
        if not ids:
            continue
        if len(ids) > 1 and not c.each:
            ids = ids[:1]  # "A and B: Critical" is about the first one
        actual = [tiers.get(i) for i in ids]
        same = len(set(actual)) == 1 and actual[0] is not None
        fix = _recase(str(actual[0]), c.value if c.editable else "") if same else None
        written = ctx.texts.get(c.path, "")[c.start : c.end] if c.editable else c.value
        if fix is not None and c.editable:
            fix = _recase(str(actual[0]), written)
        for cid, t in zip(ids, actual, strict=True):
            if t is None or t.lower() == c.value.lower():
                continue
            steps = tier_steps(c.value, t)
            yield rule.at(
                c,
                f"{ctx.label(cid)} is {t} centrality ({plural(ctx.degree.get(cid, 0), 'connection')}),"
                f" not {c.value}"
                + (" (one tier apart)" if steps == 1 else f" ({steps} tiers apart)"),
                declared=c.value,
                actual=t,
                replacement=fix if c.editable else None,
                severity="info" if steps <= 1 else None,
            )


_LIST_ITEM_RE = re.compile(
    r"^(?P<name>.+?)(?P<count>\s*\(\s*(?P<n>\d+)(?P<word>\s*connections?)?\s*\))?$", re.I
)


def _ranked_list_fix(
    ctx: Context, c: Claim, ids: list[str | None], top: list[tuple[str, int]]
) -> tuple[str, tuple[int, int]] | None:
    """The "Most connected" list rewritten to the *top* concepts, or None if it cannot be.

    Items keep the document's style: a concept already listed keeps its name as written,
    a new one gets its diagram label; counts are written as the list writes them
    (``(7)``, ``(7 connections)``, or none); separators and markup around the list stay.
    """
    text = ctx.texts.get(c.path, "")
    if not text or len(c.items) != len(c.subjects):
        return None
    parts = []
    for (start, end), name in zip(c.items, c.subjects, strict=True):
        m = _LIST_ITEM_RE.match(text[start:end])
        if m is None or m.group("name") != name:
            return None  # markup or a description around the name: not a plain list
        parts.append(m)
    counted = [m for m in parts if m.group("count")]
    if counted and len(counted) != len(parts):
        return None  # some items counted, some not: no single style to follow
    seps = [text[a[1] : b[0]] for a, b in zip(c.items, c.items[1:], strict=False)]
    if len(set(seps)) > 1:
        return None
    sep = seps[0] if seps else ", "
    written: dict[str, str] = {}
    for name, cid in zip(c.subjects, ids, strict=True):
        if cid is not None:
            written.setdefault(cid, name)
    out = []
    for cid, d in top:
        name = written.get(cid, ctx.label(cid))
        if counted:
            m = counted[0]
            count = m.group("count")
            n0, n1 = m.start("n") - m.end("name"), m.end("n") - m.end("name")
            count = count[:n0] + str(d) + count[n1:]
            if m.group("word"):
                word = m.group("word").rstrip()
                wstart = count.rfind(word)
                fixed = word[:-1] if d == 1 and word.endswith("s") else word
                fixed = fixed + "s" if d != 1 and not fixed.endswith("s") else fixed
                count = count[:wstart] + fixed + count[wstart + len(word) :]
            name += count
        out.append(name)
    return sep.join(out), (c.items[0][0], c.items[-1][1])


def _most_connected(rule: Rule, ctx: Context) -> Iterator[Finding]:
    mentions = {(c.path, c.start): c for c in ctx.by_kind("mention")}
    for c in ctx.by_kind("ranked-list"):
        ids = [ctx.resolve(s).id for s in c.subjects]
        known = [i for i in ids if i is not None]
        if not known:
            continue
        k = len(c.subjects)
        ranked = sorted(ctx.degree.items(), key=lambda kv: (-kv[1], kv[0]))
        if k > len(ranked):
            continue
        cutoff = ranked[k - 1][1]
        top = ", ".join(f"{ctx.label(i)} ({d})" for i, d in ranked[:k])
        text = ctx.texts.get(c.path, "")
        wrong = [
            (name, cid)
            for name, cid in zip(c.subjects, ids, strict=True)
            if cid is not None and ctx.degree[cid] < cutoff
        ]
        if not wrong:
            continue
        # The right list is well defined only when no concept ties with the last place.
        fix = None
        why = ""
        if k == len(ranked) or ranked[k][1] < cutoff:
            order = {cid: i for i, cid in enumerate(ids) if cid is not None}
            chosen = sorted(
                ranked[:k], key=lambda kv: (-kv[1], order.get(kv[0], k), ctx.label(kv[0]))
            )
            fix = _ranked_list_fix(ctx, c, ids, chosen)
        else:
            above = [(i, d) for i, d in ranked if d > cutoff]
            tied = " / ".join(sorted(ctx.label(i) for i, d in ranked if d == cutoff))
            top = ", ".join([f"{ctx.label(i)} ({d})" for i, d in above])
            top += f"{' and ' if above else ''}{k - len(above)} of {tied} ({cutoff})"
            why = "; not fixable: the last place is a tie"
        for name, cid in wrong:
            assert cid is not None
            pos = text.find(name, c.start, c.end)
            at = mentions.get((c.path, pos))
            yield rule.at(
                at or c,
                f"{ctx.label(cid)} ({plural(ctx.degree[cid], 'connection')}) is not among the "
                f"{k} most connected concepts: {top}{why}",
                declared=name,
                actual=top,
                replacement=fix[0] if fix else None,
                span=fix[1] if fix else None,
            )


def _bridge_concept(rule: Rule, ctx: Context) -> Iterator[Finding]:
    G = ctx.undirected
    cut = set(nx.articulation_points(G)) if G.number_of_nodes() else set()
    sub = {c.id: c.subgraph for c in ctx.cmap.concepts}
    for c in ctx.by_kind("bridge"):
        m = ctx.resolve(c.subjects[0])
        if m.id is None or m.id not in G:
            continue
        groups = {sub.get(n) for n in G.neighbors(m.id)} | {sub.get(m.id)}
        if m.id in cut or len(groups) > 1:
            continue
        yield rule.at(
            c,
            f"{ctx.label(m.id)} is not a bridge: removing it disconnects nothing and its "
            "relationships stay inside one subgraph",
            declared="bridge",
            actual="not a bridge",
        )


def _cluster_claim(rule: Rule, ctx: Context) -> Iterator[Finding]:
    claims = ctx.by_kind("cluster")
    if not claims:
        return
    where = {m: cl.id for cl in ctx.clusters.clusters for m in cl.members}
    for c in claims:
        ids = [m.id for m in map(ctx.resolve, c.subjects) if m.id is not None]
        found = sorted({where[i] for i in ids if i in where})
        if len(found) > 1:
            yield rule.at(
                c,
                "these concepts fall into different clusters of the diagram: "
                + ", ".join(f"{ctx.label(i)} in {where.get(i, '?')}" for i in ids),
                declared=c.value,
                actual=", ".join(found),
            )


# -- CM2xx: names and claims ------------------------------------------------------------------
def _unknown_concept(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("mention"):
        if not c.strict:
            continue
        m = ctx.resolve(c.subjects[0])
        if m.id is None and not m.ambiguous:
            yield rule.at(
                c, f"{c.subjects[0]!r} is not a concept in the diagram", declared=c.subjects[0]
            )


def _ambiguous_concept(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("mention"):
        m = ctx.resolve(c.subjects[0])
        if m.ambiguous and c.strict:
            names = ", ".join(ctx.label(i) for i in m.candidates)
            yield rule.at(
                c,
                f"{c.subjects[0]!r} could mean any of: {names}",
                declared=c.subjects[0],
                actual=names,
            )


def _index_missing(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("index"):
        listed = {m.id for m in map(ctx.resolve, c.subjects) if m.id is not None}
        for concept in ctx.cmap.concepts:
            if concept.id not in listed:
                yield rule.at(
                    c,
                    f"{concept.label} ({concept.id}) is not in the Concept Index",
                    actual=concept.label,
                )


def _unrecognised(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("unrecognised"):
        what = c.extra[0] if c.extra else "value"
        yield rule.at(
            c, f"cannot interpret the {what} claim {c.value!r}; not checked", declared=c.value
        )


def _map_not_found(rule: Rule, ctx: Context) -> Iterator[Finding]:
    return iter(())  # reported by the command line, which resolves map references


# -- CM3xx: relationship matrix ---------------------------------------------------------------
_EXPLICIT_COMPOUND = re.compile(r"\s[+&]\s")


def _row_ids(ctx: Context, name: str) -> tuple[list[str], list[str]]:
    """(ids, unknown names) of a matrix cell, splitting compounds like "Encoder + Decoder"."""
    m = ctx.resolve(name)
    if m.id is not None and not _EXPLICIT_COMPOUND.search(name):
        return [m.id], []
    parts = split_compound(name)
    if len(parts) < 2:
        return [], [name]
    ids, unknown = [], []
    for p in parts:
        pm = ctx.resolve(p)
        if pm.id is None:
            unknown.append(p)
        else:
            ids.append(pm.id)
    return (ids, unknown) if not unknown else ([], unknown)


def _phrase_matches(phrase: str, r: Relationship) -> bool:
    p = phrase_key(phrase)
    if r.label:
        return phrase_key(r.label) == p
    if r.kind in _KIND_PHRASES:
        return p in _KIND_PHRASES[r.kind] or p == phrase_key(r.kind)
    return True  # an unlabelled plain link says nothing the row could contradict


def _stems(word: str) -> set[str]:
    """Spellings a verb form may share with the other voice's (crude, English, regular)."""
    out = {word}
    for end in ("es", "s", "ed", "d"):
        if len(word) > len(end) + 2 and word.endswith(end):
            out.add(word[: -len(end)])
    return out


def other_voice(active: str, passive: str) -> bool:
    """Whether *passive* ("governed by") is the passive of *active* ("govern", "governs"):
    ``Y | govern | X`` states the diagram's ``X governed by Y``, the other way round.

    >>> other_voice("govern", "governed by"), other_voice("approximates", "is approximated by")
    (True, True)
    >>> other_voice("uses", "extended by"), other_voice("extends", "extends")
    (False, False)
    """
    a = re.findall(r"[a-z]+", active.lower())
    p = re.findall(r"[a-z]+", passive.lower())
    if p[:1] in (["is"], ["are"], ["was"], ["were"], ["be"], ["being"]):
        p = p[1:]
    if a[:1] in (["is"], ["are"]) and len(a) > 1:
        return False  # "is a", "is part of": not a verb to put in the passive
    if len(p) < 2 or p[-1] != "by" or len(a) != len(p) - 1 or not a:
        return False
    return a[1:] == p[1:-1] and bool(_stems(a[0]) & _stems(p[0]))


def _same_in_other_voice(phrase: str, r: Relationship) -> bool:
    """A row ``Y | phrase | X`` against the diagram's ``X label Y``: one proposition."""
    if not r.label or not phrase:
        return False
    return other_voice(phrase, r.label) or other_voice(r.label, phrase)


def _describe(ctx: Context, r: Relationship) -> str:
    verb = r.label or f"({r.kind} link)"
    return f"{ctx.label(r.source)} {verb} {ctx.label(r.target)}"


@dataclass
class _RowResult:
    claim: Claim
    status: str  # ok / missing / inverted / phrase / voice (same proposition, other voice)
    rels: list[Relationship]
    unknown: list[str]


def _matrix_rows(ctx: Context) -> list[_RowResult]:
    if "matrix" not in ctx.memo:
        ctx.memo["matrix"] = _compute_matrix_rows(ctx)
    return ctx.memo["matrix"]  # type: ignore[no-any-return]


def _compute_matrix_rows(ctx: Context) -> list[_RowResult]:
    pairs: dict[tuple[str, str], list[Relationship]] = defaultdict(list)
    for r in ctx.visible:
        pairs[(r.source, r.target)].append(r)
    out = []
    for c in ctx.by_kind("matrix-row"):
        src, unk1 = _row_ids(ctx, c.subjects[0])
        dst, unk2 = _row_ids(ctx, c.target or "")
        if unk1 or unk2 or not src or not dst:
            out.append(_RowResult(c, "missing", [], unk1 + unk2))
            continue
        status, rels = "ok", []
        for s in src:
            for t in dst:
                fwd = pairs.get((s, t), [])
                good = [r for r in fwd if _phrase_matches(c.relation or "", r)]
                if good:
                    rels.extend(good)
                elif fwd:
                    rels.extend(fwd)
                    status = "phrase" if status == "ok" else status
                elif pairs.get((t, s)):
                    back = pairs[(t, s)]
                    rels.extend(back)
                    if any(_same_in_other_voice(c.relation or "", r) for r in back):
                        # "Scaling Laws | govern | Pre-training" for "PRETRAIN governed by
                        # SCALING": the same proposition, in the other voice
                        status = "voice" if status in ("ok", "phrase") else status
                    else:
                        status = "inverted" if status in ("ok", "phrase", "voice") else status
                else:
                    status = "missing"
        out.append(_RowResult(c, status, rels, []))
    return out


def _row_text(c: Claim) -> str:
    return f"{c.subjects[0]} | {c.relation} | {c.target}"


def _matrix_missing(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for res in _matrix_rows(ctx):
        if res.status != "missing":
            continue
        why = ""
        if res.unknown:
            names = ", ".join(repr(n) for n in res.unknown)
            why = f": {names} {'is' if len(res.unknown) == 1 else 'are'} not a concept"
        yield rule.at(
            res.claim,
            f"relationship '{_row_text(res.claim)}' is not in the diagram{why}",
            declared=_row_text(res.claim),
        )


def _matrix_inverted(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for res in _matrix_rows(ctx):
        if res.status != "inverted":
            continue
        actual = "; ".join(_describe(ctx, r) for r in res.rels)
        yield rule.at(
            res.claim,
            f"direction inverted: the diagram has {actual}",
            declared=_row_text(res.claim),
            actual=actual,
        )


def _matrix_phrase(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for res in _matrix_rows(ctx):
        if res.status == "voice":
            actual = "; ".join(_describe(ctx, r) for r in res.rels)
            yield rule.at(
                res.claim,
                f"the row states the diagram's '{actual}' in the other voice; the matrix "
                "reads clearest in the diagram's own direction and phrase",
                declared=_row_text(res.claim),
                actual=actual,
                severity="info",  # true, only worded the other way round
            )
            continue
        if res.status != "phrase":
            continue
        actual = "; ".join(r.label or f"(no label, {r.kind})" for r in res.rels)
        yield rule.at(
            res.claim,
            f"linking phrase {res.claim.relation!r} differs from the diagram's {actual!r}",
            declared=res.claim.relation,
            actual=actual,
        )


def _matrix_unlisted(rule: Rule, ctx: Context) -> Iterator[Finding]:
    tables = ctx.by_kind("matrix")
    if not tables:
        return
    listed = {r.id for res in _matrix_rows(ctx) for r in res.rels}
    first = tables[0]
    for r in ctx.visible:
        if r.id not in listed:
            yield rule.at(
                first,
                f"diagram relationship '{_describe(ctx, r)}' (line {r.line}) "
                "is not in the Relationship Matrix",
                actual=_describe(ctx, r),
            )


# -- CM4xx: hierarchy and pathways ------------------------------------------------------------
def _steps(ctx: Context) -> dict[tuple[str, int], list[tuple[Claim, list[str] | None]]]:
    if "steps" in ctx.memo:
        return ctx.memo["steps"]  # type: ignore[no-any-return]
    groups: dict[tuple[str, int], list[tuple[Claim, list[str] | None]]] = defaultdict(list)
    for c in ctx.by_kind("step"):
        groups[(c.path, c.group)].append((c, ctx.resolve_all(c.subjects)))
    ctx.memo["steps"] = groups
    return groups


def _pathway_unknown(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for steps in _steps(ctx).values():
        for c, ids in steps:
            if ids is None:
                parts = split_compound(c.value)
                bad = [s for s in parts if ctx.resolve(s).id is None]
                if len(bad) == len(parts):
                    bad = [c.value]
                yield rule.at(
                    c,
                    f"step {c.index} of {c.context!r} names no concept of the "
                    f"diagram: {', '.join(repr(b) for b in bad)}",
                    declared=c.value,
                )


def _related(ctx: Context, a: Iterable[str], b: Iterable[str]) -> list[Relationship]:
    sa, sb = set(a), set(b)
    return [
        r
        for r in ctx.visible
        if (r.source in sa and r.target in sb) or (r.source in sb and r.target in sa)
    ]


def _pathway_gap(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for steps in _steps(ctx).values():
        for (c1, ids1), (c2, ids2) in zip(steps, steps[1:], strict=False):
            if not ids1 or not ids2 or set(ids1) & set(ids2):
                continue
            if not _related(ctx, ids1, ids2):
                yield rule.at(
                    c2,
                    f"no relationship joins step {c1.index} ({c1.value}) and "
                    f"step {c2.index} ({c2.value}) in the diagram",
                    declared=f"{c1.value} -> {c2.value}",
                )


def _pathway_order(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for steps in _steps(ctx).values():
        for (c1, ids1), (c2, ids2) in zip(steps, steps[1:], strict=False):
            if not ids1 or not ids2:
                continue
            for r in _related(ctx, ids1, ids2):
                first = ctx.prerequisite_first(r)
                if first is not None and first in ids2 and first not in ids1:
                    yield rule.at(
                        c2,
                        f"{ctx.label(first)} comes before {c1.value} in prerequisite order "
                        f"('{_describe(ctx, r)}'), but the pathway puts it after",
                        declared=f"{c1.value} -> {c2.value}",
                        actual=_describe(ctx, r),
                    )
                    break


def _hierarchy_unknown(rule: Rule, ctx: Context) -> Iterator[Finding]:
    strict = {(c.path, c.start) for c in ctx.by_kind("mention") if c.strict}
    for c in ctx.by_kind("hierarchy-item"):
        if (c.path, c.start) in strict or ctx.resolve_all(c.subjects) is not None:
            continue
        yield rule.at(
            c, f"hierarchy entry {c.value!r} is not a concept of the diagram", declared=c.value
        )


# -- CM5xx: diagram key -----------------------------------------------------------------------
_END_WORDS = {"diamond": "diamond", "circle": "circle", "circular": "circle", "cross": "cross"}


def _legend_shape(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("legend"):
        before = c.extra[0].lower() if c.extra else ""
        said = [v for k, v in _END_WORDS.items() if re.search(rf"\b{k}", before)]
        if not said:
            continue
        head = _signature(c.value).split(":")[1]
        actual = {
            "arrow": "arrow head",
            "circle": "circle end",
            "cross": "cross end",
            "none": "no end marker",
        }[head]
        if said[0] != head:
            yield rule.at(
                c,
                f"`{c.value}` draws a {actual}, not a {said[0]} "
                "(Mermaid flowchart links have no diamond ends)"
                if said[0] == "diamond"
                else f"`{c.value}` draws a {actual}, not a {said[0]}",
                declared=said[0],
                actual=actual,
            )


def _legend_unused(rule: Rule, ctx: Context) -> Iterator[Finding]:
    used = {f"{r.stroke}:{r.head}" for r in ctx.cmap.relationships}
    for c in ctx.by_kind("legend"):
        if c.path == ctx.path and _signature(c.value) not in used:
            yield rule.at(
                c,
                f"the Diagram Key explains `{c.value}`, which the diagram never uses",
                declared=c.value,
            )


def _legend_missing(rule: Rule, ctx: Context) -> Iterator[Finding]:
    items = [c for c in ctx.by_kind("legend") if c.path == ctx.path]
    if not items:
        return
    described = {_signature(c.value) for c in items}
    seen: dict[str, Relationship] = {}
    for r in ctx.cmap.relationships:
        seen.setdefault(f"{r.stroke}:{r.head}", r)
    for sig, r in sorted(seen.items()):
        if sig not in described and r.stroke != "invisible":
            yield rule.at(
                items[0],
                f"the diagram uses {sig.replace(':', ' links with ')} ends "
                f"(line {r.line}) but the Diagram Key does not explain them",
                actual=sig,
            )


# -- CM7xx: grounding in the source notes -------------------------------------------------------
def _not_in_source(rule: Rule, ctx: Context) -> Iterator[Finding]:
    if not ctx.sources:
        return
    notes = Notes(text for _, text in ctx.sources)
    names = ", ".join(Path(p).name for p, _ in ctx.sources)
    for c in ctx.cmap.concepts:
        if not notes.mention(c.label, c.id):
            yield _concept_at(
                rule,
                ctx,
                c.id,
                f"{c.label} is not mentioned in the source notes ({names}); check that it "
                "belongs in this map",
                declared=c.label,
            )


# -- CM6xx: diagram hygiene -------------------------------------------------------------------
def _concept_at(rule: Rule, ctx: Context, cid: str, message: str, **kw: Any) -> Finding:
    c = ctx.cmap.concept_by_id.get(cid)
    return rule.at(
        None,
        message,
        path=ctx.path,
        line=(c.line if c and c.line else 1),
        column=(c.column if c and c.column else 1),
        **kw,
    )


def _rel_at(rule: Rule, ctx: Context, r: Relationship, message: str, **kw: Any) -> Finding:
    return rule.at(None, message, path=ctx.path, line=r.line or 1, column=r.column or 1, **kw)


def _isolated(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.cmap.concepts:
        if ctx.degree.get(c.id, 0) == 0:
            yield _concept_at(
                rule, ctx, c.id, f"{c.label} ({c.id}) has no relationships", actual="0"
            )


def _disconnected(rule: Rule, ctx: Context) -> Iterator[Finding]:
    G = ctx.undirected
    parts = [sorted(p) for p in nx.connected_components(G) if len(p) > 1]
    if len(parts) < 2:
        return
    parts.sort(key=lambda p: (-len(p), p[0]))
    for part in parts[1:]:
        first = min(
            part,
            key=lambda i: (
                (ctx.cmap.concept_by_id[i].line or 0, i) if i in ctx.cmap.concept_by_id else (0, i)
            ),
        )
        names = ", ".join(ctx.label(i) for i in part)
        yield _concept_at(
            rule,
            ctx,
            first,
            f"{names} form a part of the map not connected to the rest ({len(parts)} parts)",
            actual=str(len(parts)),
        )


def _duplicates(rule: Rule, ctx: Context) -> Iterator[Finding]:
    seen: dict[tuple[str, str, str, str], Relationship] = {}
    for r in ctx.visible:
        key = (r.source, r.target, phrase_key(r.label), r.kind)
        if key in seen:
            yield _rel_at(
                rule,
                ctx,
                r,
                f"'{_describe(ctx, r)}' repeats the relationship of line {seen[key].line}",
                actual=_describe(ctx, r),
            )
        else:
            seen[key] = r


def _self_loops(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for r in ctx.visible:
        if r.source == r.target:
            yield _rel_at(
                rule, ctx, r, f"{ctx.label(r.source)} is linked to itself", actual=_describe(ctx, r)
            )


_STYLE_RE = re.compile(r"^\s*(style|class|click)\s+([^\s;]+)")
_WORD_RE = re.compile(r"[\w-]+")


def _mentioned(node: str, words: set[str], text: str) -> bool:
    r"""Whether *node* stands in *text* as a whole id (*words*: its runs of ``[\w-]``)."""
    if _WORD_RE.fullmatch(node):
        return node in words
    return re.search(rf"(?<![\w-]){re.escape(node)}(?![\w-])", text) is not None


def _style_unknown(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for first_line, block in ctx.mermaid_blocks:
        lines = block.split("\n")
        other = "\n".join(
            ln
            for ln in lines
            if not _STYLE_RE.match(ln) and not re.match(r"^\s*(classDef|linkStyle)\b", ln)
        )
        known = set(ctx.cmap.concept_by_id) | set(ctx.cmap.subgraph_by_id)
        words = set(_WORD_RE.findall(other))  # one scan, not one search per styled node
        for i, ln in enumerate(lines):
            m = _STYLE_RE.match(ln)
            if not m:
                continue
            ids = m.group(2).split(",") if m.group(1) == "class" else [m.group(2)]
            for node in ids:
                if node in ctx.cmap.subgraph_by_id or (
                    node in known and _mentioned(node, words, other)
                ):
                    continue
                yield rule.at(
                    None,
                    f"`{m.group(1)}` names {node!r}, which no relationship or node definition uses",
                    path=ctx.path,
                    line=first_line + i,
                    column=m.start(2) + 1,
                    declared=node,
                )


def _prereq_cycle(rule: Rule, ctx: Context) -> Iterator[Finding]:
    G: nx.DiGraph[str] = nx.DiGraph()
    edges: dict[tuple[str, str], Relationship] = {}
    for r in ctx.visible:
        first = ctx.prerequisite_first(r)
        if first is None or r.source == r.target:
            continue
        second = r.target if first == r.source else r.source
        G.add_edge(first, second)
        edges.setdefault((first, second), r)
    comps = sorted(sorted(c) for c in nx.strongly_connected_components(G) if len(c) > 1)
    comp_of = {v: k for k, comp in enumerate(comps) for v in comp}
    first_rel: dict[int, Relationship] = {}  # per cycle: its relationship written first
    for (a, b), r in edges.items():
        k = comp_of.get(a)
        if k is not None and comp_of.get(b) == k:
            old = first_rel.get(k)
            if old is None or (r.line or 0, r.id) < (old.line or 0, old.id):
                first_rel[k] = r
    for k, comp in enumerate(comps):
        names = name_list([ctx.label(i) for i in comp[:NAMED]], len(comp))
        yield _rel_at(
            rule,
            ctx,
            first_rel[k],
            f"prerequisite cycle: {names} each need the other first",
            actual=names,
        )


# -- CM8xx: study material (what a card deck says about itself) -----------------------------
def _card_count(rule: Rule, ctx: Context, kind: str, where: str = "") -> Iterator[Finding]:
    """A declared number of cards (*kind* claims) against the document's card headings."""
    for c in ctx.by_kind(kind):
        if n := len(ctx.cards.get(c.path, ())):
            yield from _wrong_count(rule, c, n, "document", "card", where)


def _total_cards(rule: Rule, ctx: Context) -> Iterator[Finding]:
    return _card_count(rule, ctx, "total-cards")


def _card_of(rule: Rule, ctx: Context) -> Iterator[Finding]:
    return _card_count(rule, ctx, "card-of", " (card heading)")


def _card_numbering(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for cards in ctx.cards.values():
        seen: dict[int, Claim] = {}
        last = 0
        for c in cards:
            k = c.number or 0
            if k in seen:
                msg = f"a second Card {k} (the first is on line {seen[k].line})"
            elif k < last:
                msg = f"Card {k} comes after Card {last}: cards are numbered in order"
            elif k > last + 1:
                missing = f"Card {last + 1}" + (f" to {k - 1}" if k - 1 > last + 1 else "")
                msg = f"no {missing} before Card {k}"
            else:
                msg = ""
            if msg:
                yield rule.at(c, msg, declared=f"Card {k}")
            seen.setdefault(k, c)
            last = max(last, k)


def _card_distribution(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("card-distribution"):
        cards = ctx.cards.get(c.path, [])
        levels = [x.extra[0] for x in cards]
        if not any(levels):
            continue  # the cards name no level: nothing to count
        level = c.extra[0]
        yield from _wrong_count(
            rule, c, levels.count(level), "document", level.capitalize() + " card"
        )


def _ranges(numbers: Iterable[int]) -> str:
    """``1-4, 6``: sorted distinct numbers with runs joined.

    >>> _ranges([6, 1, 2, 3, 4, 2])
    '1-4, 6'
    """
    out: list[str] = []
    for k in sorted(set(numbers)):
        if out and out[-1].rsplit("-", 1)[-1] == str(k - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{k}"
        else:
            out.append(str(k))
    return ", ".join(out)


def _card_reference(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for c in ctx.by_kind("card-reference"):
        cards = ctx.cards.get(c.path)
        if not cards:
            continue
        same = [x for x in cards if x.number == c.number]
        if not same:
            yield rule.at(
                c,
                f"there is no Card {c.number} (the document's cards: "
                f"{_ranges(x.number or 0 for x in cards)})",
                declared=f"Card {c.number}",
            )
            continue
        level, written = same[0].extra
        if c.extra[0] and level and c.extra[0] != level:
            yield rule.at(
                c,
                f"Card {c.number} is {written} (line {same[0].line}), not {c.extra[1]}",
                declared=c.extra[1],
                actual=written,
                replacement=written,
                span=c.items[0],
                severity="warning",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "total-concepts",
        "CM101",
        "error",
        True,
        "Declared number of concepts differs from the diagram.",
        _total_concepts,
    ),
    Rule(
        "total-relationships",
        "CM102",
        "error",
        True,
        "Declared number of relationships differs from the diagram.",
        _total_relationships,
    ),
    Rule(
        "central-concept",
        "CM103",
        "error",
        True,
        "The Central Concept is not the most connected concept.",
        _central_concept,
    ),
    Rule(
        "concept-connections",
        "CM104",
        "error",
        True,
        "A concept's declared connection count differs from the diagram.",
        _concept_connections,
    ),
    Rule(
        "centrality-tier",
        "CM105",
        "warning",
        True,
        "A concept's declared centrality tier differs from the computed tier.",
        _centrality_tier,
    ),
    Rule(
        "most-connected",
        "CM106",
        "warning",
        True,
        "A 'Most connected' list names a concept that is not among the most connected.",
        _most_connected,
    ),
    Rule(
        "bridge-concept",
        "CM107",
        "warning",
        False,
        "A named bridge concept is neither a cut point nor links subgraphs.",
        _bridge_concept,
    ),
    Rule(
        "cluster-claim",
        "CM108",
        "info",
        False,
        "A named cluster spans several computed clusters.",
        _cluster_claim,
    ),
    Rule(
        "unknown-concept",
        "CM201",
        "error",
        False,
        "A claim names a concept that is not in the diagram.",
        _unknown_concept,
    ),
    Rule(
        "ambiguous-concept",
        "CM202",
        "warning",
        False,
        "A name could refer to several concepts.",
        _ambiguous_concept,
    ),
    Rule(
        "index-missing-concept",
        "CM203",
        "info",
        False,
        "A diagram concept is missing from the Concept Index.",
        _index_missing,
    ),
    Rule(
        "unrecognised-claim",
        "CM204",
        "info",
        False,
        "A claim whose wording cannot be interpreted (not checked).",
        _unrecognised,
    ),
    Rule(
        "map-not-found",
        "CM205",
        "warning",
        False,
        "A document's **Concept Map:** reference names no map that was found.",
        _map_not_found,
    ),
    Rule(
        "map-matched-by-source",
        "CM206",
        "info",
        False,
        "A **Concept Map:** reference was not found; the one map made from the same notes was used.",
        _map_not_found,
    ),
    Rule(
        "matrix-missing-relationship",
        "CM301",
        "error",
        False,
        "A Relationship Matrix row has no relationship in the diagram.",
        _matrix_missing,
    ),
    Rule(
        "matrix-inverted-relationship",
        "CM302",
        "error",
        False,
        "A Relationship Matrix row runs against the diagram's direction.",
        _matrix_inverted,
    ),
    Rule(
        "matrix-phrase-mismatch",
        "CM303",
        "warning",
        False,
        "A Relationship Matrix row's linking phrase differs from the diagram's.",
        _matrix_phrase,
    ),
    Rule(
        "matrix-unlisted-relationship",
        "CM304",
        "info",
        False,
        "A diagram relationship is missing from the Relationship Matrix.",
        _matrix_unlisted,
    ),
    Rule(
        "pathway-unknown-step",
        "CM401",
        "warning",
        False,
        "A learning-pathway step names no concept of the diagram.",
        _pathway_unknown,
    ),
    Rule(
        "pathway-gap",
        "CM402",
        "warning",
        False,
        "Consecutive pathway steps are not related in the diagram.",
        _pathway_gap,
    ),
    Rule(
        "pathway-order",
        "CM403",
        "info",
        False,
        "A pathway step comes before its prerequisite.",
        _pathway_order,
    ),
    Rule(
        "hierarchy-unknown-concept",
        "CM404",
        "info",
        False,
        "A Concept Hierarchy entry is not a concept of the diagram.",
        _hierarchy_unknown,
    ),
    Rule(
        "legend-shape",
        "CM501",
        "warning",
        False,
        "The Diagram Key describes a link end the token does not draw.",
        _legend_shape,
    ),
    Rule(
        "legend-unused",
        "CM502",
        "info",
        False,
        "The Diagram Key explains a link style the diagram never uses.",
        _legend_unused,
    ),
    Rule(
        "legend-missing",
        "CM503",
        "info",
        False,
        "The diagram uses a link style the Diagram Key does not explain.",
        _legend_missing,
    ),
    Rule(
        "isolated-concept", "CM601", "warning", False, "A concept without relationships.", _isolated
    ),
    Rule(
        "disconnected-map",
        "CM602",
        "warning",
        False,
        "The map falls apart into unconnected parts.",
        _disconnected,
    ),
    Rule(
        "duplicate-relationship",
        "CM603",
        "warning",
        False,
        "The same relationship is drawn twice.",
        _duplicates,
    ),
    Rule("self-loop", "CM604", "warning", False, "A concept linked to itself.", _self_loops),
    Rule(
        "style-unknown-node",
        "CM605",
        "warning",
        False,
        "A style/class/click line names a node that nothing else defines.",
        _style_unknown,
    ),
    Rule(
        "prerequisite-cycle",
        "CM606",
        "warning",
        False,
        "Concepts that are each other's prerequisites.",
        _prereq_cycle,
    ),
    Rule(
        "concept-not-in-source",
        "CM701",
        "info",
        False,
        "A concept the notes named on the **Source:** line never mention.",
        _not_in_source,
    ),
    Rule(
        "total-cards",
        "CM801",
        "error",
        True,
        "**Total Cards:** differs from the number of card headings.",
        _total_cards,
    ),
    Rule(
        "card-heading-total",
        "CM802",
        "error",
        True,
        "A heading's 'Card 2 of N' differs from the number of cards.",
        _card_of,
    ),
    Rule(
        "card-numbering",
        "CM803",
        "warning",
        False,
        "Card headings skip, repeat or reorder a number.",
        _card_numbering,
    ),
    Rule(
        "card-distribution",
        "CM804",
        "error",
        True,
        "A **Distribution:** count differs from the cards of that level.",
        _card_distribution,
    ),
    Rule(
        "card-reference",
        "CM805",
        "error",
        True,
        "A table names a card the document lacks, or gives it another level.",
        _card_reference,
    ),
)
