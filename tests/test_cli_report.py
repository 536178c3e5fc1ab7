"""`conceptmap report` and `conceptmap schema` on folders of maps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptmap.cli import cli

ATTENTION = """\
# Concept Map: Attention

**Total Concepts:** 3
**Total Relationships:** 2
**Central Concept:** Self-Attention (2 connections)

```mermaid
flowchart TD
    SA[Self-Attention] ==>|computes| QKV[Query, Key, Value]
    SA ==>|normalized by| SM[Softmax]
```
"""

# Shares Self-Attention (spelt differently) and Softmax with ATTENTION; its header is stale.
VISION = """\
# Concept Map: Vision

**Total Concepts:** 9

```mermaid
flowchart LR
    VIT[ViT] -->|uses| ATT[Self attention]
    VIT -->|splits into| PATCH[Patches]
    ATT -->|normalized by| SOFT[SOFTMAX]
```
"""

BROKEN = """\
# Concept Map: Broken

```mermaid
flowchart TD
    A[Attention] --> B[Softmax
```
"""

CARDS = """\
# Flashcards: Attention

**Concept Map:** attention.md

### Card 1
**Concept:** Self-Attention
**Centrality:** Critical (5 connections)
"""


def _folder(tmp_path: Path, *, broken: bool = True) -> Path:
    d = tmp_path / "maps"
    d.mkdir()
    (d / "attention.md").write_text(ATTENTION, encoding="utf-8")
    (d / "sub").mkdir()
    (d / "sub" / "vision.md").write_text(VISION, encoding="utf-8")
    (d / "cards.md").write_text(CARDS, encoding="utf-8")
    (d / "README.md").write_text("# Notes\n\nNo map here.\n", encoding="utf-8")
    if broken:
        (d / "broken.md").write_text(BROKEN, encoding="utf-8")
    return d


def _run(*args: str):
    return CliRunner().invoke(cli, ["report", *args])


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_broken_map_is_reported_and_the_others_complete(tmp_path):
    maps = _folder(tmp_path)
    out = tmp_path / "out"
    result = _run(str(maps), "-o", str(out))
    assert result.exit_code == 1
    # The positioned error of the broken map, with its caret line.
    assert f"{maps / 'broken.md'}".endswith("broken.md")
    assert "broken.md:5:23: error: unclosed '['" in result.stderr
    assert "^" in result.stderr
    for name in ("attention", "vision"):
        for f in ("report.md", "report.html", "report.json", "map.mmd", "map.dot"):
            assert (out / name / f).is_file(), (name, f)
        assert (out / name / "map.svg").is_file() == (shutil.which("dot") is not None)
    assert not (out / "broken").exists()
    assert not (out / "README").exists() and not (out / "cards").exists()
    # a document that is neither a map nor about one is named, not silently dropped
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("3 maps: 2 written, 1 failed; 2 with error findings")
    # README.md is expected in a folder; other documents that are neither a map nor about
    # one (study notes) are named, not silently dropped (and not with --quiet)
    assert "note:" not in result.stderr
    (maps / "notes.md").write_text("# Study notes\n\nAttention is...\n", encoding="utf-8")
    result = _run(str(maps), "-o", str(out))
    (note,) = [ln for ln in result.stderr.splitlines() if ln.startswith("note:")]
    assert note.startswith("note: 1 document has no flowchart and no **Concept Map:** line")
    assert note.endswith("maps/notes.md")
    assert "note:" not in _run(str(maps), "-o", str(out), "--quiet").stderr


def test_index_lists_every_map(tmp_path):
    maps = _folder(tmp_path)
    out = tmp_path / "out"
    _run(str(maps), "-o", str(out), "--quiet")
    index = (out / "index.md").read_text(encoding="utf-8")
    rows = [ln for ln in index.splitlines() if ln.startswith("| ") and "---" not in ln][1:]
    assert len(rows) == 3
    attention = next(r for r in rows if "attention/report.md" in r)
    cells = [c.strip() for c in attention.strip("|").split("|")]
    # Map, file, concepts, relationships, central concept, stale claims, check, related
    assert cells[2:5] == ["3", "2", "Self-Attention (2)"]
    assert int(cells[5]) >= 1  # the flashcard's "5 connections" is stale
    assert "cards.md" in cells[7]
    broken = next(r for r in rows if "broken.md" in r)
    assert "✗ failed" in broken and "unclosed" in broken
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="attention/report.html"' in html and 'href="combined/report.html"' in html
    board = json.loads((out / "attention" / "map.canvas").read_text(encoding="utf-8"))
    assert len([n for n in board["nodes"] if n["type"] == "text"]) == 3


def test_sibling_document_is_validated_against_its_map(tmp_path):
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    data = json.loads((out / "attention" / "report.json").read_text(encoding="utf-8"))
    # Paths are shown relative to the working directory, as `validate` shows them.
    assert [Path(s["path"]).resolve() for s in data["siblings"]] == [maps / "cards.md"]
    assert any(
        f["path"].endswith("cards.md") and f["code"] == "CM104"
        for f in data["validation"]["findings"]
    )
    md = (out / "attention" / "report.md").read_text(encoding="utf-8")
    assert "## Related documents" in md and "cards.md" in md


def test_combined_graph_lists_the_shared_concepts(tmp_path):
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    data = json.loads((out / "combined" / "report.json").read_text(encoding="utf-8"))
    shared = [(s["label"], s["maps"]) for s in data["combined"]["shared"]]
    assert shared == [
        ("Self-Attention", ["attention", "vision"]),
        ("Softmax", ["attention", "vision"]),
    ]
    assert data["stats"]["concepts"] == 5  # 3 + 4 - 2 shared
    concepts = json.loads((out / "combined" / "concepts.json").read_text(encoding="utf-8"))
    sa = next(c for c in concepts["concepts"] if c["label"] == "Self-Attention")
    assert sa["sources"] == ["attention:SA", "vision:ATT"]
    assert "\nflowchart LR\n" in (out / "combined" / "map.mmd").read_text(encoding="utf-8")
    assert "Shared between maps" in (out / "combined" / "map.dot").read_text(encoding="utf-8")


def test_report_json_validates_against_the_published_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema_run = CliRunner().invoke(cli, ["schema"])
    assert schema_run.exit_code == 0
    schema = json.loads(schema_run.stdout)
    assert schema["title"] == "MapReport"
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    for name in ("attention", "vision", "combined"):
        data = json.loads((out / name / "report.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)


def test_second_run_skips_unchanged_maps(tmp_path):
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    first = _run(str(maps), "-o", str(out))
    assert "2 maps: 2 written" in first.stdout
    before = _files(out)
    second = _run(str(maps), "-o", str(out))
    assert second.exit_code == first.exit_code == 1  # vision's header is stale: an error
    assert "2 maps: 0 written, 2 unchanged, skipped" in second.stdout
    assert "->" not in second.stdout  # no map was rebuilt
    assert _files(out) == before
    # A changed sibling rebuilds its map only.
    (maps / "cards.md").write_text(
        CARDS.replace("5 connections", "2 connections"), encoding="utf-8"
    )
    third = _run(str(maps), "-o", str(out))
    assert "1 written, 1 unchanged, skipped" in third.stdout
    assert "attention.md ->" in third.stdout
    forced = _run(str(maps), "-o", str(out), "--force")
    assert "2 maps: 2 written" in forced.stdout
    # A deleted output is rebuilt even without --force.
    (out / "vision" / "report.html").unlink()
    again = _run(str(maps), "-o", str(out))
    assert "1 written, 1 unchanged" in again.stdout
    assert (out / "vision" / "report.html").is_file()


def test_output_is_deterministic(tmp_path):
    maps = _folder(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    _run(str(maps), "-o", str(a), "-q")
    _run(str(maps), "-o", str(b), "-q", "--force")
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    assert [k for k in fa if fa[k] != fb[k]] == []


def test_defaults_to_maps_into_output(tmp_path, monkeypatch):
    _folder(tmp_path, broken=False)
    monkeypatch.chdir(tmp_path)
    result = _run("--format", "md", "--format", "json")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "output" / "attention").iterdir()) == [
        "report.json",
        "report.md",
    ]
    assert (tmp_path / "output" / "index.md").is_file()
    assert "output/index.html" in result.stdout


def test_clean_map_exits_zero(tmp_path):
    f = tmp_path / "attention.md"
    f.write_text(ATTENTION, encoding="utf-8")
    result = _run(str(f), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("1 map: 1 written; index:")


def test_no_maps_here_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run()
    assert result.exit_code == 2
    assert "no maps/ folder" in result.stderr


def _run_with_stderr(args: list[str], *, tty: bool, cwd: Path) -> str:
    """Run the real console script with stderr on a pseudo-terminal (or a pipe)."""
    import os
    import pty
    import subprocess
    import sys

    exe = [sys.executable, "-m", "conceptmap", *args]
    if not tty:
        return subprocess.run(exe, cwd=cwd, capture_output=True, text=True).stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(exe, cwd=cwd, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    for name in ("a", "b"):
        (maps / f"{name}.md").write_text(
            f"# {name}\n\n```mermaid\ngraph LR\n  X{name} --> Y\n```\n"
        )
    on_tty = _run_with_stderr(["report", "maps", "-o", "out1"], tty=True, cwd=tmp_path)
    assert "Reporting" in on_tty and "%" in on_tty
    piped = _run_with_stderr(["report", "maps", "-o", "out2"], tty=False, cwd=tmp_path)
    assert "Reporting" not in piped
    quiet = _run_with_stderr(["report", "maps", "-o", "out3", "-q"], tty=True, cwd=tmp_path)
    assert "Reporting" not in quiet


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_big_maps_get_no_static_svg_and_still_skip_when_unchanged(tmp_path, monkeypatch):
    """Above SVG_MAX_CONCEPTS the report draws no SVG (Graphviz would take minutes), says
    why, and an unchanged map is still skipped on the next run."""
    import conceptmap.cli.report as report_cli

    monkeypatch.setattr(report_cli, "SVG_MAX_CONCEPTS", 3)  # attention: 3, vision: 4
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    first = _run(str(maps), "-o", str(out))
    assert (out / "attention" / "map.svg").is_file()
    assert not (out / "vision" / "map.svg").exists()
    assert "vision.md: no SVG: 4 concepts are more than a static picture shows well" in (
        first.stderr
    )
    second = _run(str(maps), "-o", str(out))
    assert "2 maps: 0 written, 2 unchanged, skipped" in second.stdout


def test_huge_maps_get_no_interactive_map_in_the_report(tmp_path, monkeypatch):
    """Above GRAPH_MAX_CONCEPTS report.html says why it has no interactive map (a 100k map
    made a 120 MB page after minutes of layout)."""
    import conceptmap.cli.report as report_cli

    monkeypatch.setattr(report_cli, "GRAPH_MAX_CONCEPTS", 3)  # attention: 3, vision: 4
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    r = _run(str(maps), "-o", str(out), "--format", "html")
    small = (out / "attention" / "report.html").read_text(encoding="utf-8")
    big = (out / "vision" / "report.html").read_text(encoding="utf-8")
    assert "<iframe" in small and "<iframe" not in big
    assert "No interactive map: 4 concepts are more than a browser draws" in big
    assert "vision.md: no interactive map" in r.stderr


def test_a_moved_map_is_found_by_its_source_notes(tmp_path):
    """Flashcards whose **Concept Map:** path is gone are reported with the one map made
    from the same notes, and the command says so."""
    fixtures = Path(__file__).parent / "fixtures" / "validate"
    shutil.copy(fixtures / "transformers-concept-map.md", tmp_path / "000_map.txt")
    shutil.copy(fixtures / "flashcards-transformers.md", tmp_path / "001_cards.txt")
    out = tmp_path / "out"
    r = _run(str(tmp_path), "-o", str(out))
    assert "was not found; reported with" in r.output and "transformers-study-notes.md" in r.output
    data = json.loads((out / "000_map" / "report.json").read_text(encoding="utf-8"))
    assert [Path(s["path"]).name for s in data["siblings"]] == ["001_cards.txt"]
    md = (out / "000_map" / "report.md").read_text(encoding="utf-8")
    assert "can be corrected automatically: `conceptmap validate --fix " in md


def test_index_lists_numbered_folders_in_natural_order(tmp_path):
    """``topic2`` before ``topic10``, as a file browser shows a vault."""
    maps = tmp_path / "vault"
    for n in (10, 2, 1):
        (maps / f"topic{n}").mkdir(parents=True)
        (maps / f"topic{n}" / "map.md").write_text(
            f"# Topic {n}\n\n```mermaid\nflowchart LR\n  A{n} --> B{n}\n```\n", encoding="utf-8"
        )
    out = tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    index = (out / "index.md").read_text(encoding="utf-8")
    assert index.index("Topic 1]") < index.index("Topic 2]") < index.index("Topic 10]")


def test_reports_compare_every_map_with_a_reference(tmp_path):
    """`report --reference`: a teacher's criterion map against each student's map."""
    students = tmp_path / "students"
    students.mkdir()
    (students / "ann.md").write_text(
        "# Ann\n\n```mermaid\nflowchart LR\n  A[Self Attention] -->|uses| B[Softmax]\n"
        "  A --> C[Tokens]\n```\n",
        encoding="utf-8",
    )
    (students / "bob.md").write_text(
        "# Bob\n\n```mermaid\nflowchart LR\n  X[Encoder] -->|uses| Y[Self-Attention]\n```\n",
        encoding="utf-8",
    )
    expert = tmp_path / "expert.mmd"
    expert.write_text(
        "flowchart LR\n  SA[Self-Attention] -->|uses| SM[Softmax]\n  ENC[Encoder] -->|uses| SA\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = _run(str(students), "-o", str(out), "-q", "--reference", str(expert))
    assert r.exit_code == 0, r.output
    ann = json.loads((out / "ann" / "report.json").read_text(encoding="utf-8"))
    assert ann["comparison"]["reference"].endswith("expert.mmd")
    assert ann["comparison"]["result"]["concept_recall"] == round(2 / 3, 4)
    assert ann["comparison"]["result"]["proposition_recall"] == 0.5
    md = (out / "ann" / "report.md").read_text(encoding="utf-8")
    assert "## Compared with the reference map" in md
    assert "**Reference concepts missing here:** Encoder" in md
    assert "| Encoder | uses | Self-Attention |" in md  # the proposition Ann did not state
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "Reference concepts | Reference propositions" in index
    ann_row = next(ln for ln in index.splitlines() if "ann/report.md" in ln)
    assert "| 67% | 50% |" in ann_row
    html = (out / "bob" / "report.html").read_text(encoding="utf-8")
    assert "reference propositions" in html
    # reports made without the reference are rebuilt, not skipped, and lose the section
    r = _run(str(students), "-o", str(out), "-q")
    assert "Compared with" not in (out / "ann" / "report.md").read_text(encoding="utf-8")
    r = _run(str(students), "-o", str(out), "--reference", str(tmp_path / "none.md"))
    assert r.exit_code == 2 and "--reference" in r.output


def test_an_output_folder_that_cannot_be_made_is_a_one_line_error(tmp_path):
    maps = _folder(tmp_path, broken=False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    r = _run(str(maps), "-o", str(blocker / "rep"))
    assert r.exit_code == 1 and not isinstance(r.exception, OSError)
    assert f"error: cannot write {blocker / 'rep'}: Not a directory" in r.stderr
    assert "internal error" not in r.output


def test_an_output_file_that_cannot_be_written_stops_the_report(tmp_path, monkeypatch):
    import conceptmap.cli._common as common  # write_output's writer

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(common, "write_atomic", refuse)
    maps = _folder(tmp_path, broken=False)
    out = tmp_path / "out"
    r = _run(str(maps), "-o", str(out))
    assert r.exit_code == 1 and not isinstance(r.exception, OSError)
    (line,) = [ln for ln in r.stderr.splitlines() if "cannot write" in ln]
    assert line.startswith(f"error: cannot write {out}") and line.endswith(": Permission denied")
    assert "internal error" not in r.output


def test_absolute_paths_stay_absolute_in_the_report(tmp_path, monkeypatch):
    maps = _folder(tmp_path, broken=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "out"
    assert _run(str(maps), "-o", str(out)).exit_code == 1  # stale headers: error findings
    md = (out / "attention" / "report.md").read_text(encoding="utf-8")
    assert "../" not in md
    assert f"`{maps / 'attention.md'}`" in md  # the title line names the file as typed
    assert f"conceptmap validate --fix {maps / 'attention.md'} {maps / 'cards.md'}" in md
    data = json.loads((out / "attention" / "report.json").read_text(encoding="utf-8"))
    assert data["map"]["path"] == str(maps / "attention.md")
    assert {f["path"] for f in data["validation"]["findings"]} == {str(maps / "cards.md")}
    assert "../" not in (out / "index.md").read_text(encoding="utf-8")
    # relative PATHs stay relative to where the command ran
    monkeypatch.chdir(tmp_path)
    assert _run("maps", "-o", "out2").exit_code == 1
    md = (tmp_path / "out2" / "attention" / "report.md").read_text(encoding="utf-8")
    assert "`maps/cards.md:" in md and "`maps/attention.md`" in md
