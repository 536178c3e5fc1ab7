"""The HTML page in a real browser: Debian's Chromium driven by Playwright, fully offline.

Every request that is not ``file:`` is aborted and recorded; the page must make none.
Skips (with a message) only when ``/usr/bin/chromium`` is absent; CI installs it
(``apt-get install -y chromium``).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conceptmap.export.html import to_html
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(2)</script>"
HOOK = """
window.__alerts = [];
window.alert = window.confirm = window.prompt = function (m) { window.__alerts.push(String(m)); };
"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium not installed at /usr/bin/chromium (apt-get install -y chromium)",
)


def browser_map() -> ConceptMap:
    # Two subgraphs, a hub (SA), every line style, and two script-injection labels.
    concepts = (
        Concept(id="SA", label="Self-Attention", subgraph="ATT"),
        Concept(id="QKV", label="Query, Key, Value", subgraph="ATT"),
        Concept(id="SM", label="Softmax", subgraph="ATT"),
        Concept(id="ENC", label="Encoder", subgraph="ARCH"),
        Concept(id="FFN", label="Feed-Forward Network", subgraph="ARCH"),
        Concept(id="X1", label=XSS_IMG),
        Concept(id="X2", label=XSS_SCRIPT),
    )
    rels = (
        Relationship(
            id="r1", source="SA", target="QKV", label="computes", kind="primary", stroke="thick"
        ),
        Relationship(
            id="r2",
            source="QKV",
            target="SM",
            label="normalized by",
            kind="primary",
            stroke="thick",
        ),
        Relationship(
            id="r3", source="ENC", target="SA", label="uses", kind="primary", stroke="thick"
        ),
        Relationship(id="r4", source="ENC", target="FFN", kind="has-part", head="circle"),
        Relationship(
            id="r5", source="SA", target="X1", label=XSS_IMG, kind="secondary", stroke="dotted"
        ),
        Relationship(id="r6", source="X1", target="X2", kind="plain"),
        Relationship(
            id="r7", source="X2", target="SM", kind="invisible", stroke="invisible", head="none"
        ),
    )
    subs = (
        Subgraph(id="ATT", title="Attention <i>Mechanism</i>", concepts=("QKV", "SA", "SM")),
        Subgraph(id="ARCH", title="Architecture", concepts=("ENC", "FFN")),
    )
    return ConceptMap(
        title="Browser <script>alert(3)</script> test",
        concepts=concepts,
        relationships=rels,
        subgraphs=subs,
    )


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 800},
        )
        ctx.blocked = []  # type: ignore[attr-defined]

        def route(r: Any) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                ctx.blocked.append(r.request.url)  # type: ignore[attr-defined]
                r.abort()

        ctx.route("**/*", route)
        yield ctx
        ctx.close()


def open_page(ctx: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = ctx.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(HOOK)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.conceptmapReady === true", timeout=20_000)
    return page, errors, dialogs


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "map.html"
    out.write_text(
        to_html(browser_map(), metrics={}, groups={}, highlight_path=["ENC", "SA", "QKV"]),
        encoding="utf-8",
    )
    return out


def test_page_in_browser(browser: Any, page_file: Path, tmp_path: Path) -> None:
    page, errors, dialogs = open_page(browser, page_file)
    try:
        counts = page.evaluate(
            "() => [cy.nodes('.concept').length, cy.edges().length, cy.nodes('.subgraph').length]"
        )
        assert counts == [7, 7, 2]
        # subgraph membership is drawn as compound nodes
        assert page.evaluate("() => cy.getElementById('n0').parent().data('key')") == "ATT"
        # the learning path is highlighted: 3 nodes, 2 links
        assert page.evaluate("() => [cy.$('node.path').length, cy.$('edge.path').length]") == [3, 2]
        # search by label, case-insensitive, through the real input box
        page.fill("#search", "SOFTmax")
        assert page.text_content("#search-status") == "1 match"
        assert page.evaluate("() => cy.$('.search-match').map(n => n.data('key'))") == ["SM"]
        assert page.evaluate("() => window.conceptmapSearch('attention')") == ["SA"]
        # click a concept: its neighbourhood stays, the rest fades
        page.evaluate("() => { cy.getElementById('n3').emit('tap'); }")  # Encoder
        faded = page.evaluate("() => cy.nodes('.concept.faded').map(n => n.data('key')).sort()")
        assert faded == ["QKV", "SM", "X1", "X2"]
        assert page.text_content("#details h3") == "Encoder"
        # the concepts in the details panel are buttons that walk the map to them
        target = page.text_content("#details button.concept-link")
        page.click("#details button.concept-link")
        assert page.text_content("#details h3") == target != "Encoder"
        walked = page.evaluate(
            "() => cy.nodes('.concept').filter(n => !n.hasClass('faded'))"
            ".filter(n => n.data('label') === document.querySelector('#details h3').textContent)"
            ".length"
        )
        assert walked == 1
        assert page.evaluate("() => document.activeElement.className") == "concept-link"
        page.evaluate("() => { cy.getElementById('n3').emit('tap'); }")  # back to Encoder
        # moving the focus to another concept changes only the two neighbourhoods: the
        # result is the same as fading everything but the new one
        moved = page.evaluate("""() => {
            const n = cy.nodes('.concept').filter(x => x.data('key') === 'SM')[0];
            n.emit('tap');
            const hood = n.closedNeighborhood(), keep = hood.union(hood.ancestors());
            const want = cy.elements().difference(keep).map(e => e.id()).sort();
            const got = cy.elements('.faded').map(e => e.id()).sort();
            const focus = cy.edges('.focus').map(e => e.id()).sort();
            const edges = n.connectedEdges().map(e => e.id()).sort();
            return JSON.stringify([want, edges]) === JSON.stringify([got, focus]);
        }""")
        assert moved
        page.evaluate("() => cy.emit('tap')")  # the background: everything back
        assert page.evaluate("() => cy.elements('.faded, .focus').length") == 0
        # legend lists the subgraphs and relationship kinds
        legend = page.text_content("#legend")
        assert "Architecture" in legend and "has-part" in legend and "learning path" in legend
        assert page.title() == "Browser <script>alert(3)</script> test"
        assert_not_blank(screenshot(page, tmp_path / "page.png"))
    finally:
        page.close()
    assert errors == []
    assert dialogs == []
    assert browser.blocked == []


def test_injected_labels_run_nothing(browser: Any, page_file: Path, tmp_path: Path) -> None:
    # Strip the page's Content-Security-Policy so this checks the escaping itself.
    text = page_file.read_text(encoding="utf-8")
    stripped, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    assert n == 1
    path = tmp_path / "no-csp.html"
    path.write_text(stripped, encoding="utf-8")
    page, errors, dialogs = open_page(browser, path)
    try:
        page.evaluate("() => { cy.getElementById('n5').emit('tap'); }")  # the <img> concept
        assert page.text_content("#details h3") == XSS_IMG
        page.evaluate("() => { cy.getElementById('n5').emit('mouseover'); }")
        assert page.text_content("#tooltip strong") == XSS_IMG
        page.evaluate("() => { cy.getElementById('n6').emit('tap'); }")
        assert page.text_content("#details h3") == XSS_SCRIPT
        assert page.evaluate("() => cy.getElementById('n5').data('label')") == XSS_IMG
        assert page.evaluate("() => window.conceptmapSearch('onerror')") == ["X1"]
        # nothing was parsed as markup: no <img>, only the page's own three <script>s
        assert page.evaluate("() => document.querySelectorAll('img').length") == 0
        assert page.evaluate("() => document.scripts.length") == 3
        assert page.text_content("#map-title") == "Browser <script>alert(3)</script> test"
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.__alerts") == []
    finally:
        page.close()
    assert errors == [] and dialogs == []
    assert browser.blocked == []


def test_seed_map_in_browser(browser: Any, tmp_path: Path) -> None:
    from conceptmap import parse_map

    seed = Path(__file__).resolve().parent.parent / "maps" / "transformers.md"
    try:
        cmap = parse_map(seed.read_text(encoding="utf-8"), path=str(seed))
    except (NotImplementedError, FileNotFoundError) as exc:
        pytest.skip(f"seed map not parseable yet: {exc!r}")
    path = tmp_path / "seed.html"
    path.write_text(to_html(cmap), encoding="utf-8")
    page, errors, dialogs = open_page(browser, path)
    try:
        counts = page.evaluate(
            "() => [cy.nodes('.concept').length, cy.edges().length, cy.nodes('.subgraph').length]"
        )
        assert counts == [len(cmap.concepts), len(cmap.relationships), len(cmap.subgraphs)]
        assert page.evaluate("() => window.conceptmapSearch('self-att')") == ["SELFATTN"]
        # subgraph boxes do not overlap once laid out, nor do two concepts' labels (the
        # layout keeps nodes apart, the page their labels; before, 7 pairs overlapped here,
        # "Layer Normalization" under "Residual Connections")
        assert overlapping(page, ".subgraph:orphan", labels=False) == []
        assert overlapping(page, ".concept", labels=True) == []
        assert_not_blank(screenshot(page, tmp_path / "seed.png"))
        # Fitted whole into the frame, the map is drawn at about a third of its size: its
        # labels grow in map units so that they are still 11 px on screen (were 5 px) ...
        on_screen = "() => cy.nodes('.concept')[0].numericStyle('font-size') * cy.zoom()"
        assert page.evaluate("() => cy.zoom()") < 0.5
        assert page.evaluate(on_screen) == pytest.approx(11, abs=0.5)
        # ... and are their normal size once zoomed in
        page.evaluate("() => cy.zoom(2)")
        assert page.evaluate("() => cy.nodes('.concept')[0].numericStyle('font-size')") == 19
        page.evaluate("() => document.getElementById('reset').click()")
        assert page.evaluate(on_screen) == pytest.approx(11, abs=0.5)
    finally:
        page.close()
    assert errors == [] and dialogs == [] and browser.blocked == []


def overlapping(page: Any, selector: str, *, labels: bool) -> list[tuple[str, str]]:
    """Pairs of the nodes *selector* picks whose boxes (with their labels) overlap."""
    boxes = page.evaluate(
        "([sel, labels]) => cy.nodes(sel).map(n => { const b = n.boundingBox("
        "{includeLabels: labels}); return [n.id(), b.x1, b.y1, b.x2, b.y2]; })",
        [selector, labels],
    )
    return [
        (na, nb)
        for i, (na, *a) in enumerate(boxes)
        for nb, *b in boxes[i + 1 :]
        if not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])
    ]


def test_long_labels_are_kept_apart(browser: Any, tmp_path: Path) -> None:
    """The largest map laid out in the browser, 150 concepts with labels of 2-4 long words
    and no subgraphs: no two labels overlap (457 pairs did before the page pushed them
    apart)."""
    import random

    from conceptmap import parse_map
    from conceptmap.export.html import PHYSICS_MAX_CONCEPTS

    rng = random.Random(3)
    words = (
        "attention transformer encoder decoder embedding positional normalization residual "
        "connection gradient descent optimizer learning rate schedule warmup dropout "
        "regularization tokenizer vocabulary subword"
    ).split()
    n = PHYSICS_MAX_CONCEPTS
    lines = ["flowchart TD"]
    lines += [f"  C{i}[{' '.join(rng.choice(words).title() for _ in range(rng.randint(2, 4)))}]"
              for i in range(n)]  # fmt: skip
    lines += [f"  C{rng.randrange(i)} -->|uses| C{i}" for i in range(1, n)]
    lines += [f"  C{a} -.->|relates to| C{b}" for a, b in
              ((rng.randrange(n), rng.randrange(n)) for _ in range(40)) if a != b]  # fmt: skip
    cmap = parse_map("\n".join(lines) + "\n", path="long.mmd")
    path = tmp_path / "long.html"
    path.write_text(to_html(cmap), encoding="utf-8")
    page, errors, dialogs = open_page(browser, path)
    try:
        assert page.evaluate("() => cy.nodes('.concept').length") == n
        assert overlapping(page, ".concept", labels=True) == []
    finally:
        page.close()
    assert errors == [] and dialogs == [] and browser.blocked == []


def test_large_map_with_fixed_positions(browser: Any, tmp_path: Path) -> None:
    """Above 2,000 concepts: Graphviz positions, haystack links, fit without label sizes."""
    import sys

    from conceptmap import parse_map
    from conceptmap.export.html import layout_positions

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from gen_maps import generate

    cmap = parse_map(generate(4000), path="big.mmd")
    assert len(cmap.concepts) > 2000
    path = tmp_path / "big.html"
    path.write_text(to_html(cmap, positions=layout_positions(cmap)), encoding="utf-8")
    page, errors, dialogs = open_page(browser, path)
    try:
        counts = page.evaluate("() => [cy.nodes('.concept').length, cy.edges().length]")
        assert counts == [len(cmap.concepts), len(cmap.relationships)]
        # every concept is inside the visible area after the fit
        ext = page.evaluate("() => { const e = cy.extent(); return [e.x1, e.y1, e.x2, e.y2]; }")
        pos = page.evaluate(
            "() => cy.nodes('.concept').map(n => [n.position('x'), n.position('y')])"
        )
        assert all(ext[0] <= x <= ext[2] and ext[1] <= y <= ext[3] for x, y in pos)
        assert_not_blank(screenshot(page, tmp_path / "big.png"))
        # subgraph boxes are drawn under everything else
        assert page.evaluate("() => cy.nodes('.box')[0].style('z-compound-depth')") == "bottom"
        # labels are unreadable at the fitted zoom: no concept has one yet ...
        assert page.evaluate("() => cy.nodes('.concept.lbl').length") == 0
        assert page.evaluate("() => cy.getElementById('n10').style('label')") == ""
        # ... zoomed in, the concepts on screen get theirs, the far ones do not
        page.evaluate(
            "() => { const n = cy.getElementById('n10');"
            " cy.zoom({level: 1, position: n.position()}); cy.center(n); }"
        )
        page.wait_for_function("() => cy.getElementById('n10').hasClass('lbl')", timeout=5_000)
        label = page.evaluate("() => cy.getElementById('n10').style('label')")
        assert label == page.evaluate("() => cy.getElementById('n10').data('label')") != ""
        labelled = page.evaluate("() => cy.nodes('.concept.lbl').length")
        assert 0 < labelled < len(cmap.concepts) / 4
        # clicking a concept shows the labels of its links
        page.evaluate("() => { cy.getElementById('n10').emit('tap'); }")
        shown = page.evaluate(
            "() => cy.edges('.focus').filter(e => e.data('label'))"
            ".map(e => e.style('label') === e.data('label'))"
        )
        assert shown and all(shown)
    finally:
        page.close()
    assert errors == [] and dialogs == [] and browser.blocked == []


# -- a tiny PNG reader (no Pillow) ---------------------------------------------------


def screenshot(page: Any, path: Path) -> bytes:
    """A 480x320 shot of the middle of the graph (small, so pure-Python decoding is fast)."""
    box = page.locator("#cy").bounding_box()
    clip = {
        "x": box["x"] + box["width"] / 2 - 240,
        "y": box["y"] + box["height"] / 2 - 160,
        "width": 480,
        "height": 320,
    }
    page.screenshot(path=str(path), clip=clip)
    return path.read_bytes()


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and raw unfiltered pixels of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = bpp = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def assert_not_blank(png: bytes) -> None:
    width, height, bpp, pixels = decode_png(png)
    colours = set()
    non_white = 0
    total = 0
    for y in range(0, height, 2):
        row = y * width * bpp
        for x in range(0, width, 2):
            px = pixels[row + x * bpp : row + x * bpp + 3]
            colours.add(px)
            total += 1
            non_white += px != b"\xff\xff\xff"
    assert len(colours) > 30, f"screenshot looks blank: {len(colours)} colours"
    assert non_white / total > 0.05, f"screenshot mostly white: {non_white}/{total}"
