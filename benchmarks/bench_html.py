"""HTML export benchmark: export time and browser time-to-interactive.

    .venv/bin/python benchmarks/bench_html.py            # 100, 1000, 5000 concepts
    .venv/bin/python benchmarks/bench_html.py 100 1000   # chosen sizes

Maps come from ``gen_maps.generate`` (1.8 relationships per concept, subgraphs of 40).
For each size it times: the analysis that feeds colours/sizes (``conceptmap.analysis``),
the Graphviz layout (above ``PHYSICS_MAX_CONCEPTS``, as the CLI does), ``to_html``
itself, and, in Debian's Chromium (offline, every non-``file:`` request aborted), the
time from navigation start until ``window.conceptmapReady`` (layout finished and the
first frame drawn). Writes ``benchmarks/RESULTS-html.md``.
"""

from __future__ import annotations

import platform
import shutil
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
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_tti(paths: list[Path]) -> list[tuple[float, float, int]]:
    """(ms from navigation start to ready, wall ms of goto+wait, blocked requests)."""
    from playwright.sync_api import sync_playwright

    out = []
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
        for path in paths:
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("() => window.conceptmapReady === true", timeout=120_000)
            wall = (time.perf_counter() - t0) * 1000
            in_page = page.evaluate("() => performance.now()")
            out.append((in_page, wall, len(blocked)))
            page.close()
        ctx.close()
    return out


def main(sizes: list[int]) -> str:
    rows = []
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
            [
                len(cmap.concepts),
                len(cmap.relationships),
                engine,
                t_analysis,
                t_layout,
                t_html,
                len(page.encode()) / 1e6,
            ]
        )
    tti = _browser_tti(pages) if Path(CHROMIUM).exists() else [(float("nan"),) * 3] * len(pages)
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
        "until `window.conceptmapReady` (layout done, first frame drawn).",
        "",
        "| concepts | relationships | layout | analysis s | layout s | to_html s | page MB | interactive s |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row, (in_page, _wall, _blocked) in zip(rows, tti, strict=True):
        n, m, engine, ta, tl, th, mb = row
        lines.append(
            f"| {n:,} | {m:,} | {engine} | {ta:.2f} | {tl:.2f} | {th:.2f} | {mb:.2f} | {in_page / 1000:.2f} |"
        )
    blocked = tti[-1][2] if tti else 0
    lines += ["", f"External requests attempted by the pages: {blocked}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    report = main(sizes)
    print(report)
    if not sys.argv[1:]:
        (Path(__file__).resolve().parent / "RESULTS-html.md").write_text(report, encoding="utf-8")
