from typing import Any

API: int

def fast_match(
    src: str, pos: int, /
) -> tuple[int, int, int, int, int, int, int, int, int, int, int, int, int] | None: ...
def fast_run(
    src: str,
    pos: int,
    vertices: dict[str, Any],
    pair_count: dict[tuple[str, str], int],
    edges: list[Any],
    members: list[Any] | None,
    vertex_cls: type,
    parts_of: dict[str, tuple[str, str, str, int]],
    link_parts: Any,
    statement_words: frozenset[str],
    /,
) -> int: ...
def line_starts(src: str, /) -> list[int]: ...
def line_marks(src: str, /) -> tuple[list[int], list[int], list[int]]: ...
def trusted_many(cls: type, fields_set: set[str], rows: Any, /) -> list[Any]: ...
def trusted_columns(
    cls: type, fields_set: set[str], names: tuple[str, ...], columns: tuple[Any, ...], /
) -> list[Any]: ...
def trusted_picks(
    cls: type, fields_set: set[str], names: tuple[str, ...], sources: Any, indices: Any, /
) -> list[Any]: ...
def relationship_records(
    cls: type,
    fields_set: set[str],
    edges: list[Any],
    kinds: dict[tuple[str, str, str], str],
    kind_of: Any,
    styles: dict[int, list[str]],
    starts: list[int],
    offsets: tuple[int, ...],
    first_line: int,
    /,
) -> list[Any]: ...
def concept_records(
    cls: type,
    fields_set: set[str],
    vertices: dict[str, Any],
    sub_ids: dict[str, Any],
    owner: dict[str, str],
    starts: list[int],
    offsets: tuple[int, ...],
    first_line: int,
    /,
) -> list[Any]: ...
def prereq_plan(
    rels: Any,
    memo: dict[Any, tuple[bool, bool, float, str | None]],
    classify: Any,
    unknown: dict[str | None, list[int]],
    target: str,
    known: Any,
    /,
) -> tuple[
    list[str], list[int], list[int], list[tuple[list[str], list[int]]], set[str], int, bool
]: ...
def path_plan(
    rels: Any,
    memo: dict[Any, tuple[bool, bool, float, str | None]],
    classify: Any,
    unknown: dict[str | None, list[int]],
    start: str,
    goal: str,
    any_direction: bool,
    /,
) -> tuple[
    tuple[float, list[tuple[str, str, int, bool, float]]] | None,
    bool,
    list[tuple[list[str], list[int]]],
    list[int],
]: ...
def order_plan(
    rels: Any,
    memo: dict[Any, tuple[bool, bool, float, str | None]],
    classify: Any,
    unknown: dict[str | None, list[int]],
    concepts: Any,
    known: Any,
    /,
) -> tuple[list[str], list[int], list[list[int]], list[tuple[list[str], list[int]]], int]: ...
