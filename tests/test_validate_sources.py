"""CM701: concepts the source notes (the map's **Source:** line) never mention."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conceptmap.cli import cli
from conceptmap.parse import parse_document
from conceptmap.validate import validate_document
from conceptmap.validate.sources import Notes, source_references

MAP = """\
# Concept Map: Attention

**Source:** study notes notes-a.txt (sections 1-2), archive/notes-b.md

```mermaid
flowchart LR
    SA[Self-Attention] ==>|computes| QKV[Query, Key, Value]
    SA ==>|normalized by| SM[Softmax]
    SA -.->|approximated by| LSH[Locality-Sensitive Hashing]
```
"""

NOTES = """\
# Notes
Self-attention lets every token look at every other token. Each token computes a query,
a key and a value; the scores go through a softmax.
"""


def test_source_references_name_the_files_of_the_header_line():
    assert source_references(MAP) == [("notes-a.txt", 3, 25), ("archive/notes-b.md", 3, 53)]
    assert source_references("# Map\n\nNo source line.\n") == []
    # only the first Source line, in the header
    text = "**Sources**: a.md\n\nSource: b.md\n"
    assert [r for r, _, _ in source_references(text)] == ["a.md"]


def test_mentions_are_words_not_substrings():
    notes = Notes(["Multi-head attention uses several heads. Tokenizers split text."])
    assert notes.mention("Multi-Head Attention", "MHA")
    assert notes.mention("Head", "H")  # plural in the notes
    assert not notes.mention("Token", "T")  # "tokenizers" is another word
    assert not notes.mention("Cross-Attention", "CA")  # "attention" alone: half the words
    assert Notes(["The KV cache stores keys."]).mention("KV Cache", "KV")
    long = "one two three four five six seven eight"  # longer than the indexed word runs
    assert Notes([f"x {long} y"]).mention(long, "L")
    assert not Notes([f"x {long[:-6]} y"]).mention(long + " zzzz", "L")
    assert not Notes(["Nothing here."]).mention("KV Cache", "KV")


def test_rule_reports_each_concept_the_notes_never_mention():
    doc = parse_document(MAP, path="map.md")
    result = validate_document(doc, sources=[("notes-a.txt", NOTES)])
    found = [f for f in result.findings if f.code == "CM701"]
    assert [(f.declared, f.line, f.column) for f in found] == [
        ("Locality-Sensitive Hashing", 9, 30)
    ]
    assert "notes-a.txt" in found[0].message and found[0].severity == "info"
    # no notes found: nothing to check against, no finding
    assert not [f for f in validate_document(doc).findings if f.code == "CM701"]


def test_validate_and_report_find_the_notes_in_the_folder(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "map.md").write_text(MAP, encoding="utf-8")
    (folder / "notes-a.txt").write_text(NOTES, encoding="utf-8")
    r = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    data = json.loads(r.output)
    codes = [(f["code"], f["declared"]) for f in data["findings"]]
    assert codes == [("CM701", "Locality-Sensitive Hashing")]
    # the report: the same finding, and the notes are not "documents with nothing to report"
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["report", str(folder), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "note:" not in r.stderr
    rep = json.loads((out / "map" / "report.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in rep["validation"]["findings"]] == ["CM701"]
    assert [p.rsplit("/", 1)[-1] for p in rep["sources"]] == ["notes-a.txt"]
    md = (out / "map" / "report.md").read_text(encoding="utf-8")
    assert "1 concept of the diagram they never mention: Locality-Sensitive Hashing" in md
    # notes that now mention it: the report is rebuilt (the notes are part of its input)
    (folder / "notes-a.txt").write_text(NOTES + "LSH: locality-sensitive hashing.\n")
    r = CliRunner().invoke(cli, ["report", str(folder), "-o", str(out)])
    assert "1 written" in r.stdout
    rep = json.loads((out / "map" / "report.json").read_text(encoding="utf-8"))
    assert rep["validation"]["findings"] == []
    md = (out / "map" / "report.md").read_text(encoding="utf-8")
    assert "every concept of the diagram is mentioned in them" in md


def test_claims_name_concepts_as_they_read():
    """A document writing "CO2" or "CO₂" means the node labelled CO<sub>2</sub>."""
    from conceptmap.model import Concept, ConceptMap
    from conceptmap.validate.names import NameMatcher

    m = NameMatcher(ConceptMap(concepts=(Concept(id="C", label="CO<sub>2</sub>"),)))
    assert m.resolve("CO2").id == "C" and m.resolve("CO₂").id == "C"


def test_the_bundled_maps_and_their_notes():
    """What the README says of maps/: the honest maps cite the notes in maps/notes/, and
    six of their 115 concepts are in none of the notes they cite."""
    from pathlib import Path

    maps = Path(__file__).resolve().parents[1] / "maps"
    r = CliRunner().invoke(cli, ["validate", str(maps), "--format", "json"])
    found = sorted(
        (Path(f["path"]).name, f["declared"])
        for f in json.loads(r.output)["findings"]
        if f["code"] == "CM701"
    )
    assert found == [
        ("attention-mechanisms.md", "Permutation Equivariance"),
        ("llm-scaling.md", "Online Softmax"),
        ("llm-scaling.md", "Power-Law Loss Curve"),
        ("llm-scaling.md", "SRAM Tiling"),
        ("vision-transformers.md", "Hierarchical Features"),
        ("vision-transformers.md", "Patch Count"),
    ]
    honest = ("attention-mechanisms", "bert-and-gpt", "llm-scaling", "vision-transformers")
    total = sum(
        len(parse_document((maps / f"{m}.md").read_text(encoding="utf-8"), path=m).maps[0].concepts)
        for m in honest
    )
    assert total == 115
