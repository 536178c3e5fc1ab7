"""Finding and reading input files for `validate` and `report`.

A directory is searched recursively for Markdown and Mermaid files (hidden folders
skipped); a document that is not a map but says ``**Concept Map:** path`` is a *sibling*
of that map (resolved against its own folder, then by file name among the inputs).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from conceptmap._order import natural_key
from conceptmap.cli._common import UsageProblem
from conceptmap.errors import InputError
from conceptmap.parse import decode_bytes

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MAP_REF_RE",
    "InputFile",
    "PathNames",
    "collect_inputs",
    "display_path",
    "find_map",
    "map_reference",
    "skip_warning",
    "read_input",
    "resolve_reference",
    "same_source_map",
    "source_notes",
]

#: Files a folder is searched for: Markdown notes (``.txt`` too: generated study material
#: often is, like the seed documents), bare Mermaid.
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".mmd", ".mermaid")
MAP_REF_RE = re.compile(
    r"^[ \t>]*(?:[-*+][ \t]+)?\*\*Concept Map:?\*\*:?[ \t]*(.+?)[ \t]*$", re.I | re.M
)
_BOM = b"\xef\xbb\xbf"
_T = TypeVar("_T")


@dataclass
class InputFile:
    path: str
    raw: bytes
    text: str  # decoded, original newlines
    norm: str = field(init=False)

    def __post_init__(self) -> None:
        self.norm = self.text.replace("\r\n", "\n").replace("\r", "\n")

    def encode(self, text: str) -> bytes:
        data = text.encode("utf-8")
        return _BOM + data if self.raw.startswith(_BOM) else data


def display_path(p: Path) -> str:
    try:
        return os.path.relpath(p)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(p)


def collect_inputs(paths: tuple[str, ...]) -> tuple[list[Path], set[Path]]:
    """Files to check, and which of them were named explicitly."""
    files: list[Path] = []
    explicit: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                (
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in DOCUMENT_SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                ),
                key=lambda f: natural_key(str(f)),
            )
            files.extend(found)
        elif p.is_file():
            files.append(p)
            explicit.add(p.resolve())
        else:
            raise UsageProblem(f"{raw}: no such file or directory")
    unique = list(dict.fromkeys(f.resolve() for f in files))
    return unique, explicit


def skip_warning(exc: InputError, path: Path, explicit: set[Path]) -> str | None:
    """The warning for an unreadable file that is skipped, or None when it is an error.

    A ``.txt`` file a folder scan found may well be no note at all (a log, a file in
    another encoding), so it is skipped with a warning; anything else is an error.
    """
    if path in explicit or path.suffix.lower() != ".txt":
        return None
    return f"{exc.path}: warning: {exc.message}; skipped"


def read_input(path: Path, shown: str | None = None) -> InputFile:
    """The file at *path*, named *shown* (default: relative to the working directory);
    :class:`InputError` if it cannot be read or decoded."""
    name = shown if shown is not None else display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    return InputFile(name, raw, decode_bytes(raw, path=name))


class PathNames:
    """Names the files a run reads the way the user typed the PATH they were found under.

    ``collect_inputs`` hands back resolved (absolute) paths; shown relative to the working
    directory, an absolute PATH would come back as ``../../...``, which only works from
    one directory. Here a file named on the command line keeps its name, a file found in
    a folder PATH is that folder as typed plus the file's place below it, and any other
    file (a source note next to a map) is shown absolute when every PATH was, else
    relative to the working directory.

    >>> names = PathNames(["/no/such/maps/", "notes"])
    >>> names.shown(Path("/no/such/maps/ml/a.md")), names.shown(Path.cwd() / "notes/b.md")
    ('/no/such/maps/ml/a.md', 'notes/b.md')
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self._exact: dict[Path, str] = {}
        roots: list[tuple[Path, Path]] = []
        typed = [Path(raw) for raw in paths]
        for p in typed:
            root = p if p.is_dir() else p.parent
            if p.is_file():
                self._exact[p.resolve()] = str(p)
            roots.append((root.resolve(), root))
        # the deepest folder first: a file below two PATHs is shown under the nearer one
        self._roots = sorted(roots, key=lambda r: -len(r[0].parts))
        self._absolute = bool(typed) and all(p.is_absolute() for p in typed)

    def shown(self, path: Path) -> str:
        """How to show the (resolved) *path* in findings, messages and commands."""
        if path in self._exact:
            return self._exact[path]
        for resolved, typed in self._roots:
            if path.is_relative_to(resolved):
                return str(typed / path.relative_to(resolved))
        return str(path) if self._absolute else display_path(path)

    def read(self, path: Path) -> InputFile:
        """The file at *path*, named as :meth:`shown` says; :class:`InputError` if unreadable."""
        return read_input(path, self.shown(path))

    def notes(self, map_path: Path, map_text: str, known: Mapping[Path, Any]) -> list[InputFile]:
        """The map's source notes (:func:`source_notes`), named as :meth:`shown` says."""
        return source_notes(map_path, map_text, known, read=self.read)


def map_reference(text: str) -> str | None:
    m = MAP_REF_RE.search(text)
    return m.group(1).strip("`<> ") if m else None


def resolve_reference(ref: str, referrer: Path, maps: Mapping[Path, Any]) -> Path | None:
    cand = (referrer.parent / ref).resolve()
    if cand.is_file():
        return cand
    by_name = [p for p in maps if p.name == Path(ref).name]
    return by_name[0] if len(by_name) == 1 else None


@functools.lru_cache(maxsize=4096)
def _source_names(text: str) -> tuple[str, ...]:
    """File names on *text*'s ``**Source:**`` line. Cached: every unresolved reference of a
    folder asks it of every map (a str keeps its hash, so a lookup costs no rehash)."""
    from conceptmap.validate.sources import source_references

    return tuple(Path(ref).name for ref, _, _ in source_references(text))


def same_source_map(text: str, maps: dict[Path, str]) -> tuple[Path, str] | None:
    """The one map (path -> text) made from a note that *text*'s ``**Source:**`` line names.

    Generated study material names its map by the path it had where it was generated
    (the seed flashcards: ``notes/transformers/concept-maps/...``), which rarely survives
    a move; the notes it was made from are named the same way in the map's header. When
    exactly one map shares a source file name with the document, that map is meant.
    Returns the map's path and the shared file name, or None (no map, or several).

    >>> cards = "# Cards\\n**Source:** notes/t/study.md\\n**Concept Map:** gone.md\\n"
    >>> maps = {Path("a.md"): "# A\\n**Source:** study.md\\n", Path("b.md"): "# B\\n"}
    >>> same_source_map(cards, maps)
    (PosixPath('a.md'), 'study.md')
    >>> same_source_map(cards, {**maps, Path("c.md"): "**Source:** x/STUDY.md"}) is None
    True
    """
    own = {name.casefold(): name for name in _source_names(text)}
    if not own:
        return None
    found = [
        (path, own[key])
        for path, map_text in maps.items()
        for key in dict.fromkeys(name.casefold() for name in _source_names(map_text))
        if key in own
    ]
    if len({path for path, _ in found}) != 1:
        return None
    return found[0]


def find_map(
    ref: str, referrer: Path, referrer_text: str, maps: Mapping[Path, _T], text: Callable[[_T], str]
) -> tuple[Path, str | None] | None:
    """The map a document's ``**Concept Map:** ref`` line means: the file *ref* names
    (:func:`resolve_reference`), else the one map among *maps* made from the same notes
    (:func:`same_source_map`; *text* gives a map's text). Returns the map's path and, when
    it was found by its notes, the shared note's file name; None when nothing fits."""
    target = resolve_reference(ref, referrer, maps)
    if target is not None:
        return target, None
    return same_source_map(referrer_text, {p: text(m) for p, m in maps.items()})


def source_notes(
    map_path: Path,
    map_text: str,
    known: Mapping[Path, Any],
    read: Callable[[Path], InputFile] = read_input,
) -> list[InputFile]:
    """The notes the map's ``**Source:**`` line names that can be found: next to the map, or
    by file name among the files of the run (*known*: path -> InputFile; others are read
    with *read*); unreadable ones are left out (grounding is then not checked against
    them)."""
    from conceptmap.validate.sources import source_references

    out: list[InputFile] = []
    for ref, _line, _col in source_references(map_text):
        target = resolve_reference(ref, map_path, known)
        if target is None or target == map_path:
            continue
        f = known.get(target)
        if not isinstance(f, InputFile):
            try:
                f = read(target)
            except InputError:
                continue
        out.append(f)
    return out
