"""`conceptmap report` removes the reports of maps that are gone, and only what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conceptmap.cli import cli

ATTENTION = """\
# Concept Map: Attention

```mermaid
flowchart TD
    SA[Self-Attention] ==>|computes| QKV[Query, Key, Value]
    SA ==>|normalized by| SM[Softmax]
```
"""

VISION = """\
# Concept Map: Vision

```mermaid
flowchart LR
    VIT[ViT] -->|uses| ATT[Self attention]
    VIT -->|splits into| PATCH[Patches]
```
"""

GPT = """\
# Concept Map: GPT

```mermaid
flowchart LR
    GPT[GPT] -->|uses| DEC[Decoder]
```
"""


def _maps(tmp_path: Path) -> Path:
    d = tmp_path / "maps"
    (d / "sub").mkdir(parents=True)
    (d / "attention.md").write_text(ATTENTION, encoding="utf-8")
    (d / "sub" / "vision.md").write_text(VISION, encoding="utf-8")
    (d / "gpt.md").write_text(GPT, encoding="utf-8")
    return d


def _run(*args: str):
    return CliRunner().invoke(cli, ["report", *args])


def _cache(out: Path) -> dict:
    return json.loads((out / ".conceptmap-cache.json").read_text(encoding="utf-8"))


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_report_of_a_deleted_map_is_removed(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    first = _run(str(maps), "-o", str(out), "--format", "md", "--format", "json")
    assert first.exit_code == 0, first.output
    assert (out / "vision" / "report.md").is_file()
    cache = _cache(out)
    assert sorted(cache["maps"]["vision"]["files"]) == ["report.json", "report.md"]
    assert cache["maps"]["vision"]["source"] == "../maps/sub/vision.md"

    (maps / "sub" / "vision.md").unlink()
    second = _run(str(maps), "-o", str(out), "--format", "md", "--format", "json")
    assert second.exit_code == 0, second.output
    assert "removed stale report: vision" in second.stdout
    assert "1 stale removed" in second.stdout.splitlines()[-1]
    assert not (out / "vision").exists()
    assert "vision" not in _cache(out)["maps"]
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "vision" not in index and "attention/report.md" in index
    # The combined graph is rebuilt from the maps that are left.
    combined = json.loads((out / "combined" / "report.json").read_text(encoding="utf-8"))
    assert combined["combined"]["maps"] == ["attention", "gpt"]
    # A third run has nothing left to remove.
    third = _run(str(maps), "-o", str(out), "--format", "md", "--format", "json")
    assert "removed" not in third.stdout


def test_combined_graph_goes_when_one_map_is_left_and_removal_is_not_quiet(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    assert (out / "combined" / "concepts.json").is_file()
    (maps / "sub" / "vision.md").unlink()
    (maps / "gpt.md").unlink()
    result = _run(str(maps), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    removed = [ln for ln in result.stdout.splitlines() if ln.startswith("removed")]
    assert removed == [
        "removed stale report: gpt",
        "removed stale report: vision",
        "removed stale report: combined",
    ]
    assert _tree(out) == sorted(
        [".conceptmap-cache.json", "attention", "index.html", "index.md"]
        + [f"attention/{f}" for f in _cache(out)["maps"]["attention"]["files"]]
    )
    assert "combined" not in _cache(out)
    for name in ("index.md", "index.html"):
        assert "combined/" not in (out / name).read_text(encoding="utf-8")


def test_only_files_it_wrote_unchanged_are_deleted(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    (out / "vision" / "my-notes.txt").write_text("mine", encoding="utf-8")
    (out / "vision" / "report.md").write_text("edited by hand", encoding="utf-8")
    (maps / "sub" / "vision.md").unlink()
    result = _run(str(maps), "-o", str(out), "-q")
    assert "removed stale report: vision" in result.stdout
    assert sorted(p.name for p in (out / "vision").iterdir()) == ["my-notes.txt", "report.md"]
    assert (out / "vision" / "report.md").read_text(encoding="utf-8") == "edited by hand"
    assert "did not write" in result.stderr and "my-notes.txt, report.md" in result.stderr
    # No longer on record: a later run leaves the folder alone and says nothing.
    assert "vision" not in _cache(out)["maps"]
    again = _run(str(maps), "-o", str(out), "-q")
    assert "vision" not in again.output
    assert (out / "vision" / "my-notes.txt").is_file()


def test_a_folder_it_never_wrote_is_left_alone(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    (out / "mine").mkdir(parents=True)
    (out / "mine" / "report.md").write_text("mine", encoding="utf-8")
    _run(str(maps), "-o", str(out), "-q")
    (maps / "gpt.md").unlink()
    result = _run(str(maps), "-o", str(out), "-q")
    assert "removed stale report: gpt" in result.stdout
    assert (out / "mine" / "report.md").read_text(encoding="utf-8") == "mine"


def test_reports_of_maps_outside_the_paths_given_are_kept(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    subset = _run(str(maps / "attention.md"), "-o", str(out), "-q")
    assert "removed stale report: vision" not in subset.stdout
    assert (out / "vision" / "report.md").is_file() and (out / "gpt" / "report.md").is_file()
    # Still on record, so they are removed once their map is gone.
    assert {"gpt", "vision"} <= set(_cache(out)["maps"])
    (maps / "gpt.md").unlink()
    later = _run(str(maps / "attention.md"), "-o", str(out), "-q")
    assert "removed stale report: gpt" in later.stdout
    assert not (out / "gpt").exists() and (out / "vision").is_dir()


def test_a_map_that_fails_to_parse_keeps_its_last_report(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    (maps / "gpt.md").write_text(GPT.replace("[Decoder]", "[Decoder"), encoding="utf-8")
    result = _run(str(maps), "-o", str(out), "-q")
    assert result.exit_code == 1
    assert "removed" not in result.stdout
    assert (out / "gpt" / "report.md").is_file()
    # Fixed again: rebuilt in place.
    (maps / "gpt.md").write_text(GPT, encoding="utf-8")
    fixed = _run(str(maps), "-o", str(out), "-q")
    assert fixed.exit_code == 0 and "removed" not in fixed.stdout


def test_a_document_that_is_no_longer_a_map_and_a_renamed_map(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    (maps / "gpt.md").write_text("# GPT\n\nNo diagram any more.\n", encoding="utf-8")
    (maps / "attention.md").rename(maps / "attn.md")
    result = _run(str(maps), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert "removed stale report: attention" in result.stdout
    assert "removed stale report: gpt" in result.stdout
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["attn", "combined", "vision"]


def test_all_maps_gone_cleans_up_and_still_says_no_map(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    for p in list(maps.rglob("*.md")):
        p.unlink()
    (maps / "README.md").write_text("# Notes\n", encoding="utf-8")
    result = _run(str(maps), "-o", str(out))
    assert result.exit_code == 2
    assert "no concept map found" in result.stderr
    assert sorted(ln for ln in result.stdout.splitlines() if ln.startswith("removed")) == [
        "removed stale report: attention",
        "removed stale report: combined",
        "removed stale report: gpt",
        "removed stale report: vision",
    ]
    assert _tree(out) == [".conceptmap-cache.json", "index.html", "index.md"]
    assert "report.md" not in (out / "index.md").read_text(encoding="utf-8")
    assert _cache(out)["maps"] == {}


def test_a_cache_written_before_manifests(tmp_path, monkeypatch):
    """An older cache has no file list: only report's own file names are removed."""
    monkeypatch.chdir(tmp_path)
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run("maps", "-o", "out", "-q")
    cache = _cache(out)
    for rec in cache["maps"].values():
        del rec["files"], rec["source"]
    cache["tool"] = "conceptmap 0.0.1"
    (out / ".conceptmap-cache.json").write_text(json.dumps(cache), encoding="utf-8")
    (out / "gpt" / "keep.txt").write_text("mine", encoding="utf-8")
    (maps / "gpt.md").unlink()
    result = _run("maps", "-o", "out", "-q")
    assert "removed stale report: gpt" in result.stdout
    assert [p.name for p in (out / "gpt").iterdir()] == ["keep.txt"]
    # The maps that are left were rebuilt, and now have a manifest.
    assert "2 written" in result.stdout.splitlines()[-1]
    assert all("files" in rec for rec in _cache(out)["maps"].values())


def test_a_tampered_cache_cannot_delete_outside_the_output(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out), "-q")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "report.md").write_text("precious", encoding="utf-8")
    cache = _cache(out)
    cache["maps"]["../victim"] = {"source": "../gone.md", "files": {"report.md": "x"}}
    cache["maps"]["evil"] = {"source": "../gone.md", "files": {"../../victim/report.md": "x"}}
    (out / ".conceptmap-cache.json").write_text(json.dumps(cache), encoding="utf-8")
    result = _run(str(maps), "-o", str(out), "-q")
    assert (victim / "report.md").read_text(encoding="utf-8") == "precious"
    assert "not removed" in result.stderr
    assert "evil" not in result.stdout  # nothing of it existed: nothing to say
    assert not {"../victim", "evil"} & set(_cache(out)["maps"])


def test_a_removed_block_loses_its_report(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    second = "\n```mermaid\nflowchart LR\n    X[Extra] --> Y[Other]\n```\n"
    (maps / "gpt.md").write_text(GPT + second, encoding="utf-8")
    _run(str(maps), "-o", str(out), "-q")
    assert (out / "gpt-block2" / "report.md").is_file()
    (maps / "gpt.md").write_text(GPT, encoding="utf-8")
    result = _run(str(maps), "-o", str(out), "-q")
    assert result.stdout.splitlines()[0] == "removed stale report: gpt-block2"
    assert not (out / "gpt-block2").exists() and (out / "gpt" / "report.md").is_file()


def test_a_run_on_some_maps_keeps_the_others_in_the_index(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    assert _run(str(maps), "-o", str(out)).exit_code in (0, 1)
    before = (out / "index.md").read_text(encoding="utf-8")
    assert "Vision" in before and "GPT" in before
    r = _run(str(maps / "attention.md"), "-o", str(out), "--force")
    assert r.exit_code in (0, 1), r.output
    after = (out / "index.md").read_text(encoding="utf-8")
    # the other maps' reports are still there, and still listed
    assert "Vision" in after and "GPT" in after and "Attention" in after
    assert (out / "gpt" / "report.md").is_file()


def test_index_links_only_to_files_that_were_written(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    r = _run(str(maps), "-o", str(out), "--format", "md")
    assert r.exit_code in (0, 1), r.output
    html = (out / "index.html").read_text(encoding="utf-8")
    md = (out / "index.md").read_text(encoding="utf-8")
    assert "report.html" not in html and 'href="gpt/report.md"' in html
    assert "(gpt/report.md)" in md
    assert not (out / "gpt" / "report.html").exists()


def test_outputs_of_a_changed_map_not_rewritten_this_run_are_removed(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    _run(str(maps), "-o", str(out))
    assert (out / "gpt" / "report.html").is_file()
    # Same map, fewer formats: the earlier HTML still describes it and stays.
    r = _run(str(maps), "-o", str(out), "--format", "md")
    assert (out / "gpt" / "report.html").is_file() and "outdated" not in r.stdout
    # The map changes: an HTML report of the old map would mislead, so it goes (and says so).
    (maps / "gpt.md").write_text(GPT.replace("[Decoder]", "[Transformer decoder]"), "utf-8")
    r = _run(str(maps), "-o", str(out), "--format", "md")
    assert not (out / "gpt" / "report.html").exists()
    assert "removed outdated file: gpt/report.html" in r.stdout
    assert "Transformer decoder" in (out / "gpt" / "report.md").read_text(encoding="utf-8")
    assert (out / "attention" / "report.html").is_file()  # unchanged maps keep theirs


def test_an_unreadable_text_file_does_not_fail_the_report(tmp_path):
    maps, out = _maps(tmp_path), tmp_path / "out"
    (maps / "old.txt").write_bytes(b"caf\xe9 notes\n")
    r = _run(str(maps), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "old.txt: warning: not UTF-8 text" in r.stderr
    assert "failed" not in r.stdout
