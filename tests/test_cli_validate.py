"""`conceptmap validate`: output formats, exit codes, --fix/--diff, sibling discovery."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptmap.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
MAP = "transformers-concept-map.md"
CARDS = "flashcards-transformers.md"


@pytest.fixture
def notes(tmp_path, monkeypatch):
    """A notes folder: the seed map in a subfolder, the flashcards elsewhere."""
    (tmp_path / "maps").mkdir()
    (tmp_path / "cards").mkdir()
    shutil.copy(FIXTURES / MAP, tmp_path / "maps" / MAP)
    shutil.copy(FIXTURES / CARDS, tmp_path / "cards" / CARDS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def test_text_output_is_linter_like(notes):
    r = _run(".")
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert (
        "maps/transformers-concept-map.md:5:21: error[CM101 total-concepts]: "
        "the diagram has 28 concepts, not 32 (declared 32, actual 28)"
    ) in lines
    # The flashcards were found through their **Concept Map:** line (by file name).
    assert any(ln.startswith("cards/flashcards-transformers.md:15:27: error[CM104") for ln in lines)
    assert re.fullmatch(
        r"48 errors, \d+ warnings, \d+ info in 2 files \(\d+ fixable with --fix\)", lines[-1]
    )
    assert len(lines) - 1 == len(set(lines[:-1]))  # one line per finding, no repeats


def test_json_output(notes):
    r = _run("maps", "cards", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.output)
    first = data["findings"][0]
    assert set(first) == {
        "rule",
        "code",
        "severity",
        "path",
        "line",
        "column",
        "declared",
        "actual",
        "message",
        "fixable",
    }
    tc = [f for f in data["findings"] if f["rule"] == "total-concepts"]
    assert tc == [
        {
            "rule": "total-concepts",
            "code": "CM101",
            "severity": "error",
            "path": "maps/transformers-concept-map.md",
            "line": 5,
            "column": 21,
            "declared": "32",
            "actual": "28",
            "message": "the diagram has 28 concepts, not 32",
            "fixable": True,
        }
    ]
    assert data["summary"]["errors"] == sum(f["severity"] == "error" for f in data["findings"])
    assert data["summary"]["files_checked"] == 2


def test_github_output(notes):
    r = _run("maps", "--format", "github", "--select", "CM101")
    assert r.exit_code == 1
    assert r.output == (
        "::error file=maps/transformers-concept-map.md,line=5,col=21,"
        "title=CM101 total-concepts::the diagram has 28 concepts, not 32 "
        "(declared 32, actual 28)\n"
    )


def test_exit_codes(notes):
    assert _run(".", "--select", "legend-shape").exit_code == 0  # a warning only
    assert _run(".", "--select", "legend-shape", "--strict").exit_code == 1
    assert _run(".", "--select", "no-such-rule").exit_code == 2
    assert _run("missing.md").exit_code == 2
    (notes / "broken.md").write_text("```mermaid\nflowchart TD\n  A -=> B\n```\n")
    r = _run("broken.md")
    assert r.exit_code == 1  # input rejected, as `stats` and `report` say it


def test_correct_documents_exit_zero(tmp_path, monkeypatch):
    for name in ("tiny-map.md", "tiny-flashcards.md"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    r = _run(".")
    assert (r.exit_code, r.output) == (0, "0 errors, 0 warnings, 0 info in 2 files\n")


def test_fix_rewrites_and_reports_what_is_left(notes):
    before = (notes / "maps" / MAP).read_bytes()
    r = _run(".", "--fix")
    assert "fixed maps/transformers-concept-map.md" in r.output
    assert "fixed cards/flashcards-transformers.md" in r.output
    after = (notes / "maps" / MAP).read_bytes()
    assert after != before and b"**Total Concepts:** 28\n" in after
    again = _run(".", "--format", "json")
    data = json.loads(again.output)
    assert data["summary"]["fixable"] == 0
    assert again.exit_code == 1  # unfixable errors remain (unknown concepts, matrix rows)


def test_diff_writes_nothing(notes):
    before = (notes / "maps" / MAP).read_bytes()
    r = _run(".", "--diff")
    assert r.exit_code == 1
    assert "--- a/maps/transformers-concept-map.md" in r.output
    assert "\n-**Total Concepts:** 32\n" in r.output
    assert "\n+**Total Concepts:** 28\n" in r.output
    assert "+++ b/cards/flashcards-transformers.md" in r.output
    assert (notes / "maps" / MAP).read_bytes() == before


def test_fix_keeps_bom_and_crlf(tmp_path, monkeypatch):
    text = (FIXTURES / MAP).read_text(encoding="utf-8").replace("\n", "\r\n")
    (tmp_path / "m.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    _run("m.md", "--fix", "--select", "CM101")
    data = (tmp_path / "m.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    expected = text.replace("**Total Concepts:** 32", "**Total Concepts:** 28")
    assert data[3:].decode("utf-8") == expected


def test_map_option_and_missing_map(notes):
    r = _run("cards", "--map", f"maps/{MAP}", "--select", "CM104")
    assert "cards/flashcards-transformers.md:15:27" in r.output
    (notes / "orphan.md").write_text("# Cards\n\n**Concept Map:** nowhere.md\n")
    r = _run("orphan.md")
    assert r.exit_code == 0
    assert "orphan.md:3:18: warning[CM205 map-not-found]" in r.output


def test_config_file(notes):
    (notes / "conceptmap.toml").write_text('[validate]\nselect = ["legend-shape"]\nstrict = true\n')
    r = _run(".")
    assert r.exit_code == 1 and "CM501" in r.output and "CM101" not in r.output
    (notes / "conceptmap.toml").write_text("[tool.conceptmap.validate]\nignore = 'CM'\n")
    assert _run(".").exit_code == 0


def test_help_has_an_example():
    r = CliRunner().invoke(cli, ["validate", "--help"])
    assert r.exit_code == 0 and "conceptmap validate maps/" in r.output


def test_pre_commit_hooks_run_real_commands(tmp_path):
    """Every hook in .pre-commit-hooks.yaml is a `conceptmap` command line that works."""
    import shlex

    import yaml
    from click.testing import CliRunner

    from conceptmap.cli import cli

    root = Path(__file__).resolve().parent.parent
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"conceptmap-validate", "conceptmap-validate-fix"}
    for hook in hooks:
        argv = shlex.split(hook["entry"])
        assert argv[0] == "conceptmap"
        # pre-commit appends the staged file names; use copies of the seed map.
        target = tmp_path / hook["id"] / "transformers.md"
        target.parent.mkdir()
        shutil.copy(root / "maps" / "transformers.md", target)
        result = CliRunner().invoke(cli, [*argv[1:], str(target)])
        assert result.exit_code == 1, result.output  # the seed's stale claims fail the hook
        fixed = "**Total Concepts:** 28" in target.read_text(encoding="utf-8")
        assert fixed == ("--fix" in argv)  # only the -fix hook rewrites the file


def test_folders_include_text_files_like_the_seed_documents(tmp_path, monkeypatch):
    """Generated study material is often .txt (the seed map is): a folder scan finds it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    shutil.copy(FIXTURES / MAP, tmp_path / "notes" / "map.txt")
    (tmp_path / "notes" / "requirements.txt").write_text("networkx>=3.4\n", encoding="utf-8")
    r = _run("notes", "--format", "json")
    assert r.exit_code == 1, r.output  # the seed's stale statistics: errors
    data = json.loads(r.stdout)
    paths = {f["path"] for f in data["findings"]}
    assert paths == {str(Path("notes") / "map.txt")}  # the other .txt is no map: not reported


def test_a_folder_without_documents_is_a_usage_error(tmp_path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(b"\x89PNG")
    r = _run(str(tmp_path / "pics"))
    assert r.exit_code == 2
    assert "no documents in" in r.output and ".txt" in r.output


def test_an_unreadable_text_file_in_a_folder_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "notes").mkdir()
    shutil.copy(FIXTURES / MAP, tmp_path / "notes" / "map.md")
    (tmp_path / "notes" / "old.txt").write_bytes(b"caf\xe9 notes\n")  # Latin-1, not a note
    r = _run(str(tmp_path / "notes"), "--format", "json")
    assert r.exit_code == 1  # the map's errors, not the .txt: it is skipped
    assert "old.txt: warning: not UTF-8 text" in r.stderr and "skipped" in r.stderr
    # named on the command line, the same file is an error (input rejected)
    assert _run(str(tmp_path / "notes" / "old.txt")).exit_code == 1


def test_a_moved_map_is_found_by_its_source_notes(tmp_path, monkeypatch):
    """The seed folder: the flashcards name the map by a path that no longer exists, but
    both documents were made from the same study notes, so the cards are checked."""
    shutil.copy(FIXTURES / MAP, tmp_path / "000_map.txt")
    shutil.copy(FIXTURES / CARDS, tmp_path / "001_cards.txt")
    monkeypatch.chdir(tmp_path)
    lines = _run(".").output.splitlines()
    assert (
        "001_cards.txt:4:18: info[CM206 map-matched-by-source]: the concept map "
        "'notes/transformers/concept-maps/transformers-concept-map.md' was not found; "
        "checked against 000_map.txt, the one map made from the same notes "
        "(transformers-study-notes.md) (declared "
        "notes/transformers/concept-maps/transformers-concept-map.md, actual 000_map.txt)"
    ) in lines
    assert any(ln.startswith("001_cards.txt:15:27: error[CM104") for ln in lines)
    assert not any("CM205" in ln for ln in lines)
    # --fix reaches the cards too, and leaves nothing fixable behind.
    assert _run(".", "--fix").exit_code == 1
    assert "(11 connections)" not in (tmp_path / "001_cards.txt").read_text(encoding="utf-8")
    assert "fixable" not in _run(".").output.splitlines()[-1]


def test_two_maps_from_the_same_notes_are_not_guessed_between(tmp_path, monkeypatch):
    shutil.copy(FIXTURES / MAP, tmp_path / "000_map.txt")
    shutil.copy(FIXTURES / MAP, tmp_path / "000_other_map.txt")
    shutil.copy(FIXTURES / CARDS, tmp_path / "001_cards.txt")
    monkeypatch.chdir(tmp_path)
    out = _run(".").output
    assert "001_cards.txt:4:18: warning[CM205 map-not-found]" in out
    assert "CM206" not in out and "001_cards.txt:15:27" not in out


def test_findings_list_numbered_files_in_natural_order(tmp_path, monkeypatch):
    for n in (10, 2):
        (tmp_path / f"week{n}.md").write_text(
            "# Map\n\n**Total Concepts:** 9\n\n```mermaid\nflowchart LR\n  A --> B\n```\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path)
    lines = _run(".").output.splitlines()
    assert [ln.split(":")[0] for ln in lines[:-1]] == ["week2.md", "week10.md"]


def test_statistics_count_findings_per_rule(notes):
    listed = _run(".").output.splitlines()
    r = _run(".", "--statistics")
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[-1] == listed[-1]  # the same summary line
    rows = [ln.split() for ln in lines[:-1]]
    counts = {row[1]: int(row[0]) for row in rows}
    assert (
        counts == {code: sum(f"[{code} " in ln for ln in listed) for code in counts}
        and sum(counts.values()) == len(listed) - 1
    )
    assert [int(row[0]) for row in rows] == sorted((int(row[0]) for row in rows), reverse=True)
    assert lines[0].split()[1:3] == ["CM104", "concept-connections"]
    data = json.loads(_run(".", "--statistics", "--format", "json").output)
    assert "findings" not in data and data["statistics"][0]["code"] == "CM104"
    first = data["statistics"][0]
    assert first["count"] == first["error"] + first["warning"] + first["info"] == counts["CM104"]
    assert _run(".", "--statistics", "--format", "github").exit_code == 2


def test_min_severity_lists_fewer_findings_and_keeps_summary_and_exit(notes):
    everything = _run(".").output.splitlines()
    r = _run(".", "--min-severity", "warning")
    lines = r.output.splitlines()
    assert r.exit_code == 1 and lines[-1] == everything[-1]
    assert not any("] " in ln and ": info[" in ln for ln in lines)
    assert [ln for ln in everything[:-1] if ": info[" not in ln] == lines[:-1]
    errors = _run(".", "--min-severity", "error", "--format", "json")
    data = json.loads(errors.output)
    assert {f["severity"] for f in data["findings"]} == {"error"}
    assert data["summary"]["warnings"] > 0  # counted, not listed


UNCLOSED = "# Notes\n\n```mermaid\nflowchart LR\n  A[open --> B\n```\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [("broken.md", UNCLOSED), ("notes.txt", "just some notes, no flowchart\n")],
)
def test_a_file_that_cannot_be_checked_is_rejected_and_counted(tmp_path, monkeypatch, name, text):
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    r = _run(name)
    assert r.exit_code == 1, r.output  # input rejected, as `stats` says: not a usage error
    assert f"{name}:" in r.stderr and "error" in r.stderr
    assert r.stdout.splitlines()[-1] == (
        "0 errors, 0 warnings, 0 info in 1 file (1 could not be checked)"
    )
    j = _run(name, "--format", "json")
    assert j.exit_code == 1
    summary = json.loads(j.stdout)["summary"]
    assert summary["files_checked"] == 1 and summary["files_failed"] == 1


def test_a_folder_note_without_flowchart_stays_silent_but_a_broken_map_counts(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "study.txt").write_text("notes, no flowchart\n", encoding="utf-8")
    r = _run(str(tmp_path / "notes"))
    assert r.exit_code == 0 and r.stderr == ""  # passed over silently, as the README says
    assert r.stdout.endswith("in 1 file\n")
    (tmp_path / "notes" / "map.md").write_text(UNCLOSED, encoding="utf-8")
    r = _run(str(tmp_path / "notes"), "--format", "json")
    assert r.exit_code == 1 and "unclosed" in r.stderr
    assert json.loads(r.stdout)["summary"]["files_failed"] == 1


def test_paths_are_shown_as_typed(notes):
    absolute = str(notes / "maps" / MAP)
    r = _run(absolute)
    assert r.stdout.startswith(f"{absolute}:5:21: error[CM101")
    folder = _run(str(notes / "maps"), "--format", "json")
    assert {f["path"] for f in json.loads(folder.stdout)["findings"]} == {absolute}
    relative = _run("maps")
    assert relative.stdout.startswith(f"maps/{MAP}:5:21: error[CM101")


def test_absolute_paths_stay_absolute_from_another_folder(notes, monkeypatch):
    monkeypatch.chdir(notes / "cards")
    r = _run(str(notes / "maps"), str(notes / "cards"))
    assert "../" not in r.output  # never rewritten relative to the working directory
    assert f"{notes / 'cards' / CARDS}:15:27: error[CM104" in r.stdout
    assert f"{notes / 'maps' / MAP}:5:21: error[CM101" in r.stdout


def test_github_annotations_never_say_none(notes):
    r = _run(".", "--format", "github")
    assert r.exit_code == 1
    assert "None" not in r.stdout
    # a finding with a declared value only shows that one
    assert "(declared " in r.stdout and ", actual None" not in r.stdout
    text = _run(".")
    assert "None" not in text.stdout


def test_fix_reports_a_file_it_cannot_write(notes, monkeypatch):
    import conceptmap.cli.validate as validate_cli

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(validate_cli, "write_atomic", refuse)
    before = (notes / "maps" / MAP).read_bytes()
    r = _run(f"maps/{MAP}", "--fix")
    assert r.exit_code == 1
    assert f"error: cannot write maps/{MAP}: Permission denied" in r.stderr
    assert "internal error" not in r.output and "fixed " not in r.stdout
    assert (notes / "maps" / MAP).read_bytes() == before
