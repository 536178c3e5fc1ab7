"""``parse`` and ``stats``: what the parser sees in a document."""

from __future__ import annotations

import json
from typing import Any

import click

from conceptmap.cli import cli
from conceptmap.cli._common import (
    InputRejected,
    block_option,
    emit_json,
    format_option,
    handle_errors,
    link_text,
    load_document,
    load_map,
)
from conceptmap.errors import ConceptMapError
from conceptmap.labels import display_label, display_width, fit, plural
from conceptmap.model import ConceptMap


def _map_json(cmap: ConceptMap) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cmap.model_dump_json())
    return data


def _describe_map(cmap: ConceptMap) -> str:
    out = []
    where = f"{cmap.path}:{cmap.line}" if cmap.line else str(cmap.path)
    out.append(f"{cmap.title or '(untitled)'}  [{where}, block {cmap.block}]")
    out.append(
        f"direction {cmap.direction}; {len(cmap.concepts)} concepts, "
        f"{len(cmap.relationships)} relationships, {len(cmap.subgraphs)} subgraphs"
    )
    out.append("")
    out.append("Concepts:")
    for c in cmap.concepts:
        sub = f"  (in {c.subgraph})" if c.subgraph else ""
        out.append(f"  {c.id:<16} {c.label!r}{sub}")
    out.append("")
    out.append("Relationships:")
    for r in cmap.relationships:
        lab = link_text(r.label, "plain", r.head, r.tail, r.stroke)
        out.append(
            f"  {cmap.label_of(r.source)} {lab} {cmap.label_of(r.target)}"
            f"   [{r.kind}, line {r.line}]"
        )
    if cmap.subgraphs:
        out.append("")
        out.append("Subgraphs:")
        for s in cmap.subgraphs:
            parent = f" in {s.parent}" if s.parent else ""
            out.append(f"  {s.id} {s.title!r}{parent}: {', '.join(s.concepts)}")
    return "\n".join(out)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@block_option
@format_option("text", "json", default="text")
@handle_errors
def parse(file: str, block: int | None, fmt: str) -> None:
    """Parse FILE and print the concept map it holds.

    FILE is Markdown with ```mermaid flowchart blocks, or a bare .mmd file. With several
    flowchart blocks, every block is a separate map: JSON prints a list of maps unless
    --block picks one.

    \b
    Example:
        conceptmap parse maps/transformers.md --format json
    """
    if block is not None:
        maps = [load_map(file, block)]
    else:
        maps = list(load_document(file).maps)
    if fmt == "json":
        if len(maps) == 1:  # pydantic writes the same bytes as json.dumps, 5x faster
            click.echo(maps[0].model_dump_json(indent=2))
        else:
            emit_json([_map_json(m) for m in maps])
        return
    click.echo("\n\n".join(_describe_map(m) for m in maps))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@block_option
@format_option("text", "json", default="text")
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Rows of the degree table.",
)
@handle_errors
def stats(files: tuple[str, ...], block: int | None, fmt: str, top: int) -> None:
    """Counts, relationships by kind, subgraphs, components and the best-connected concepts.

    \b
    Example:
        conceptmap stats maps/transformers.md --top 5
        conceptmap stats maps/*.md --format json
    """
    from conceptmap.analysis import map_stats

    results = []
    failed: list[str] = []  # one file that cannot be read does not cost the others
    for file in files:
        try:
            maps = [load_map(file, block)] if block is not None else list(load_document(file).maps)
        except ConceptMapError as exc:
            if len(files) == 1:
                raise
            failed.append(str(exc))
            continue
        for m in maps:
            results.append((file, m, map_stats(m, top=top or None)))
    if fmt == "json":
        data = []
        for file, m, st in results:
            d = json.loads(st.model_dump_json())
            data.append({"path": file, "block": m.block, "title": m.title, **d})
        if data:
            emit_json(data[0] if len(data) == 1 and not failed else data)
        if failed:
            raise InputRejected("\n".join(failed))
        return
    chunks = []
    for file, m, st in results:
        lines = [
            f"{file}"
            + (f" (block {m.block})" if len(results) > 1 else "")
            + (f": {m.title}" if m.title else "")
        ]
        # Invisible `~~~` links are layout hints: not counted (as the validator counts)
        by_kind = sorted(st.relationships_by_kind.items())
        kinds = ", ".join(f"{k} {v}" for k, v in by_kind if k != "invisible") or "none"
        hidden = st.relationships - st.visible_relationships
        if hidden:
            kinds += f"; {plural(hidden, 'invisible link')} not counted"
        lines.append(f"  concepts:       {st.concepts}")
        lines.append(f"  relationships:  {st.visible_relationships} ({kinds})")
        lines.append(f"  labelled:       {st.labelled_relationships}")
        lines.append(f"  subgraphs:      {len(st.subgraphs)}")
        comp_sizes = ", ".join(str(len(c)) for c in st.components[:8])
        more = " …" if len(st.components) > 8 else ""
        lines.append(f"  components:     {len(st.components)} (sizes {comp_sizes}{more})")
        iso = ", ".join(f"{display_label(m.label_of(c))} ({c})" for c in st.isolated[:10]) or "none"
        if len(st.isolated) > 10:
            iso += f" and {len(st.isolated) - 10} more"
        lines.append(f"  isolated:       {iso}")
        lines.append(f"  density:        {st.density:.4f}")
        if st.degrees:
            lines.append("  most connected:")
            width = max(display_width(display_label(d.label)) for d in st.degrees)
            for d in st.degrees:
                lines.append(
                    f"    {fit(display_label(d.label), width)}  {d.degree:>4}  "
                    f"(in {d.in_degree}, out {d.out_degree})"
                )
        chunks.append("\n".join(lines))
    if chunks:
        click.echo("\n\n".join(chunks))
    if failed:
        raise InputRejected("\n".join(failed))
