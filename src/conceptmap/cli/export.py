"""`export` command: a map as Mermaid, DOT, SVG, PNG, HTML, JSON, GraphML, GEXF or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from conceptmap.cli import cli
from conceptmap.cli._common import (
    UsageProblem,
    block_option,
    handle_errors,
    load_map,
    write_output,
)
from conceptmap.export import (
    BINARY_FORMATS,
    EXTENSIONS,
    FORMATS,
    GraphvizMissingError,
    export,
)
from conceptmap.model import ConceptMap

__all__ = ["export_cmd"]

#: Formats written to ``output/<stem>.<ext>`` when no ``-o`` is given (not for a terminal).
FILE_FORMATS = frozenset({"svg", "png", "html", "canvas"})


def _path_ids(cmap: ConceptMap, start: str, goal: str) -> list[str]:
    """Concept ids of the learning route from *start* to *goal* (names resolved forgivingly)."""
    from conceptmap.analysis import learning_path, resolve_concept

    a, b = resolve_concept(cmap, start), resolve_concept(cmap, goal)
    if a == b:
        return [a]
    route = learning_path(cmap, a, b)
    if not route.found:  # no route along the learning order: show how they are related
        route = learning_path(cmap, a, b, any_direction=True)
    if not route.found:
        raise UsageProblem(
            f"--path: {cmap.label_of(a)!r} and {cmap.label_of(b)!r} are not connected"
        )
    return [route.steps[0].from_id, *(s.to_id for s in route.steps)]


def _default_output(file: str, fmt: str) -> Path:
    stem = "stdin" if file == "-" else Path(file).stem
    return Path("output") / f"{stem}.{EXTENSIONS[fmt]}"


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Output file ('-' for stdout). Default: stdout for text formats, "
    "output/<name>.<ext> for svg, png, html and canvas.",
)
@block_option
@click.option(
    "--path",
    "path_ends",
    nargs=2,
    metavar="FROM TO",
    default=None,
    help="Highlight the learning path between two concepts (id or label).",
)
@handle_errors
def export_cmd(
    file: str,
    fmt: str,
    output: str | None,
    block: int | None,
    path_ends: tuple[str, str] | None,
) -> None:
    """Export a concept map to another format.

    Text formats (mermaid, dot, json, graphml, gexf, csv) go to stdout unless -o is
    given; svg, png, html and canvas (JSON Canvas, for Obsidian) go to
    output/<name>.<ext>. svg and png need Graphviz (`apt-get install graphviz`); without
    it the .dot file is written instead and the exit code is 1 (canvas then lays the
    concepts out on a grid).

    \b
    Example:
        conceptmap export maps/transformers.md --to mermaid
        conceptmap export maps/transformers.md --to svg -o docs/transformers.svg
        conceptmap export maps/transformers.md --to html --path "self attention" BERT
        conceptmap export maps/transformers.md --to canvas -o notes/transformers.canvas
    """
    cmap = load_map(file, block)
    highlight = _path_ids(cmap, *path_ends) if path_ends else None
    target: Path | None
    if output == "-" or (output is None and fmt not in FILE_FORMATS):
        target = None
    else:
        target = Path(output) if output is not None else _default_output(file, fmt)

    try:
        data = export(cmap, fmt, highlight_path=highlight)
    except GraphvizMissingError as exc:
        from conceptmap.export import EXPORTERS

        dot_text = EXPORTERS["dot"](cmap, highlight_path=highlight)
        dot_path = (target or _default_output(file, fmt)).with_suffix(".dot")
        write_output(dot_path, dot_text)
        click.echo(f"error: {exc}", err=True)
        click.echo(f"wrote {dot_path} instead (render it with: dot -T{fmt} {dot_path})", err=True)
        click.get_current_context().exit(1)  # raises: the export stops here

    if target is None:
        if isinstance(data, bytes):
            if fmt in BINARY_FORMATS and sys.stdout.isatty():
                raise UsageProblem(f"refusing to write {fmt} to a terminal; use -o FILE")
            # echo writes bytes to the binary stdout; click.get_binary_stream is
            # deprecated since Click 8.5 (removed in 9) and untyped there.
            click.echo(data, nl=False)
        else:
            click.echo(data, nl=False)
        return
    write_output(target, data)
    click.echo(f"wrote {target}", err=True)
