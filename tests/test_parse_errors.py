"""Malformed input: exact messages and positions, every error of a block, never a traceback."""

from __future__ import annotations

import pytest

from conceptmap import InputError, MapSyntaxError, parse_document


def _errors(text: str) -> list[str]:
    with pytest.raises(MapSyntaxError) as exc:
        parse_document(text, path="m.mmd")
    return [f"{d.line}:{d.column}: {d.message}" for d in exc.value.diagnostics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("flowchart LR\n  A --> end\n", "2:9: 'end' is a keyword and cannot be used as a node id"),
        ("flowchart LR\n  A --> B\n  end\n", "3:3: 'end' without an open subgraph"),
        (
            "flowchart LR\n  A --> B %% c\n",
            "2:11: unexpected '%%'; expected a link, '&', ';' or a new line",
        ),
        ("flowchart LR\n  A[Alpha --> B\n", "2:4: unclosed '[': no ']' follows"),
        (
            "flowchart LR\n  A --> |label B\n",
            "2:9: unclosed link text: no closing '|' on this line",
        ),
        ('flowchart LR\n  A["open --> B\n', "2:5: unterminated string: no closing '\"'"),
        ("flowchart LR\n  A -- dangling\n", "2:5: link text after '--' is never closed"),
        ("flowchart LR\n  A@{ shape: nope } --> B\n", "2:4: No such shape: nope."),
        (
            "flowchart LR\n  A@{ shape: Rect }\n",
            "2:4: No such shape: Rect. Shape names should be lowercase.",
        ),
        ("flowchart TD\n  subgraph S [T]\n  A --> B\n", "2:3: subgraph 'S' is never closed"),
        ("flowchart LR\n  A[a (b) c]\n", "2:7: unexpected '(' inside an unquoted label"),
        ("flowchart LR\n  A --> B\n  B -=> C\n", "3:5: unknown link '-=>'"),
        (
            "flowchart LR\n  A --> B\n  linkStyle 3 stroke:red\n",
            "3:13: linkStyle 3 refers to a link that does not exist yet (1 link defined so far)",
        ),
        ("flowchart lr\n  A --> B\n", "1:11: unknown direction 'lr'"),
        ("flowchart LR\n  😀 --> B\n", "2:3: '😀' cannot start a node id"),
        ("flowchart LR\n  A -- a -- b --> B\n", "2:10: link text cannot contain '--' (or '==')"),
        ("flowchart LR\n  A -->|| B\n", "2:8: empty link text '||'"),
    ],
)
def test_message_and_position(text: str, expected: str) -> None:
    assert _errors(text)[0] == expected


def test_every_error_of_a_block_is_reported():
    text = "flowchart LR\n  A --> end\n  B[x\n  C --> D\n  E -=> F\n"
    assert [e.split(":")[0] for e in _errors(text)] == ["2", "3", "5"]


def test_rendering_has_source_line_caret_and_hint():
    with pytest.raises(MapSyntaxError) as exc:
        parse_document("flowchart LR\n  A --> end\n", path="notes.mmd")
    assert str(exc.value) == (
        "notes.mmd:2:9: error: 'end' is a keyword and cannot be used as a node id\n"
        "      A --> end\n"
        "            ^\n"
        "hint: use another id and put the word in the label: endNode[end]"
    )


def test_keywords_as_id_prefixes_follow_mermaid():
    # `endpoint`, `a-end-node`, `classy` are ids; `end-node` and `style.x` are not.
    doc = parse_document("flowchart LR\n  endpoint --> a-end-node --> classy\n", path="k.mmd")
    assert [c.id for c in doc.maps[0].concepts] == ["endpoint", "a-end-node", "classy"]
    assert _errors("flowchart LR\n  A --> end-node\n")[0].startswith("2:9: 'end' is a keyword")


def test_direction_in_a_label_eats_the_line_like_mermaid():
    doc = parse_document(
        "flowchart LR\n  A[set direction LR here] --> B\n  C --> D\n", path="d.mmd"
    )
    assert [c.id for c in doc.maps[0].concepts] == ["C", "D"]


def test_long_line_and_deep_nesting_are_fast():
    import time

    # A 10 MB label, and a 2 MB line of 100,000 statements separated by ';'.
    text = "flowchart LR\n  A[" + "x" * 10_000_000 + "] --> B\n"
    text += ";".join(f"N{i} --> N{i + 1}" for i in range(100_000)) + "\n"
    t = time.process_time()
    doc = parse_document(text, path="big.mmd")
    assert len(doc.maps[0].relationships) == 100_001
    assert len(doc.maps[0].concepts[0].label) == 10_000_000
    assert time.process_time() - t < 15  # linear; a quadratic parser would take hours
    # 5,000 nested subgraphs: no recursion limit.
    depth = 5000
    nested = "flowchart TD\n" + "".join(f"subgraph S{i}\n" for i in range(depth)) + "X\n"
    nested += "end\n" * depth
    m = parse_document(nested, path="deep.mmd").maps[0]
    assert m.concept_by_id["X"].subgraph == f"S{depth - 1}"
    assert m.subgraph_by_id["S1"].parent == "S0"


def test_broken_lines_do_not_make_error_recovery_quadratic():
    import time

    text = "flowchart LR\n" + "  A[unclosed --> B\n" * 20_000
    t = time.process_time()
    with pytest.raises(MapSyntaxError) as exc:
        parse_document(text, path="u.mmd")
    assert time.process_time() - t < 10
    assert len(exc.value.diagnostics) == 20_000


def test_input_errors_are_one_line():
    for text, path in [("", "e.mmd"), ('pie\n  "a": 1\n', "p.mmd")]:
        with pytest.raises(InputError) as exc:
            parse_document(text, path=path)
        assert "\n" not in str(exc.value)
        assert str(exc.value).startswith(f"{path}: error: ")
