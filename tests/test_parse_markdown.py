"""Finding flowcharts in Markdown, and mapping positions back to the file."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conceptmap import InputError, MapSyntaxError, parse_document, parse_map
from conceptmap.parse.markdown import find_mermaid_blocks


def test_fence_in_list_and_quote_and_tilde():
    text = (
        "# Notes\n"
        "\n"
        "- item\n"
        "\n"
        "  ```mermaid\n"
        "  flowchart LR\n"
        "    A --> B\n"
        "  ```\n"
        "\n"
        "> ~~~mermaid\n"
        "> graph TD\n"
        "> X-->Y\n"
        "> ~~~\n"
    )
    blocks = find_mermaid_blocks(text)
    assert [b.first_line for b in blocks] == [6, 11]
    # Column offsets: the list item's indent (2) and the quote prefix ("> ").
    assert blocks[0].col_offsets == (2, 2)
    assert blocks[1].col_offsets == (2, 2)
    doc = parse_document(text, path="notes.md")
    assert [len(m.relationships) for m in doc.maps] == [1, 1]
    assert doc.maps[1].relationships[0].source == "X"
    assert doc.maps[0].concepts[0].line == 7
    assert doc.maps[0].concepts[0].column == 5


def test_error_position_is_in_file_coordinates():
    text = "Intro\n\n- list\n\n  ```mermaid\n  flowchart LR\n    A --> B\n    B -=> C\n  ```\n"
    with pytest.raises(MapSyntaxError) as exc:
        parse_document(text, path="notes.md")
    (d,) = exc.value.diagnostics
    assert (d.path, d.line, d.column) == ("notes.md", 8, 7)
    assert str(d).splitlines()[0].startswith("notes.md:8:7: error: unknown link '-=>'")
    # The caret sits under the bad token in the original line.
    src, caret = str(d).splitlines()[1:3]
    assert src[caret.index("^")] == "-"


def test_code_fence_that_is_not_mermaid_is_ignored():
    text = "```python\nflowchart LR\n```\n\n```mermaid\nflowchart LR\nA-->B\n```\n"
    doc = parse_document(text, path="x.md")
    assert len(doc.maps) == 1


def test_several_blocks_one_map_each_and_block_option():
    text = "```mermaid\nflowchart LR\nA-->B\n```\n\n```mermaid\ngraph TD\nC-->D\nD-->E\n```\n"
    doc = parse_document(text, path="x.md")
    assert [m.block for m in doc.maps] == [0, 1]
    assert len(parse_map(text, path="x.md", block=1).relationships) == 2
    with pytest.raises(InputError, match="block 2 out of range"):
        parse_map(text, path="x.md", block=2)


def test_all_errors_of_all_blocks_in_one_run():
    text = "```mermaid\nflowchart LR\nA-->end\nB-=>C\n```\n\n```mermaid\ngraph TD\nC[x\n```\n"
    with pytest.raises(MapSyntaxError) as exc:
        parse_document(text, path="x.md")
    assert [(d.line, d.column) for d in exc.value.diagnostics] == [(3, 5), (4, 3), (9, 2)]


def test_a_chosen_block_need_not_wait_for_the_others():
    """With block=N only that flowchart must be valid; a broken other one is left empty."""
    text = "```mermaid\nflowchart LR\nA-->B\n```\n\n```mermaid\ngraph TD\nC[x\n```\n"
    doc = parse_document(text, path="x.md", block=0)
    assert doc.broken == (1,) and len(doc.maps[0].relationships) == 1
    assert doc.maps[1].concepts == ()
    assert parse_map(text, path="x.md", block=0).relationships[0].target == "B"
    with pytest.raises(MapSyntaxError) as exc:  # the chosen block's own errors only
        parse_document(text, path="x.md", block=1)
    assert [(d.line, d.column) for d in exc.value.diagnostics] == [(8, 2)]
    assert parse_document(text.replace("C[x", "C[x]"), path="x.md", block=0).broken == ()


def test_no_flowchart_and_other_diagrams():
    with pytest.raises(InputError, match="no ```mermaid flowchart block"):
        parse_document("# Just notes\n", path="n.md")
    with pytest.raises(InputError, match=r"found only: sequence at line 1"):
        parse_document("```mermaid\nsequenceDiagram\nA->>B: hi\n```\n", path="n.md")
    with pytest.raises(InputError, match=r"not a flowchart \(diagram type: sequence\)"):
        parse_document("sequenceDiagram\nA->>B: hi\n", path="s.mmd")


def test_control_characters_rejected_with_position():
    with pytest.raises(InputError, match=r"x.md: error: 2:3: control character U\+0001"):
        parse_document("ok\nab\x01c\n", path="x.md")


def test_title_from_heading_and_front_matter():
    doc = parse_document(
        "# Concept Map: Attention\n\n```mermaid\ngraph LR\nA-->B\n```\n", path="a.md"
    )
    assert doc.maps[0].title == "Attention"
    m = parse_map("---\ntitle: Mine\n---\nflowchart LR\nA-->B\n", path="a.mmd")
    assert m.title == "Mine"
    assert m.concepts[0].line == 5


def test_legend_sets_kinds(seed_text):
    m = parse_map(seed_text, path="maps/transformers.md")
    kinds = {(r.source, r.target): r.kind for r in m.relationships}
    assert kinds[("SELFATTN", "QKV")] == "primary"
    assert kinds[("SELFATTN", "POSENC")] == "secondary"
    assert kinds[("ENCODER", "FFN")] == "has-part"
    custom = "- **Bold (`==>`):** Defines\n- **Dots (`-.->`):** Example of\n"
    m2 = parse_map(custom + "\n```mermaid\ngraph LR\nA==>B\nB-.->C\nC-->D\n```\n", path="c.md")
    assert [r.kind for r in m2.relationships] == ["defines", "example", "plain"]


def test_seed_map_true_figures(seed_text):
    m = parse_map(seed_text, path="maps/transformers.md")
    assert (len(m.concepts), len(m.relationships), len(m.subgraphs)) == (28, 30, 6)
    deg = sum(1 for r in m.relationships if "SELFATTN" in (r.source, r.target))
    assert deg == 7
    assert m.concept_by_id["SELFATTN"].subgraph == "Attention"
    assert m.subgraph_by_id["Training"].title == "Training & Scaling"


# -- markdown-it's line markers, computed a line at a time --------------------------------
# \r, NUL and other blanks (\v, no-break space) take the slower, general branches.
_MD_TEXT = st.text(alphabet=" \t\nab>-*1.`~#\r\x00\x0b\xa0中😀", max_size=80)


def _markers(state):
    return (state.bMarks, state.eMarks, state.tShift, state.sCount, state.bsCount,
            state.lineMax)  # fmt: skip


@given(_MD_TEXT)
@settings(max_examples=500, deadline=None)
def test_line_marks_equal_markdown_its_own(text):
    """The fast markers are markdown-it's: a change upstream fails here, not in users' maps."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_block.state_block import StateBlock

    from conceptmap.parse.markdown import _LineMarks, _md

    if not text:
        return
    from conceptmap import _accel

    ours = _LineMarks(text, _md, {}, [])
    theirs = StateBlock(text, _md, {}, [])
    assert _markers(ours) == _markers(theirs)
    saved, _accel.speedups = _accel.speedups, None  # the pure-Python markers too
    try:
        assert _markers(_LineMarks(text, _md, {}, [])) == _markers(theirs)
    finally:
        _accel.speedups = saved
    plain = MarkdownIt("commonmark").disable(["inline", "text_join"])  # as ours
    assert [t.as_dict() for t in _md.parse(text)] == [t.as_dict() for t in plain.parse(text)]


_FENCE_LINES = st.sampled_from(
    ["```", "````", "~~~", "~~~~", "```mermaid", "``` x`y", "~~~ a~", "  ```", "   ```",
     "    ```", "\t```", " \t```", "```  ", "``` \t", "```x", "> ```", "- ```", "1. ```", "a",
     "", "  b", "\t", "   ", "# h", "- item", "  - sub", "> quote", "    code", "a ```",
     "b ~~~~", "````x"]
)  # fmt: skip


@given(st.lists(_FENCE_LINES, max_size=14), st.booleans())
@settings(max_examples=1500, deadline=None)
def test_fences_found_as_markdown_it_finds_them(lines, final_newline):
    """Fences at the top level are closed by a regex search: same tokens as markdown-it."""
    from markdown_it import MarkdownIt

    from conceptmap.parse.markdown import _md

    text = "\n".join(lines) + ("\n" if final_newline else "")
    plain = MarkdownIt("commonmark").disable(["inline", "text_join"])  # as ours
    assert [t.as_dict() for t in _md.parse(text)] == [t.as_dict() for t in plain.parse(text)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "`", "\n", "\r", "\r\n", "\x0b", "\u2028", "- ", "`==>`", ":"]),
        max_size=30,
    ).map("".join)
)
def test_legend_lines_are_the_lines_with_backticks(text: str) -> None:
    """The legend reader looks only at lines with a backtick, found without splitting the
    whole document: the same lines `splitlines` gives, in the same order."""
    from conceptmap.parse.legend import _lines_with_backticks

    assert _lines_with_backticks(text) == [line for line in text.splitlines() if "`" in line]
