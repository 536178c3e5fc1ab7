"""The ``conceptmap`` command line (click). See ``conceptmap --help``."""

from __future__ import annotations

import click

from conceptmap import __version__
from conceptmap.cli._common import CONTEXT_SETTINGS

__all__ = ["cli", "main"]


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="conceptmap")
def cli() -> None:
    """Read, analyse, validate and export concept maps written as Mermaid flowcharts.

    \b
    Start with:
        conceptmap report maps/            # everything, into output/
        conceptmap stats maps/transformers.md
    """


def _register() -> None:
    # Each module adds its commands to ``cli``; one module per concern.
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"conceptmap.cli.{name}")


COMMAND_MODULES = [
    "core",
    "analyse",
    "validate",
    "export",
]

_register()


def main() -> None:
    """Console entry point. An unexpected exception is a bug: say so in one line, exit 3."""
    import os
    import sys

    try:
        cli(prog_name="conceptmap")
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("CONCEPTMAP_DEBUG"):
            raise
        print(
            f"conceptmap: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug; please report it with the input (CONCEPTMAP_DEBUG=1 shows the "
            "traceback).",
            file=sys.stderr,
        )
        sys.exit(3)
