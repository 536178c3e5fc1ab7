"""`report` and `schema` commands: everything the tool knows, for a file or a whole folder."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from conceptmap import __version__
from conceptmap._order import natural_key
from conceptmap.analysis.names import NAMED, name_list
from conceptmap.cli import cli
from conceptmap.cli._common import (
    InputRejected,
    UsageProblem,
    cannot_write,
    emit_json,
    write_output,
)
from conceptmap.cli._inputs import PathNames, skip_warning

# Discovery of maps and of the documents that refer to them is `validate`'s; reuse it.
from conceptmap.cli._inputs import collect_inputs as _collect
from conceptmap.cli._inputs import find_map as _find_map
from conceptmap.cli._inputs import map_reference as _map_ref
from conceptmap.errors import ConceptMapError, InputError, MapSyntaxError
from conceptmap.labels import plural
from conceptmap.model import ConceptMap
from conceptmap.parse import Document, parse_document
from conceptmap.report import (
    REPORT_SCHEMA_VERSION,
    IndexEntry,
    MapReport,
    build_report,
    combine_maps,
    combined_section,
    index_entry,
    index_html,
    index_markdown,
    report_html,
    report_json_schema,
    report_markdown,
)

__all__ = ["report", "schema"]

CACHE_NAME = ".conceptmap-cache.json"
COMBINED = "combined"
FORMATS = ("md", "html", "json", "mermaid", "dot", "svg", "canvas")
#: The file each format writes into a map's folder.
_FORMAT_FILES = {
    "md": "report.md",
    "html": "report.html",
    "json": "report.json",
    "mermaid": "map.mmd",
    "dot": "map.dot",
    "svg": "map.svg",
    "canvas": "map.canvas",
}
_RESERVED = {COMBINED, "index"}


@dataclass
class _Job:
    """One map to report: a flowchart block of a document, and its siblings."""

    name: str
    path: Path
    display: str
    doc: Document
    block: int
    digest: str
    siblings: list[tuple[str, str, str]] = field(default_factory=list)  # (path, text, sha)
    #: The notes its **Source:** line names that were found (path, text, sha).
    sources: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def cmap(self) -> ConceptMap:
        return self.doc.maps[self.block]


def _sha(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def _names(jobs: list[tuple[Path, int, int]], root: Path) -> dict[tuple[Path, int], str]:
    """Output folder names: the file stem, made unique with its folders where needed."""

    def base(p: Path, block: int, full: bool) -> str:
        if full:
            try:
                rel = p.relative_to(root)
            except ValueError:
                rel = Path(*p.parts[-2:])
            stem = "-".join([*rel.parent.parts, p.stem])
        else:
            stem = p.stem
        return stem if block == 0 else f"{stem}-block{block + 1}"

    first = {key: base(key[0], key[1], False) for key in ((p, b) for p, b, _ in jobs)}
    counts: dict[str, int] = {}
    for n in first.values():
        counts[n] = counts.get(n, 0) + 1
    out: dict[tuple[Path, int], str] = {}
    taken: set[str] = set(_RESERVED)
    for (p, b), n in sorted(first.items()):
        name = base(p, b, True) if counts[n] > 1 else n
        candidate, i = name, 2
        while candidate in taken:
            candidate, i = f"{name}-{i}", i + 1
        taken.add(candidate)
        out[(p, b)] = candidate
    return out


def _make_folder(path: Path) -> None:
    """Create the output folder up front, so an unwritable one fails before any work."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputRejected(cannot_write(path, exc)) from None


def _metrics(rep: MapReport) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Per-concept metrics and cluster names, for the DOT tooltips and the HTML graph."""
    from conceptmap.export.data import metrics_and_groups

    return metrics_and_groups(rep.centrality, rep.clusters)


#: Largest map `report` draws as a static SVG. Above it, Graphviz takes tens of seconds
#: (``sfdp``; ``dot`` did not finish in ten minutes at 5,000 concepts) for a picture too
#: dense to read; the interactive map in report.html shows such maps.
SVG_MAX_CONCEPTS = 1000


#: Largest map whose interactive graph the report embeds: about 2.5 s to interactive at
#: 5,000 concepts, and the page grows by ~1.2 KB a concept (120 MB at 100,000, with
#: minutes of Graphviz layout first).
GRAPH_MAX_CONCEPTS = 20_000


def _draws_svg(cmap: ConceptMap, svg_ok: bool) -> bool:
    return svg_ok and len(cmap.concepts) <= SVG_MAX_CONCEPTS


def _expected(formats: tuple[str, ...], svg: bool) -> list[str]:
    return [_FORMAT_FILES[f] for f in formats if f != "svg" or svg]


def _write_outputs(
    folder: Path,
    cmap: ConceptMap,
    rep: MapReport,
    formats: tuple[str, ...],
    svg_ok: bool,
    files: dict[str, str],
) -> str | None:
    """Write one map's files; returns a note when the SVG could not be drawn.

    Every file written is recorded in *files* (name -> SHA-256 of its bytes), the manifest
    that lets a later run remove exactly these files when the map is gone.
    """
    from conceptmap.export import ExportError
    from conceptmap.export.dot import engine_for, render, to_dot
    from conceptmap.export.mermaid import to_mermaid

    def write(name: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        write_output(folder / name, raw)
        files[name] = _sha(raw)

    metrics, groups = _metrics(rep)
    note = None
    if "json" in formats:
        write("report.json", rep.model_dump_json(indent=2) + "\n")
    if "md" in formats:
        write("report.md", report_markdown(rep))
    if "mermaid" in formats:
        write("map.mmd", to_mermaid(cmap))
    dot_text = None
    if {"dot", "svg", "html"} & set(formats):
        dot_text = to_dot(cmap, metrics=metrics)
    if "dot" in formats and dot_text is not None:
        write("map.dot", dot_text)
    svg: bytes | None = None
    if not _draws_svg(cmap, svg_ok):
        if svg_ok and "svg" in formats:
            note = (
                f"no SVG: {len(cmap.concepts):,} concepts are more than a static picture shows "
                f"well (the report draws up to {SVG_MAX_CONCEPTS:,}; `conceptmap export FILE "
                "--to svg` draws it anyway)"
            )
            if "html" in formats and len(cmap.concepts) <= GRAPH_MAX_CONCEPTS:
                note += "; report.html has the interactive map"
    elif dot_text is not None and ({"svg", "html"} & set(formats)):
        try:
            svg = render(dot_text, "svg", engine=engine_for(cmap))
        except ExportError as exc:
            note = f"no SVG: {exc}"
    if "svg" in formats and svg is not None:
        write("map.svg", svg)
    if "canvas" in formats:
        from conceptmap.export.canvas import laid_out_canvas

        # Graphviz positions where the report draws an SVG too; a grid above (instant).
        graphviz = len(cmap.concepts) <= SVG_MAX_CONCEPTS
        write("map.canvas", laid_out_canvas(cmap, graphviz=graphviz))
    if "html" in formats:
        from conceptmap.export.html import layout_positions, to_html

        n = len(cmap.concepts)
        if n <= GRAPH_MAX_CONCEPTS:
            graph = to_html(cmap, metrics=metrics, groups=groups, positions=layout_positions(cmap))
            write("report.html", report_html(rep, graph_page=graph, svg=svg))
        else:
            why = (
                f"{n:,} concepts are more than a browser draws in reasonable time (the report "
                f"embeds maps up to {GRAPH_MAX_CONCEPTS:,}; `conceptmap export FILE --to html` "
                "writes the page anyway)"
            )
            write("report.html", report_html(rep, svg=svg, map_note=f"No interactive map: {why}."))
            note = f"{note}; " if note else ""
            note += f"no interactive map: {why}"
    return note


# Which report file an index links to, by preference, among the formats written.
_LINK_ORDER = {
    "md": ("md", "html", "json", "mermaid", "dot", "svg"),
    "html": ("html", "md", "svg", "json", "mermaid", "dot"),
}


def _link(formats: tuple[str, ...], index: str) -> str:
    """The file the ``index.<index>`` links point to: never one that was not written.

    >>> _link(("md", "html"), "html"), _link(("json", "md"), "html"), _link(("json",), "md")
    ('report.html', 'report.md', 'report.json')
    """
    for fmt in _LINK_ORDER[index]:
        if fmt in formats:
            return _FORMAT_FILES[fmt]
    return _FORMAT_FILES[index]


def _load_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# Every file name `report` writes into a map's folder; a cache written before manifests
# existed (no "files" list) is trusted for these names only.
_OUTPUT_NAMES = (*_FORMAT_FILES.values(), "concepts.json")


def _plain_name(name: object) -> bool:
    """A folder or file name directly inside its parent (no separators, not . or ..)."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


def _recorded_files(rec: dict[str, Any]) -> dict[str, str | None]:
    """The files a cache record says `report` wrote (name -> SHA-256, None if unknown)."""
    files = rec.get("files")
    if isinstance(files, dict):
        return {n: h for n, h in files.items() if _plain_name(n) and isinstance(h, str)}
    return dict.fromkeys(_OUTPUT_NAMES)  # an older cache: only our own file names


def _file_sha(p: Path) -> str | None:
    try:
        return _sha(p.read_bytes())
    except OSError:
        return None


def _kept_files(folder: Path, files: dict[str, str | None]) -> dict[str, str]:
    """The recorded *files* that are still in *folder* exactly as `report` wrote them."""
    return {
        n: h
        for n, h in files.items()
        if h is not None
        and (folder / n).is_file()
        and not (folder / n).is_symlink()
        and _file_sha(folder / n) == h
    }


def _source_path(out: Path, rec: dict[str, Any]) -> Path | None:
    """The map file a cache record was made from (None when the record does not say)."""
    src = rec.get("source")
    if isinstance(src, str) and src:
        return (out / src).resolve()
    entry = rec.get("entry")
    if "files" not in rec and isinstance(entry, dict) and isinstance(entry.get("path"), str):
        return Path(entry["path"]).resolve()  # older cache: the path as shown, from the cwd
    return None


def _source_ref(out: Path, path: Path) -> str:
    """How the cache names a map file: relative to the output folder, with ``/``."""
    try:
        return Path(os.path.relpath(path, out)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return path.as_posix()


def _remove_outputs(out: Path, name: str, rec: dict[str, Any]) -> list[str] | None:
    """Delete the files `report` wrote into OUT/*name*, as its cache record lists them.

    A file is deleted only if it still has the bytes `report` wrote (older caches without
    hashes: only `report`'s own file names); the folder goes when nothing else is left in it.
    Returns the names of the files left in place, or None when the record cannot be trusted
    (a name that is not a plain folder name, a symbolic link).
    """
    folder = out / name
    if not _plain_name(name) or folder.is_symlink():
        return None
    if not folder.is_dir():
        return []
    for fname, digest in sorted(_recorded_files(rec).items()):
        p = folder / fname
        if not p.is_file() or p.is_symlink():
            continue
        if digest is None or _file_sha(p) == digest:
            p.unlink()
    left = sorted(p.name for p in folder.iterdir())
    if not left:
        folder.rmdir()
    return left


def _discover(
    paths: tuple[str, ...], problems: list[str], warnings: list[str], plain: list[str]
) -> tuple[list[_Job], int, set[Path], set[Path]]:
    """Maps (one job per flowchart block) with their sibling documents, the number of
    failures, every file looked at, and the files that failed (unreadable, invalid).
    Documents that are neither a map nor about one (study notes) go to *plain*."""
    files, explicit = _collect(paths)
    naming = PathNames(paths)  # files are shown as their PATH was typed
    bad: set[Path] = set()
    root = Path(os.path.commonpath([str(f.parent) for f in files])) if files else Path.cwd()
    docs: dict[Path, tuple[Any, Document, str]] = {}
    refs: list[tuple[Path, Any, str]] = []
    read: dict[Path, Any] = {}  # every file read: source notes are found among them
    unclaimed: list[tuple[Path, str]] = []  # neither a map nor about one (yet)
    failed = 0
    for p in files:
        try:
            f = read[p] = naming.read(p)
        except InputError as exc:
            if skipped := skip_warning(exc, p, explicit):
                warnings.append(skipped)
                continue
            problems.append(str(exc))
            failed += 1
            bad.add(p)
            continue
        try:
            docs[p] = (f, parse_document(f.text, path=f.path), _sha(f.raw))
        except MapSyntaxError as exc:
            problems.append(str(exc))
            failed += 1
            bad.add(p)
        except InputError as exc:
            ref = _map_ref(f.norm)
            if ref is not None:
                refs.append((p, f, ref))
            elif p in explicit:
                problems.append(str(exc))
                failed += 1
                bad.add(p)
            elif not p.stem.lower().startswith("readme"):  # a folder's README: expected
                unclaimed.append((p, f.path))
    sources = {
        p: [(n.path, n.norm, _sha(n.raw)) for n in naming.notes(p, f.norm, read)]
        for p, (f, _, _) in docs.items()
    }
    used = {n for found in sources.values() for n, _, _ in found}
    plain.extend(name for _, name in unclaimed if name not in used)
    siblings: dict[Path, list[tuple[str, str, str]]] = {}
    for p, f, ref in refs:
        found = _find_map(ref, p, f.norm, docs, lambda d: d[0].norm)
        if found is None or found[0] not in docs:
            warnings.append(
                f"{f.path}: warning: its **Concept Map:** {ref!r} is not among the maps "
                "reported; it was not checked"
            )
            continue
        target, note = found
        if note is not None:
            warnings.append(
                f"{f.path}: note: its **Concept Map:** {ref!r} was not found; reported "
                f"with {docs[target][0].path}, the one map made from the same notes ({note})"
            )
        siblings.setdefault(target, []).append((f.path, f.norm, _sha(f.raw)))
    keys = [
        (p, b, 0)
        for p, (_, d, _) in sorted(docs.items(), key=lambda item: natural_key(str(item[0])))
        for b in range(len(d.maps))
    ]
    names = _names(keys, root)
    jobs = [
        _Job(
            name=names[(p, b)],
            path=p,
            display=docs[p][0].path,
            doc=docs[p][1],
            block=b,
            digest=docs[p][2],
            siblings=sorted(siblings.get(p, [])) if b == 0 else [],
            sources=sources.get(p, []),
        )
        for p, b, _ in keys
    ]
    return jobs, failed, set(files), bad


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the reports into.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Files to write for each map (repeatable; default: all of them).",
)
@click.option("--force", is_flag=True, help="Rebuild every map, even unchanged ones.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no line per map.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of clustering.")
@click.option(
    "--reference",
    "reference_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A reference (criterion) map to compare every map with, e.g. a teacher's.",
)
@click.option(
    "--reference-block",
    type=click.IntRange(min=0),
    default=None,
    help="Which flowchart block of the reference map (0-based; default: the first).",
)
def report(
    paths: tuple[str, ...],
    out_dir: str,
    formats: tuple[str, ...],
    force: bool,
    quiet: bool,
    seed: int,
    reference_file: str | None,
    reference_block: int | None,
) -> None:
    """Write a full report for every concept map in PATH (files or folders; default maps/).

    For each map, OUT/<map>/ gets report.md, report.html (interactive graph, sortable
    tables, works offline), report.json (schema: `conceptmap schema`), map.mmd, map.dot,
    map.svg (with Graphviz) and map.canvas (JSON Canvas, for Obsidian). With --reference,
    each report also compares its map with that reference map (concepts used, propositions
    stated; `conceptmap compare`), and the index shows both shares. OUT/index.md and index.html list every map; OUT/combined/ holds
    the combined knowledge graph of all maps and the concepts they share. Documents with a
    `**Concept Map:**` line (flashcards, notes) are validated against that map. Unchanged
    maps are skipped (see OUT/.conceptmap-cache.json) unless --force. The reports of maps
    that are gone are removed ("removed stale report: NAME"): only files this command
    wrote, unchanged since. Exit status: 1 when a map could not be read or has error
    findings.

    \b
    Examples:
        conceptmap report                      # maps/ -> output/
        conceptmap report notes/ -o site/
        conceptmap report maps/transformers.md --format md --format json
        conceptmap report students/ --reference expert-map.md
    """
    if not paths:
        if not Path("maps").is_dir():
            raise UsageProblem(
                "no PATH given and no maps/ folder here; try: conceptmap report FILE"
            )
        paths = ("maps",)
    fmts = tuple(f for f in FORMATS if f in formats) if formats else FORMATS
    out = Path(out_dir)
    svg_ok = shutil.which("dot") is not None
    problems: list[str] = []
    warnings: list[str] = []
    plain: list[str] = []
    jobs, failed, scanned, unreadable = _discover(paths, problems, warnings, plain)
    if jobs:
        _make_folder(out)

    reference: tuple[str, ConceptMap] | None = None
    options: dict[str, Any] = {"formats": list(fmts), "seed": seed, "graphviz": svg_ok}
    if reference_file is not None:
        try:
            ref_path = Path(reference_file).resolve()
            ref_in = PathNames([reference_file]).read(ref_path)
            ref_doc = parse_document(ref_in.text, path=ref_in.path, block=reference_block)
            reference = (ref_in.path, ref_doc.map(reference_block))
        except ConceptMapError as exc:
            raise UsageProblem(f"--reference: {exc}") from None
        except OSError as exc:
            raise UsageProblem(f"--reference {reference_file}: {exc.strerror or exc}") from None
        # Reports compared with another reference (or none) are rebuilt, not skipped.
        options["reference"] = [ref_in.path, _sha(ref_in.raw), reference_block or 0]
    tool = f"conceptmap {__version__}"
    cache_path = out / CACHE_NAME
    out_abs = out.resolve()
    # What earlier runs wrote (whatever their version or options): the manifest of files
    # this command may delete again. Only an up-to-date cache lets unchanged maps be skipped.
    recorded = _load_cache(cache_path)
    cache = {} if force else recorded
    if cache.get("tool") != tool or cache.get("schema_version") != REPORT_SCHEMA_VERSION:
        cache = {}
    old = cache.get("maps", {}) if isinstance(cache.get("maps"), dict) else {}
    before: dict[str, Any] = recorded["maps"] if isinstance(recorded.get("maps"), dict) else {}
    new_cache: dict[str, Any] = {
        "tool": tool,
        "schema_version": REPORT_SCHEMA_VERSION,
        "options": options,
        "maps": {},
    }
    entries: list[IndexEntry] = []
    lines: list[str] = []
    notes: list[str] = []
    if plain and not quiet:  # a folder of notes and maps should not look like it lost files
        what = "document has" if len(plain) == 1 else "documents have"
        notes.append(
            f"note: {len(plain)} {what} no flowchart and no **Concept Map:** line, so "
            f"nothing to report: {name_list(plain[:NAMED], len(plain))}"
        )
    written = skipped = 0
    outdated_files: list[str] = []  # earlier outputs of a changed map, not rewritten: removed

    def run(job: _Job) -> None:
        nonlocal written, skipped, failed
        key = _sha(
            json.dumps(
                {
                    "tool": tool,
                    "options": options,
                    "map": [job.display, job.digest, job.block],
                    "siblings": [[p, h] for p, _, h in job.siblings],
                    "sources": [[p, h] for p, _, h in job.sources],
                    "name": job.name,
                },
                sort_keys=True,
            )
        )
        folder = out / job.name
        source = _source_ref(out_abs, job.path)
        # What the outputs describe: the map (and block) and its sibling documents.
        content = _sha(
            json.dumps([job.digest, job.block, [h for _, _, h in job.siblings + job.sources]])
        )
        prev = old.get(job.name)
        # Files of an earlier run that are still exactly as written stay in the manifest
        # (e.g. report.html after a --format md run), so they are removed with the map.
        earlier = before.get(job.name)
        files: dict[str, str] = {}
        if isinstance(earlier, dict) and isinstance(earlier.get("files"), dict):
            files = _kept_files(folder, _recorded_files(earlier))
        if (
            isinstance(prev, dict)
            and prev.get("key") == key
            and isinstance(prev.get("files"), dict)
            and set(_expected(fmts, _draws_svg(job.cmap, svg_ok))) <= set(files)
        ):
            try:
                entry = IndexEntry.model_validate(prev.get("entry"))
            except ValueError:
                entry = None
            if entry is not None:
                entries.append(entry)
                new_cache["maps"][job.name] = {**prev, "source": source, "files": files}
                skipped += 1
                return
        try:
            rep = build_report(
                job.doc,
                siblings=[(p, t) for p, t, _ in job.siblings],
                sources=[(p, t) for p, t, _ in job.sources],
                block=job.block,
                seed=seed,
                reference=reference,
            )
            fresh: dict[str, str] = {}
            note = _write_outputs(folder, job.cmap, rep, fmts, svg_ok, fresh)
            # Files of an earlier run that this one did not rewrite (another --format, no
            # SVG this time) still describe that run's map: kept only if it is unchanged.
            outdated = sorted(set(files) - set(fresh))
            if outdated and isinstance(earlier, dict) and earlier.get("content") != content:
                for fname in outdated:
                    (folder / fname).unlink(missing_ok=True)
                    del files[fname]
                    outdated_files.append(f"{job.name}/{fname}")
            files.update(fresh)
        except click.ClickException:  # an output that cannot be written stops them all
            raise
        except Exception as exc:  # one broken map must not stop the others
            if isinstance(exc, ConceptMapError):
                msg = str(exc)
            else:
                msg = f"{job.display}: internal error: {type(exc).__name__}: {exc}"
            problems.append(msg)
            entries.append(IndexEntry(name=job.name, path=job.display, status="failed", error=msg))
            failed += 1
            if files:  # still ours: keep them on record (not for skipping: no key)
                new_cache["maps"][job.name] = {
                    "source": source,
                    "files": dict(sorted(files.items())),
                }
            return
        if note:
            notes.append(f"{job.display}: {note}")
        entry = index_entry(rep, name=job.name)
        entries.append(entry)
        new_cache["maps"][job.name] = {
            "key": key,
            "content": content,
            "entry": entry.model_dump(mode="json"),
            "source": source,
            "files": dict(sorted(files.items())),
        }
        written += 1
        v = rep.validation
        lines.append(
            f"{job.display} -> {folder}/ ({plural(rep.stats.concepts, 'concept')}, "
            f"{plural(rep.stats.visible_relationships, 'relationship')}; "
            f"{plural(v.errors, 'error')}, {plural(v.warnings, 'warning')})"
        )

    show_bar = not quiet and len(jobs) > 1 and sys.stderr.isatty()
    if show_bar:
        with click.progressbar(
            jobs,
            label="Reporting",
            file=sys.stderr,
            item_show_func=lambda j: j.display if j is not None else None,
        ) as bar:
            for job in bar:
                run(job)
    else:
        for job in jobs:
            run(job)

    # Maps that failed before a job existed (unreadable, invalid Mermaid) are listed too.
    for msg in problems:
        first = msg.splitlines()[0] if msg else ""
        path = first.split(":", 1)[0]
        if not any(e.path == path for e in entries):
            name = Path(path).stem or "map"
            entries.append(IndexEntry(name=name, path=path, status="failed", error=msg))
    entries.sort(key=lambda e: (e.path, e.name))

    ok_jobs = [j for j in jobs if any(e.name == j.name and e.status == "ok" for e in entries)]
    shared_count: int | None = None
    combined_name: str | None = None
    if len(ok_jobs) >= 2:
        combined_name = COMBINED
        ckey = _sha(
            json.dumps(
                {
                    "tool": tool,
                    "options": options,
                    "maps": [[j.name, j.display, j.digest, j.block] for j in ok_jobs],
                },
                sort_keys=True,
            )
        )
        folder = out / COMBINED
        prev = cache.get("combined") if isinstance(cache.get("combined"), dict) else None
        earlier = recorded.get("combined")
        cfiles: dict[str, str] = {}
        if isinstance(earlier, dict) and isinstance(earlier.get("files"), dict):
            cfiles = _kept_files(folder, _recorded_files(earlier))
        if (
            prev
            and prev.get("key") == ckey
            and isinstance(prev.get("files"), dict)
            and {*_expected(fmts, svg_ok and prev.get("svg", True) is True), "concepts.json"}
            <= set(cfiles)
        ):
            shared_count = int(prev.get("shared", 0))
            new_cache["combined"] = {**prev, "files": cfiles}
        else:
            graph = combine_maps([(j.name, j.cmap) for j in ok_jobs])
            section = combined_section(graph)
            try:
                rep = build_report(graph.cmap, seed=seed, combined=section)
                note = _write_outputs(folder, graph.cmap, rep, fmts, svg_ok, cfiles)
                concepts = graph.model_dump_json(indent=2, exclude={"cmap"}) + "\n"
                write_output(folder / "concepts.json", concepts)
                cfiles["concepts.json"] = _sha(concepts)
            except click.ClickException:
                raise
            except Exception as exc:  # the per-map reports are still good
                problems.append(f"combined graph: internal error: {type(exc).__name__}: {exc}")
                combined_name = None
            else:
                if note:
                    notes.append(f"combined graph: {note}")
                shared_count = len(section.shared)
                new_cache["combined"] = {
                    "key": ckey,
                    "shared": shared_count,
                    "files": dict(sorted(cfiles.items())),
                    "svg": _draws_svg(graph.cmap, svg_ok),
                }
                lines.append(
                    f"combined graph of {len(ok_jobs)} maps -> {folder}/ "
                    f"({len(graph.cmap.concepts)} concepts, {shared_count} shared)"
                )

    # Reports of maps that are gone, and a combined graph this run did not make: delete
    # what earlier runs of this command wrote for them (as their cache records list it).
    removed: list[str] = []
    stale: list[tuple[str, dict[str, Any]]] = []
    listed: list[IndexEntry] = []  # reports kept from earlier runs, listed in the index too
    for name, rec in sorted(before.items()):
        if name in new_cache["maps"] or not isinstance(rec, dict):
            continue
        src = _source_path(out_abs, rec)
        if src is None:
            continue  # a record that names no map file: neither trusted nor kept
        if src.is_file() and (src not in scanned or src in unreadable):
            # The map still exists: outside this run's PATHs, or unreadable just now. Its
            # report stays, and so does its line in the index.
            new_cache["maps"][name] = rec
            try:
                kept_entry = IndexEntry.model_validate(rec.get("entry"))
            except ValueError:  # pydantic's ValidationError: a record without a usable entry
                continue
            if not any(e.name == kept_entry.name for e in entries):
                listed.append(kept_entry)
            continue
        stale.append((name, rec))
    old_combined = recorded.get("combined")
    if combined_name is None and isinstance(old_combined, dict):
        stale.append((COMBINED, old_combined))
    for name, rec in stale:
        if _plain_name(name) and not (out / name).exists() and not (out / name).is_symlink():
            continue  # already gone: just forget it
        left = _remove_outputs(out, name, rec)
        if left is None:
            notes.append(f"{out / name}: stale report not removed (not a plain folder)")
        elif left:
            removed.append(name)
            notes.append(
                f"{out / name}/: kept, it holds files conceptmap did not write "
                f"(or that changed since): {', '.join(left)}"
            )
        else:
            removed.append(name)

    if entries or removed:
        every = sorted([*entries, *listed], key=lambda e: (natural_key(e.path), e.name))
        write_output(
            out / "index.md",
            index_markdown(
                every, shared=shared_count, combined=combined_name, link=_link(fmts, "md")
            ),
        )
        write_output(
            out / "index.html",
            index_html(
                every,
                shared=shared_count,
                combined=combined_name,
                tool=tool,
                link=_link(fmts, "html"),
            ),
        )
        write_output(cache_path, json.dumps(new_cache, indent=2, sort_keys=True) + "\n")

    if not quiet:
        for line in lines:
            click.echo(line)
    for name in removed:  # deleting is never silent, even with --quiet
        click.echo(f"removed stale report: {name}")
    for name in outdated_files:
        click.echo(f"removed outdated file: {name} (its map changed; not written this run)")
    for msg in [*warnings, *notes]:
        click.echo(msg, err=True)
    for msg in problems:
        click.echo(msg, err=True)

    with_errors = sum(1 for e in entries if e.status == "ok" and e.errors)
    total = len(entries)
    if not total:
        raise UsageProblem("no concept map found in " + ", ".join(paths))
    parts = [f"{written} written"]
    if skipped:
        parts.append(f"{skipped} unchanged, skipped")
    if failed:
        parts.append(f"{failed} failed")
    if removed:
        parts.append(f"{len(removed)} stale removed")
    summary = f"{total} map{'s' if total != 1 else ''}: " + ", ".join(parts)
    if with_errors:
        summary += f"; {with_errors} with error findings (see the reports)"
    summary += f"; index: {out / 'index.html'}"
    click.echo(summary)
    if failed or with_errors:
        raise SystemExit(1)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of report.json (written by `conceptmap report`).

    \b
    Example:
        conceptmap schema > report.schema.json
    """
    emit_json(report_json_schema())
