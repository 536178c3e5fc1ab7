"""Regenerate the pictures in docs/ from the bundled seed map, with the tool itself.

    .venv/bin/python docs/make_docs.py [OUTDIR]     # default: docs/

Writes ``docs/transformers.svg`` (``conceptmap export --to svg``), ``docs/html-screenshot.png``
(the interactive page, 1400x900) and ``docs/report-screenshot.png`` (the top of the HTML
report, 1280x1600), the last two in Debian's Chromium (``/usr/bin/chromium``) driven by
Playwright, offline: every request that is not a ``file:`` URL is aborted. Needs Graphviz
(``dot``) and Chromium; run it after changing the exporters or the report so the README
shows what users get.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SEED = ROOT / "maps" / "transformers.md"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _conceptmap(*args: str) -> None:
    # `report` exits 1 on the seed map (its statistics are wrong on purpose)
    done = subprocess.run([sys.executable, "-m", "conceptmap", *args], cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"conceptmap {' '.join(args)}: exit status {done.returncode}")


def _shoot(ctx: object, url: str, out: Path, size: tuple[int, int], ready: str | None) -> None:
    page = ctx.new_page()  # type: ignore[attr-defined]
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    if ready:  # on the page itself, or in the report's embedded map (an iframe)
        for _ in range(300):
            if any(f.evaluate(ready) for f in page.frames):
                break
            page.wait_for_timeout(100)
        else:
            raise SystemExit(f"{url}: the map did not get ready in 30 s")
    page.wait_for_timeout(500)  # let the last animation frame settle
    page.screenshot(path=str(out))
    page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    docs = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else DOCS
    docs.mkdir(parents=True, exist_ok=True)
    _conceptmap(
        "export", str(SEED.relative_to(ROOT)), "--to", "svg", "-o", str(docs / "transformers.svg")
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        page = tmpdir / "graph.html"
        _conceptmap("export", str(SEED.relative_to(ROOT)), "--to", "html", "-o", str(page))
        _conceptmap(
            "report", str(SEED.relative_to(ROOT)), "-o", str(tmpdir / "out"), "--quiet", "--force"
        )
        report = tmpdir / "out" / "transformers" / "report.html"
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                user_data_dir=str(tmpdir / "profile"),
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS,
            )
            ctx.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            _shoot(ctx, page.as_uri(), docs / "html-screenshot.png", (1400, 900),
                   "() => window.conceptmapReady === true")  # fmt: skip
            _shoot(ctx, report.as_uri(), docs / "report-screenshot.png", (1280, 1600),
                   "() => window.conceptmapReady === true")  # fmt: skip
            ctx.close()
    for name in ("transformers.svg", "html-screenshot.png", "report-screenshot.png"):
        print(f"wrote {docs / name}")


if __name__ == "__main__":
    main()
