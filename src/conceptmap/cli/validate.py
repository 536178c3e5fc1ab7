"""`validate` command: check what concept-map documents claim about their diagrams."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from conceptmap._order import natural_key
from conceptmap.cli import cli
from conceptmap.cli._common import (
    UsageProblem,
    cannot_write,
    emit_json,
    format_option,
    read_text,
    write_atomic,
)
from conceptmap.cli._inputs import DOCUMENT_SUFFIXES, MAP_REF_RE, PathNames, skip_warning
from conceptmap.cli._inputs import InputFile as _File
from conceptmap.cli._inputs import collect_inputs as _collect
from conceptmap.cli._inputs import find_map as _find_map
from conceptmap.cli._inputs import map_reference as _map_ref
from conceptmap.errors import InputError, MapSyntaxError
from conceptmap.labels import plural
from conceptmap.parse import Document, parse_document
from conceptmap.validate import (
    ValidateConfig,
    ValidationResult,
    fix_document,
    is_card_deck,
    load_config,
    validate_cards,
    validate_document,
)
from conceptmap.validate.config import rule_selected
from conceptmap.validate.findings import SEVERITIES, Finding, summarise
from conceptmap.validate.rules import RULES

_RULE = {r.name: r for r in RULES}

__all__ = ["validate"]


def _find_config(start: Path) -> ValidateConfig:
    for d in [start, *start.parents]:
        for name in ("conceptmap.toml", "pyproject.toml"):
            f = d / name
            if f.is_file():
                cfg = load_config(f.read_text(encoding="utf-8"), source=str(f))
                if name == "conceptmap.toml" or cfg != ValidateConfig():
                    return cfg
    return ValidateConfig()


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _check_rules(names: list[str]) -> None:
    known = {r.name for r in RULES} | {r.code for r in RULES}
    for n in names:
        if n not in known and not (
            n.upper().startswith("CM") and any(r.code.startswith(n.upper()) for r in RULES)
        ):
            raise UsageProblem(f"unknown rule {n!r}; see docs/validate-rules.md")


def _values(f: Finding) -> str:
    """`` (declared X, actual Y)`` after a message: only the values the finding has.

    >>> _values(Finding(rule="r", code="CM1", severity="info", path="m.md", line=1,
    ...                 column=1, declared="Why Needed", message="m"))
    ' (declared Why Needed)'
    """
    parts = []
    if f.declared is not None:
        parts.append(f"declared {f.declared}")
    if f.actual is not None:
        parts.append(f"actual {f.actual}")
    return f" ({', '.join(parts)})" if parts else ""


def _format_text(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.severity}[{f.code} {f.rule}]: {f.message}{_values(f)}"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _format_github(f: Finding) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
    msg = f.message + _values(f)
    return (
        f"::{level} file={_gh_escape(f.path, True)},line={f.line},col={f.column},"
        f"title={_gh_escape(f'{f.code} {f.rule}', True)}::{_gh_escape(msg)}"
    )


def _summary_line(findings: list[Finding], files: int, failed: int = 0) -> str:
    """The last line of the text output; *failed* of the *files* could not be checked.

    >>> _summary_line([], 1, failed=1)
    '0 errors, 0 warnings, 0 info in 1 file (1 could not be checked)'
    """
    s = summarise(findings)
    text = (
        f"{plural(s.errors, 'error')}, {plural(s.warnings, 'warning')}, {s.info} info "
        f"in {plural(files, 'file')}"
    )
    if failed:
        text += f" ({failed} could not be checked)"
    if s.fixable:
        text += f" ({s.fixable} fixable with --fix)"
    return text


def _statistics(findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings per rule, most first: code, rule, count, fixable, and count by severity."""
    rows: dict[tuple[str, str], Counter[str]] = {}
    for f in findings:
        c = rows.setdefault((f.code, f.rule), Counter())
        c["count"] += 1
        c["fixable"] += f.fixable
        c[f.severity] += 1
    return [
        {"code": code, "rule": rule, **{k: c[k] for k in ("count", "fixable", *SEVERITIES)}}
        for (code, rule), c in sorted(rows.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    ]


def _statistics_text(rows: list[dict[str, Any]]) -> list[str]:
    width = max((len(r["rule"]) for r in rows), default=0)
    lines = []
    for r in rows:
        severities = ", ".join(f"{r[s]} {s}" for s in SEVERITIES if r[s])
        fixable = f"; {r['fixable']} fixable" if r["fixable"] else ""
        lines.append(f"{r['count']:>6}  {r['code']}  {r['rule']:<{width}}  {severities}{fixable}")
    return lines


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@format_option("text", "json", "github")
@click.option("--fix", is_flag=True, help="Rewrite wrong declared values in place.")
@click.option("--diff", is_flag=True, help="Show what --fix would change; write nothing.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--select", default=None, help="Only these rules (names, codes or prefixes).")
@click.option("--ignore", default=None, help="Skip these rules (names, codes or prefixes).")
@click.option("--map", "map_file", default=None, help="The map the PATH documents describe.")
@click.option("--relations", default=None, help="TOML relation vocabulary for pathway order.")
@click.option(
    "--statistics", is_flag=True, help="Count the findings of each rule instead of listing them."
)
@click.option(
    "--min-severity",
    type=click.Choice(SEVERITIES[::-1]),
    default="info",
    show_default=True,
    help="List only findings this severe or more (the summary and exit status are unchanged).",
)
def validate(
    paths: tuple[str, ...],
    fmt: str,
    fix: bool,
    diff: bool,
    strict: bool,
    select: str | None,
    ignore: str | None,
    map_file: str | None,
    relations: str | None,
    statistics: bool,
    min_severity: str,
) -> None:
    """Check the statistics and claims of concept-map documents against their diagrams.

    PATH may be a directory: every map in it is checked, and so is every document whose
    `**Concept Map:**` line names one. Exit status: 0 no errors, 1 errors (or warnings
    with --strict) or a file that could not be checked (unreadable, invalid Mermaid), 2
    usage error.

    \b
    Examples:
        conceptmap validate maps/
        conceptmap validate maps/transformers.md --format json
        conceptmap validate notes/ --fix
        conceptmap validate flashcards.md --map maps/transformers.md --diff
        conceptmap validate notes/ --statistics
    """
    if statistics and (fmt == "github" or diff):
        raise UsageProblem("--statistics goes with --format text or json, not with --diff")
    sel, ign = _split(select), _split(ignore)
    _check_rules(sel + ign)
    try:
        config = _find_config(Path.cwd()).merged(select=sel, ignore=ign, strict=strict)
        vocabulary = None
        if relations is not None:
            from conceptmap.analysis import load_relations

            vocabulary = load_relations(read_text(relations), path=relations)
    except InputError as exc:
        raise UsageProblem(str(exc)) from None

    files, explicit = _collect(paths)
    names = PathNames([*paths, *([map_file] if map_file is not None else [])])
    _read = names.read
    if not files and map_file is None:
        raise UsageProblem(
            f"no documents in {', '.join(paths)} (looked for {', '.join(DOCUMENT_SUFFIXES)} files)"
        )
    problems: list[str] = []
    failed: set[Path] = set()  # files that could not be checked: unreadable, invalid
    maps: dict[Path, tuple[_File, Document]] = {}
    siblings: dict[Path, list[Path]] = {}
    docs: dict[Path, _File] = {}
    extra: list[Finding] = []
    decks: list[Path] = []  # card decks with no map to check them against

    def load_map(p: Path) -> bool:
        if p in maps:
            return True
        try:
            f = docs.get(p) or _read(p)
            docs[p] = f
            maps[p] = (f, parse_document(f.text, path=f.path))
            return True
        except (MapSyntaxError, InputError) as exc:
            problems.append(str(exc))
            failed.add(p)
        return False

    if map_file is not None:
        mp = Path(map_file).resolve()
        if not mp.is_file():
            raise UsageProblem(f"--map {map_file}: no such file")
        if load_map(mp):
            siblings[mp] = [p for p in files if p != mp]
            for p in siblings[mp]:
                try:
                    docs[p] = _read(p)
                except InputError as exc:
                    if skipped := skip_warning(exc, p, explicit):
                        click.echo(skipped, err=True)
                    else:
                        problems.append(str(exc))
                        failed.add(p)
            siblings[mp] = [p for p in siblings[mp] if p in docs]
    else:
        refs: list[tuple[Path, str]] = []
        for p in files:
            try:
                f = _read(p)
            except InputError as exc:
                if skipped := skip_warning(exc, p, explicit):
                    click.echo(skipped, err=True)
                else:
                    problems.append(str(exc))
                    failed.add(p)
                continue
            docs[p] = f
            ref = _map_ref(f.norm)
            if ref is not None:
                refs.append((p, ref))
                continue
            try:
                maps[p] = (f, parse_document(f.text, path=f.path))
            except MapSyntaxError as exc:
                problems.append(str(exc))
                failed.add(p)
            except InputError as exc:
                if is_card_deck(f.norm, path=f.path):
                    decks.append(p)  # no map, but a deck's counts can still be checked
                elif p in explicit:
                    problems.append(str(exc))
                    failed.add(p)
                # else: a file in a folder with no flowchart (study notes): passed over
        for p, ref in refs:
            f = docs[p]
            found = _find_map(ref, p, f.norm, maps, lambda m: m[0].norm)
            m = MAP_REF_RE.search(f.norm)
            assert m is not None
            line = f.norm.count("\n", 0, m.start(1)) + 1
            col = m.start(1) - (f.norm.rfind("\n", 0, m.start(1)) + 1) + 1
            if found is not None and load_map(found[0]):
                target, note = found
                siblings.setdefault(target, []).append(p)
                if note is not None:
                    shown_map = maps[target][0].path
                    extra.append(
                        _RULE["map-matched-by-source"].at(
                            None,
                            f"the concept map {ref!r} was not found; checked against "
                            f"{shown_map}, the one map made from the same notes ({note})",
                            actual=shown_map,
                            declared=ref,
                            path=f.path,
                            line=line,
                            column=col,
                        )
                    )
                continue
            if is_card_deck(f.norm, path=f.path):
                decks.append(p)
            extra.append(
                _RULE["map-not-found"].at(
                    None,
                    f"the concept map {ref!r} was not found (relative to this file or by name "
                    "among the files checked); its claims were not checked",
                    declared=ref,
                    path=f.path,
                    line=line,
                    column=col,
                )
            )

    sources: dict[Path, list[tuple[str, str]]] = {}

    def check_map(mp: Path) -> ValidationResult:
        """Validate map *mp* and its siblings as they are now in ``docs``."""
        doc = (
            maps[mp][1]
            if docs[mp] is maps[mp][0]
            else parse_document(docs[mp].text, path=docs[mp].path)
        )
        sib = [(docs[s].path, docs[s].norm) for s in sorted(siblings.get(mp, []))]
        return validate_document(
            doc, siblings=sib, relations=vocabulary, config=config, sources=sources[mp]
        )

    def check_deck(p: Path) -> ValidationResult:
        return validate_cards(docs[p].norm, path=docs[p].path, config=config)

    results: list[tuple[Path, ValidationResult, Callable[[Path], ValidationResult]]] = []
    for mp in sorted(maps, key=lambda m: natural_key(str(m))):
        sources[mp] = [(n.path, n.norm) for n in names.notes(mp, maps[mp][0].norm, docs)]
        results.append((mp, check_map(mp), check_map))
    for p in sorted(set(decks), key=lambda d: natural_key(str(d))):
        results.append((p, check_deck(p), check_deck))

    findings = [x for x in extra if rule_selected(config, x.rule, x.code)]
    written: list[str] = []
    diffs: list[str] = []
    for mp, result, check in results:
        own = [mp, *siblings.get(mp, [])] if mp in maps else [mp]
        changed = False
        for p in own:
            f = docs[p]
            new = fix_document(f.text, result, path=f.path)
            if new == f.text:
                continue
            if diff:
                diffs.append(
                    "".join(
                        difflib.unified_diff(
                            f.text.splitlines(keepends=True),
                            new.splitlines(keepends=True),
                            fromfile=f"a/{f.path}",
                            tofile=f"b/{f.path}",
                        )
                    )
                )
            elif fix:
                try:
                    write_atomic(p, f.encode(new))
                except OSError as exc:
                    problems.append(cannot_write(f.path, exc))
                    continue
                changed = True
                written.append(f.path)
                docs[p] = _File(f.path, f.encode(new), new)
        if changed:
            result = check(mp)  # validate again what was written: what is left is reported
        findings.extend(result.findings)
    findings = sorted(set(findings), key=Finding.sort_key)
    checked = len(docs.keys() | failed)
    rank = SEVERITIES.index(min_severity)
    listed = [x for x in findings if SEVERITIES.index(x.severity) <= rank]

    for problem in problems:
        click.echo(problem, err=True)
    if diff:
        click.echo("".join(diffs), nl=False)
    elif fmt == "json":
        s = summarise(findings)
        emit_json(
            {
                ("statistics" if statistics else "findings"): (
                    _statistics(listed) if statistics else [x.public() for x in listed]
                ),
                "summary": {
                    "errors": s.errors,
                    "warnings": s.warnings,
                    "info": s.info,
                    "fixable": s.fixable,
                    "files_checked": checked,
                    "files_failed": len(failed),
                    "files_with_findings": s.files,
                    "fixed_files": written,
                },
            }
        )
    elif fmt == "github":
        for x in listed:
            click.echo(_format_github(x))
    else:
        shown = _statistics_text(_statistics(listed)) if statistics else map(_format_text, listed)
        for text in shown:
            click.echo(text)
        for w in written:
            click.echo(f"fixed {w}")
        click.echo(_summary_line(findings, checked, len(failed)))

    s = summarise(findings)
    # A file that could not be checked, or written back, is input rejected (as in `stats`
    # and `report`): exit 1, like error findings.
    if problems or (diff and diffs) or s.errors or (config.strict and s.warnings):
        raise SystemExit(1)
