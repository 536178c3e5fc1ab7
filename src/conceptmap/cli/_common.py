"""Shared pieces of the command line: reading inputs, option bundles, error handling.

This package is the only place that reads or writes files, prints, or picks exit codes:
0 success, 1 input rejected (or findings, for ``validate``), 2 usage error.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from conceptmap.errors import ConceptMapError, InputError, UnknownConceptError
from conceptmap.model import ConceptMap
from conceptmap.parse import Document, decode_bytes, parse_document

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class InputRejected(click.ClickException):
    """Input that is not a valid concept map: message already formatted, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class UsageProblem(click.ClickException):
    """A usage error that click cannot detect itself (unknown concept, ...): exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def read_text(path: str) -> str:
    """The file's text, or :class:`InputError` with a one-line reason."""
    if path == "-":
        return decode_bytes(sys.stdin.buffer.read(), path="<stdin>")
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path=path) from None
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    return decode_bytes(data, path=path)


#: The document loaded last, kept until the process ends: the console script leaves with
#: ``os._exit`` (see ``cli.main``), so a big map is never freed object by object when its
#: command returns (~0.1 s for a 100,000-concept map). One at a time, so commands over a
#: folder hold no more than before.
_LAST_LOADED: list[Document] = []


def load_document(path: str, block: int | None = None) -> Document:
    """The document at *path* (``-``: standard input); see ``parse_document(block=)``."""
    doc = parse_document(read_text(path), path="<stdin>" if path == "-" else path, block=block)
    _LAST_LOADED[:] = [doc]
    return doc


#: Set by the console script (``cli.main``), whose process ends when the command does;
#: not when the commands run inside another program (tests, ``CliRunner``).
PROCESS_ENDS_WITH_COMMAND = False


def one_map_process() -> None:
    """Switch the cyclic garbage collector off for the rest of a command that reads one
    map, answers and exits (only in the console script's own process): its objects hold
    no reference cycles worth collecting (reference counting frees them), while each
    collection would rescan the whole parsed map (a million objects at 100,000
    concepts: 0.1-0.3 s per command)."""
    if PROCESS_ENDS_WITH_COMMAND:
        gc.disable()


def load_map(path: str, block: int | None = None) -> ConceptMap:
    """The map of flowchart *block* (default: the first); with *block*, other flowcharts
    of the file need not be valid (a warning names each one that is not)."""
    doc = load_document(path, block)
    for i in doc.broken if block is not None and block < len(doc.maps) else ():
        click.echo(
            f"warning: {doc.path}:{doc.blocks[i].fence_line}: flowchart block {i} has errors; "
            f"left out (--block {block})",
            err=True,
        )
    return doc.map(block)


_HEAD_TEXT = {"arrow": ">", "circle": "o", "cross": "x", "none": "-"}
_TAIL_TEXT = {"arrow": "<", "circle": "o", "cross": "x"}


def link_text(label: str | None, kind: str, head: str, tail: str, stroke: str) -> str:
    """A relationship's link in text output: ``--uses-->``, ``---`` (open), ``--o``,
    ``<-->``, ``~~~``; an unlabelled link of another kind than plain shows it
    (``--(has-part)--o``). The line is always ``--``: thick and dotted are styles.

    >>> link_text("uses", "primary", "arrow", "none", "thick"), link_text(None, "plain", "none", "none", "normal")
    ('--uses-->', '---')
    """
    if stroke == "invisible":
        return "~~~"
    start, end = _TAIL_TEXT.get(tail, ""), _HEAD_TEXT.get(head, "-")
    if label:
        return f"{start}--{label}--{end}"
    return f"{start}--{end}" if kind == "plain" else f"{start}--({kind})--{end}"


def handle_errors(fn: F) -> F:
    """Turn library errors into messages and exit codes (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UnknownConceptError as exc:
            raise UsageProblem(str(exc)) from None
        except ConceptMapError as exc:
            raise InputRejected(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


block_option = click.option(
    "--block",
    type=click.IntRange(min=0),
    default=None,
    help="Which flowchart block of the document (0-based; default: the first).",
)


def emit_json(data: Any) -> None:
    """Print JSON deterministically (sorted where the data is a plain dict)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def cannot_write(path: str | Path, exc: OSError) -> str:
    """The one-line error for an output file that cannot be written (not a bug: exit 1).

    >>> cannot_write("/proc/x.svg", FileNotFoundError(2, "No such file or directory"))
    'error: cannot write /proc/x.svg: No such file or directory'
    """
    return f"error: cannot write {path}: {exc.strerror or exc}"


def write_output(path: str | Path, data: str | bytes) -> None:
    """:func:`write_atomic`, where a path that cannot be written (no such folder, no
    permission, a full disk) stops the command with :func:`cannot_write`'s line, exit 1."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise InputRejected(cannot_write(path, exc)) from None


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write *data* to *path* via a temporary file and rename (never a half-written file)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        if p.exists():
            os.chmod(tmp, p.stat().st_mode & 0o7777)
        else:  # mkstemp makes 0600; a new file gets the usual 0666 minus the umask
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
