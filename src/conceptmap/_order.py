"""Natural order for file names: ``week2`` before ``week10``, as a file browser lists them.

Note vaults number their folders and files (``topic1`` ... ``topic12``, ``000_map.txt``);
plain string order would list ``topic10`` and ``topic11`` before ``topic2``.
"""

from __future__ import annotations

import re

__all__ = ["natural_key"]

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """A sort key reading runs of digits as numbers (ties fall back to the text itself).

    The first part alternates text and number, always starting with text, so any two keys
    compare without mixing types.

    >>> sorted(["topic10/a.md", "topic2/a.md", "topic1/b.md", "Topic1/a.md"], key=natural_key)
    ['Topic1/a.md', 'topic1/b.md', 'topic2/a.md', 'topic10/a.md']
    >>> sorted(["a01", "a1", "a", "a1b", "a1.md"], key=natural_key)
    ['a', 'a01', 'a1', 'a1.md', 'a1b']
    """
    parts = _DIGITS.split(text)
    return tuple(int(p) if i % 2 else p.casefold() for i, p in enumerate(parts)), text
