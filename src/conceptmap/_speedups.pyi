from typing import Any

def fast_match(
    src: str, pos: int, /
) -> tuple[int, int, int, int, int, int, int, int, int, int, int, int, int] | None: ...
def fast_run(
    src: str,
    pos: int,
    vertices: dict[str, Any],
    pair_count: dict[tuple[str, str], int],
    edges: list[Any],
    edge_by_id: dict[str, int],
    members: list[Any] | None,
    vertex_cls: type,
    parts_of: dict[str, tuple[str, str, str, int]],
    link_parts: Any,
    statement_words: frozenset[str],
    /,
) -> int: ...
def trusted_many(cls: type, fields_set: set[str], rows: Any, /) -> list[Any]: ...
