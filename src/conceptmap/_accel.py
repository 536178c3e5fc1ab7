"""The optional compiled helpers, or None where they were not built.

``conceptmap._speedups`` (``src/conceptmap/_speedups.c``, built by ``setup.py`` when a C
compiler is there) holds compiled twins of the parser's and the model's hot loops; the
Python code stays the reference and the fallback. ``CONCEPTMAP_SPEEDUPS=0`` in the
environment turns them off (to compare, or to rule them out). Callers read
``speedups`` at call time, so tests can switch it off by setting it to None.
"""

from __future__ import annotations

import os
from types import ModuleType

#: The version of the functions and signatures the Python code calls in ``_speedups``
#: (``SPEEDUPS_API`` in the C). A build of another version, say a stale one an editable
#: install kept from an older checkout, is not used: the pure Python runs instead.
API = 9

speedups: ModuleType | None = None
if os.environ.get("CONCEPTMAP_SPEEDUPS", "1") != "0":
    try:
        from conceptmap import _speedups as speedups
    except ImportError:  # not built (no C compiler when installed): pure Python
        speedups = None
    if speedups is not None and getattr(speedups, "API", None) != API:
        speedups = None


def active() -> bool:
    """Whether the compiled helpers are in use."""
    return speedups is not None
