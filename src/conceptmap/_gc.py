"""Pause Python's cyclic garbage collector around allocation-heavy pure functions.

Parsing a large map, or building its learning graph, allocates hundreds of thousands of
small tuples, lists and records and no reference cycles. The collector would rescan the
growing heap again and again (measured: 30 % of parsing, half of building a 100k-concept
learning graph). Reference counting still frees everything; the collector is switched
back on (if it was on) when the function returns or raises.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["gc_paused"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def gc_paused(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorator: run *func* with the cyclic garbage collector off.

    >>> @gc_paused
    ... def f():
    ...     return gc.isenabled()
    >>> f(), gc.isenabled()
    (False, True)
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper
