"""HTML export benchmark: export time and browser time-to-interactive.

    .venv/bin/python benchmarks/bench_html.py            # 100, 1000, 5000 concepts
    .venv/bin/python benchmarks/bench_html.py 100 1000   # chosen sizes

Maps come from ``gen_maps.generate`` (1.8 relationships per concept, subgraphs of 40).
For each size it times: the analysis that feeds colours/sizes (``conceptmap.analysis``),
the Graphviz layout (above ``PHYSICS_MAX_CONCEPTS``, as the CLI does), ``to_html``
itself, and, in Debian's Chromium (offline, every non-``file:`` request aborted), the
time from navigation start until the page sets ``window.conceptmapReady`` (layout
finished and the first frame drawn), median of :data:`RUNS` runs per page. Writes
``benchmarks/RESULTS-html.md``, keeping the hand-written sections below its table.
"""

from __future__ import annotations

import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_maps import generate  # noqa: E402

from conceptmap import parse_map  # noqa: E402
from conceptmap.export import html as H  # noqa: E402

__all__ = ["main"]

CHROMIUM = "/usr/bin/chromium"
RUNS = 5  # browser runs per page; the table gives their median and range
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Records the moment the page sets window.conceptmapReady (exact, unlike polling for it).
READY_HOOK = """(() => {
  let ready = false;
  Object.defineProperty(window, "conceptmapReady", {
    configurable: true,
    get() { return ready; },
    set(v) { ready = v; if (v && window.__readyAt === undefined) { window.__readyAt = performance.now(); } }
  });
})();"""


#: Script time of clicking a concept, then another: the neighbourhood highlight (ms).
CLICKS = """() => {
    const nodes = cy.nodes('.concept');
    const time = (n) => { const t = performance.now(); n.emit('tap'); return performance.now() - t; };
    const first = time(nodes[0]);
    const move = time(nodes[Math.floor(nodes.length / 2)]);
    cy.emit('tap');  // back to no highlight
    return [first, move];
}"""


def _browser_tti(
    paths: list[Path], runs: int = RUNS
) -> list[tuple[list[float], int, list[list[float]]]]:
    """Per page: ms from navigation start to ready, one per run; blocked requests; and
    per run the script ms of a first click on a concept and of moving to another.

    Pages are opened in turn (1, 2, 3, 1, 2, 3, ...) after one warm-up round, so a burst of
    load from other jobs on the machine spreads over all sizes instead of hitting one.
    """
    from playwright.sync_api import sync_playwright

    times: list[list[float]] = [[] for _ in paths]
    clicks: list[list[list[float]]] = [[] for _ in paths]
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            user_data_dir=profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 800},
        )
        blocked: list[str] = []

        def route(r):  # type: ignore[no-untyped-def]
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        for run in range(runs + 1):
            for i, path in enumerate(paths):
                page = ctx.new_page()
                page.add_init_script(READY_HOOK)
                page.goto(path.as_uri())
                page.wait_for_function("() => window.conceptmapReady === true", timeout=120_000)
                if run > 0:  # run 0 warms up the browser and the disk cache
                    times[i].append(page.evaluate("() => window.__readyAt"))
                    clicks[i].append(page.evaluate(CLICKS))
                page.close()
        ctx.close()
    return [(t, len(blocked), c) for t, c in zip(times, clicks, strict=True)]


def main(sizes: list[int]) -> str:
    rows: list[tuple[int, int, str, float, float, float, float]] = []
    pages = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-html-"))
    for n in sizes:
        text = generate(int(round(n * 1.8)) + 1)
        cmap = parse_map(text, path=f"bench-{n}.mmd")
        t0 = time.perf_counter()
        metrics, groups = H._analysis(cmap)
        t_analysis = time.perf_counter() - t0
        t0 = time.perf_counter()
        positions = H.layout_positions(cmap)
        t_layout = time.perf_counter() - t0
        engine = (
            "physics (cose)"
            if len(cmap.concepts) <= H.PHYSICS_MAX_CONCEPTS
            else ("dot" if len(cmap.concepts) <= H.DOT_MAX_CONCEPTS else "sfdp")
        )
        if positions is None and len(cmap.concepts) > H.PHYSICS_MAX_CONCEPTS:
            engine = "grid (no Graphviz)"
        t0 = time.perf_counter()
        page = H.to_html(cmap, positions=positions, metrics=metrics, groups=groups)
        t_html = time.perf_counter() - t0
        path = tmp / f"map-{n}.html"
        path.write_text(page, encoding="utf-8")
        pages.append(path)
        rows.append(
            (
                len(cmap.concepts),
                len(cmap.relationships),
                engine,
                t_analysis,
                t_layout,
                t_html,
                len(page.encode()) / 1e6,
            )
        )
    nan = float("nan")
    tti = (
        _browser_tti(pages) if Path(CHROMIUM).exists() else [([nan], 0, [[nan, nan]])] * len(pages)
    )
    dot = (
        subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
        if shutil.which("dot")
        else "not installed"
    )
    lines = [
        "# HTML export benchmark",
        "",
        "Measured by `benchmarks/bench_html.py` on the project machine "
        f"({platform.machine()}, 2 cores shared with other jobs, Python {platform.python_version()}, "
        f"{dot}, Chromium headless with `--disable-gpu`). Maps from `benchmarks/gen_maps.py` "
        "(1.8 relationships per concept, subgraphs of 40 concepts).",
        "",
        "*analysis* = `conceptmap.analysis` centrality + clusters (colours, sizes, tooltips); "
        "*layout* = `graphviz_positions` (maps above "
        f"{H.PHYSICS_MAX_CONCEPTS} concepts; smaller maps are laid out in the browser); "
        "*to_html* = building the page; *interactive* = browser time from navigation start "
        "until the page sets `window.conceptmapReady` (layout done, first frame drawn): "
        f"median of {RUNS} runs per page, pages opened in turn, with the range of the runs. "
        "*click ms* = script time of the neighbourhood highlight (median): a first click on "
        "a concept, then moving to another (drawing the frame is not included).",
        "",
        "| concepts | relationships | layout | analysis s | layout s | to_html s | page MB "
        "| interactive s (median) | interactive s (range) | click ms (first / move) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row, (runs, _blocked, clicks) in zip(rows, tti, strict=True):
        n, m, engine, ta, tl, th, mb = row
        first = statistics.median(c[0] for c in clicks)
        move = statistics.median(c[1] for c in clicks)
        lines.append(
            f"| {n:,} | {m:,} | {engine} | {ta:.2f} | {tl:.2f} | {th:.2f} | {mb:.2f} "
            f"| {statistics.median(runs) / 1000:.2f} "
            f"| {min(runs) / 1000:.2f}–{max(runs) / 1000:.2f} | {first:.0f} / {move:.0f} |"
        )
    blocked = tti[-1][1] if tti else 0
    lines += ["", f"External requests attempted by the pages: {blocked}.", ""]
    return "\n".join(lines)


def _notes(path: Path) -> str:
    """The hand-written sections of an existing results file (from its first ``## ``)."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    at = text.find("\n## ")
    return text[at + 1 :] if at != -1 else ""


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    report = main(sizes)
    print(report)
    if not sys.argv[1:]:
        results = Path(__file__).resolve().parent / "RESULTS-html.md"
        notes = _notes(results)  # keep the analysis written below the table
        results.write_text(report + ("\n" + notes if notes else ""), encoding="utf-8")
