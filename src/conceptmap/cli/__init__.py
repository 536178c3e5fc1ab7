"""The ``conceptmap`` command line (click). See ``conceptmap --help``."""

from __future__ import annotations

import importlib

import click

from conceptmap import __version__
from conceptmap.cli._common import CONTEXT_SETTINGS

__all__ = ["cli", "load_all_commands", "main"]


#: Command name -> module under conceptmap.cli that defines it. Modules are imported only
#: when one of their commands runs (or for --help), so `conceptmap stats` does not pay
#: for networkx, Jinja2 or the validator.
LAZY_COMMANDS = {
    "parse": "core",
    "stats": "core",
    "centrality": "analyse",
    "clusters": "analyse",
    "bridges": "analyse",
    "path": "analyse",
    "prereqs": "analyse",
    "order": "analyse",
    "quality": "analyse",
    "compare": "analyse",
    "validate": "validate",
    "export": "export",
    "report": "report",
    "schema": "report",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            importlib.import_module(f"conceptmap.cli.{LAZY_COMMANDS[cmd_name]}")
        return self.commands.get(cmd_name)


@click.group(cls=_LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="conceptmap")
def cli() -> None:
    """Read, analyse, validate and export concept maps written as Mermaid flowcharts.

    \b
    Start with:
        conceptmap report                  # every map in maps/, into output/
        conceptmap stats maps/transformers.md
        conceptmap validate maps/
    """


def load_all_commands() -> dict[str, click.Command]:
    """Import every command module; returns name -> command (for docs and tests)."""
    for module in sorted(set(LAZY_COMMANDS.values())):
        importlib.import_module(f"conceptmap.cli.{module}")
    return dict(sorted(cli.commands.items()))


def main(*, hard_exit: bool = True) -> None:
    """Console entry point. An unexpected exception is a bug: say so in one line, exit 3.

    With *hard_exit* (the console script), the process ends with ``os._exit`` once the
    output is flushed; without it (tests calling this in-process), ``SystemExit``."""
    import os
    import sys

    from conceptmap.cli import _common

    _common.PROCESS_ENDS_WITH_COMMAND = hard_exit
    try:
        cli(prog_name="conceptmap")
    except SystemExit as done:  # click ends every command this way
        code = done.code
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("CONCEPTMAP_DEBUG"):
            raise
        print(
            f"conceptmap: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug; please report it with the input (CONCEPTMAP_DEBUG=1 shows the "
            "traceback).",
            file=sys.stderr,
        )
        code = 3
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    # Leave without tearing the heap down object by object (a 100,000-concept map is a
    # million objects: ~0.1 s of freeing for nothing), as mypy does. Every file was
    # written and closed by now; the output streams are flushed here.
    if not hard_exit:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # `conceptmap ... | head`, or a closed stream
        pass
    os._exit(code or 0)
