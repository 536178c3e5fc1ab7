"""Fuzzing: no input makes the parser raise anything but ConceptMapError, or hang.

Hypothesis builds text from Mermaid's own alphabet (ids, shapes, link tokens, keywords,
quotes, brackets, comments) so that generated inputs get deep into the grammar.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conceptmap.parse.flowchart as flowchart
from conceptmap import ConceptMapError, parse_document

PIECES = [
    "A",
    "B",
    "c1",
    "end",
    "subgraph",
    "style",
    "class",
    "classDef",
    "click",
    "linkStyle",
    "direction LR",
    "default",
    "-->",
    "---",
    "==>",
    "-.->",
    "--o",
    "--x",
    "<-->",
    "~~~",
    "-- t -->",
    "-. t .->",
    "== t ==>",
    "|t|",
    '"q"',
    '"`m`"',
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "((",
    "))",
    "[[",
    "]]",
    ">",
    "&",
    ":::",
    "@{",
    "shape: rect",
    "label: x",
    "e1@",
    ";",
    "\n",
    " ",
    "\t",
    "%%",
    "%%{init: {}}%%",
    "#quot;",
    "<br>",
    "é",
    "中",
    "😀",
    "---\n",
    "accTitle: t",
    "accDescr {",
    "fill:#f9f",
    "0",
    ",",
    "/",
    "\\",
    "-",
    "=",
    ".",
    "o",
    "x",
]

bodies = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(["flowchart LR\n", "graph TD\n", "flowchart\n", ""]), body=bodies)
def test_parser_never_crashes(header: str, body: str) -> None:
    for path in ("f.mmd", "f.md"):
        text = header + body if path.endswith(".mmd") else f"```mermaid\n{header}{body}\n```\n"
        try:
            parse_document(text, path=path)
        except ConceptMapError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    for candidate in (text, "flowchart LR\n" + text):
        try:
            parse_document(candidate, path="x.mmd")
        except ConceptMapError:
            pass


@settings(max_examples=300, deadline=None)
@given(header=st.sampled_from(["flowchart LR\n", "graph TD\n"]), body=bodies)
def test_fast_path_agrees_with_general_path(header: str, body: str) -> None:
    """The one-regex fast path must build exactly what the general parser builds."""
    _assert_both_paths_agree(header + body)


def _assert_both_paths_agree(text: str) -> None:
    def run():
        try:
            return parse_document(text, path="f.mmd").maps[0].model_dump()
        except ConceptMapError as exc:
            return str(exc)

    fast = run()
    flowchart._USE_FAST_PATH = False
    try:
        slow = run()
    finally:
        flowchart._USE_FAST_PATH = True
    assert fast == slow


@pytest.mark.parametrize(
    "body",
    [
        "click --> B\n",
        "accTitle --> B\n",
        "accDescr --> B\n",
        "A --> end\n",
        "end --> B\n",
        "style --> B\n",
        'A --> "B"\n',
        "A --> B\ndirection TB\nC --> D\n",
        "A -->|  | B\n",
    ],
)
def test_fast_path_leaves_statement_words_to_the_general_path(body: str) -> None:
    """Ids the fast regex accepts but the grammar reads otherwise (keywords, statement
    words, quotes, `direction`, empty link text): both paths give the same answer."""
    _assert_both_paths_agree("flowchart LR\n" + body)
