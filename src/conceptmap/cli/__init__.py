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
]

_register()


def main() -> None:
    cli(prog_name="conceptmap")
