"""A :class:`~conceptmap.report.build.MapReport` as one self-contained, offline HTML page.

The page says what ``report.md`` says (the same Markdown sections, rendered with
markdown-it-py with raw HTML disabled, so user text is always escaped), plus:

* the interactive graph of :func:`conceptmap.export.html.to_html`, embedded whole in an
  ``<iframe sandbox="allow-scripts" srcdoc="...">`` (attribute-escaped), so its script and
  style cannot touch the report and the report's cannot touch it;
* the Graphviz SVG picture, inlined, when one is given;
* sortable tables: click a column header (a small inline script, no library, no network).

A Content-Security-Policy ``<meta>`` allows only the page's own script and the embedded
graph's scripts (by hash); nothing is fetched from anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence

from markdown_it import MarkdownIt

from conceptmap.labels import INLINE_TAGS
from conceptmap.report.build import MapReport
from conceptmap.report.markdown import report_intro, report_sections, report_title

__all__ = ["page", "render_markdown", "report_html"]

_md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")

_CSS = """
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#d9dee5; --bg:#ffffff; --soft:#f5f7fa;
  --accent:#1d6fb8; --good:#1b7f3b; --bad:#b42318; --warn:#a15c00; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin:0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; color:var(--ink); background:var(--soft); }
header.top { background:#12344d; color:#fff; padding:22px 32px 18px; }
header.top h1 { margin:0 0 6px; font-size:1.9rem; letter-spacing:-0.01em; }
header.top p { margin:0; max-width:70rem; color:#d6e4f0; }
header.top code { color:#fff; background:rgba(255,255,255,.12); }
.wrap { display:flex; gap:28px; max-width:1400px; margin:0 auto; padding:24px 32px 60px; }
nav.toc { flex:0 0 220px; position:sticky; top:16px; align-self:flex-start; font-size:.92rem; }
nav.toc a { display:block; padding:5px 10px; color:var(--ink); text-decoration:none;
  border-left:3px solid transparent; }
nav.toc a:hover { border-left-color:var(--accent); background:#fff; }
nav.toc strong { display:block; padding:0 10px 6px; color:var(--muted); font-size:.78rem;
  text-transform:uppercase; letter-spacing:.06em; }
main { flex:1 1 auto; min-width:0; }
section.card { background:var(--bg); border:1px solid var(--line); border-radius:10px;
  padding:18px 24px 20px; margin:0 0 22px; box-shadow:0 1px 2px rgba(16,24,40,.04); }
section.card > h2 { margin:0 0 12px; font-size:1.35rem; color:#12344d; }
h3 { font-size:1.08rem; margin:22px 0 6px; }
p { margin:10px 0; }
code { font: .88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background:#eef1f5; padding:1px 5px; border-radius:4px; }
blockquote { margin:12px 0; padding:8px 14px; background:#f0f6fc; border-left:4px solid #8ab4dd;
  color:#334155; border-radius:0 6px 6px 0; }
blockquote p { margin:4px 0; }
.tablebox { overflow-x:auto; margin:12px 0; }
table { border-collapse:collapse; width:100%; font-size:.93rem; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
thead th { background:#eef2f7; color:#243b53; font-weight:600;
  position:sticky; top:0; }
th.sortable { cursor:pointer; user-select:none; }
th.sortable::after { content:"\\00a0\\2195"; color:#9aa5b1; font-size:.8em; }
th[aria-sort=ascending]::after { content:"\\00a0\\25B2"; color:var(--accent); }
th[aria-sort=descending]::after { content:"\\00a0\\25BC"; color:var(--accent); }
tbody tr:nth-child(even) { background:#fafbfc; }
tbody tr:hover { background:#f1f6fd; }
td code { overflow-wrap:anywhere; } td:has(> code) { min-width:20ch; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:.8rem;
  font-weight:600; white-space:nowrap; }
.t-critical { background:#fde2e1; color:#9b1c1c; } .t-high { background:#ffedd5; color:#9a4a00; }
.t-medium { background:#e0ecfb; color:#1e4f8a; } .t-low { background:#eceff3; color:#52606d; }
.s-error { background:#fde2e1; color:#9b1c1c; } .s-warning { background:#fff1c2; color:#7a4d00; }
.s-info { background:#e0ecfb; color:#1e4f8a; }
.ok, .bad, .warn { white-space:nowrap; }
.ok { color:var(--good); font-weight:600; } .bad { color:var(--bad); font-weight:600; }
.warn { color:var(--warn); font-weight:600; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(118px, 1fr)); gap:14px;
  margin:0 0 22px; }
.stat { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.stat b { display:block; font-size:1.7rem; line-height:1.2; color:#12344d; }
.stat span { color:var(--muted); font-size:.85rem; }
.stat.alert b { color:var(--bad); }
iframe.graph { width:100%; height:640px; border:1px solid var(--line); border-radius:8px;
  background:#fff; }
.svgbox { overflow:auto; max-height:760px; border:1px solid var(--line); border-radius:8px;
  padding:8px; background:#fff; margin-top:12px; }
.svgbox svg { max-width:100%; height:auto; }
details summary { cursor:pointer; font-weight:600; margin-top:14px; }
.hint { color:var(--muted); font-size:.9rem; }
footer { color:var(--muted); font-size:.85rem; text-align:center; padding:0 0 30px; }
@media (max-width: 900px) { .wrap { display:block; padding:16px; } nav.toc { display:none; } }
@media print { nav.toc, iframe.graph { display:none; } body { background:#fff; } }
"""

# Sortable tables: click a header to sort by that column (numbers, tiers and text).
_JS = """(function () {
  "use strict";
  var TIERS = {"Critical": 4, "High": 3, "Medium": 2, "Low": 1,
               "error": 3, "warning": 2, "info": 1};
  function key(cell) {
    var t = (cell.getAttribute("data-sort") || cell.textContent || "").trim();
    if (Object.prototype.hasOwnProperty.call(TIERS, t)) { return [0, TIERS[t], t]; }
    var m = /^[-+]?\\d+(?:\\.\\d+)?/.exec(t.replace(/,/g, ""));
    if (m) { return [0, parseFloat(m[0]), t]; }
    return [1, 0, t.toLowerCase()];
  }
  function compare(a, b) {
    if (a[0] !== b[0]) { return a[0] - b[0]; }
    if (a[0] === 0 && a[1] !== b[1]) { return a[1] - b[1]; }
    return a[2] < b[2] ? -1 : (a[2] > b[2] ? 1 : 0);
  }
  var NUM = /^[-+]?\\d+(?:\\.\\d+)?$|^\u2013$/;
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    if (!body) { return; }
    Array.prototype.forEach.call(heads, function (th, col) {
      var cells = Array.prototype.map.call(body.rows, function (r) { return r.cells[col]; });
      var numeric = cells.length > 0 && cells.every(function (c) {
        return c && NUM.test(c.textContent.trim());
      });
      if (numeric) {
        th.classList.add("num");
        cells.forEach(function (c) { c.classList.add("num"); });
      }
    });
    Array.prototype.forEach.call(heads, function (th, col) {
      th.classList.add("sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", "Sort by this column");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
          return {row: row, key: key(row.cells[col] || row), i: i};
        });
        rows.sort(function (a, b) {
          var c = compare(a.key, b.key);
          return (asc ? c : -c) || a.i - b.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  });
})();
"""

_BADGES = {
    **{t: f"badge t-{t.lower()}" for t in ("Critical", "High", "Medium", "Low")},
    **{s: f"badge s-{s}" for s in ("error", "warning", "info")},
}
_BADGE_CELL = re.compile(r"<td>(" + "|".join(_BADGES) + r")</td>")
_MARK_CELL = re.compile(r"<td>([✓✗⚠])([^<]*)</td>")
_HASH_RE = re.compile(r"'(sha(?:256|384|512)-[A-Za-z0-9+/=]+)'")
_SVG_PROLOG = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?(?:<!--.*?-->\s*)*", re.S
)


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


#: A paired inline tag the Markdown kept (``CO<sub>2</sub>``, see ``markdown.esc``), as
#: markdown-it escapes it: made HTML again. Only tag names without attributes, around text
#: with no other tag: a label cannot change the page around it.
_KEPT_TAG = re.compile(rf"&lt;({'|'.join(INLINE_TAGS)})&gt;((?:(?!&lt;)[^<])*)&lt;/\1&gt;")

_CODE = re.compile(r"(<code[^>]*>.*?</code>)", re.S)


def render_markdown(text: str) -> str:
    """Markdown to HTML (raw HTML escaped), tables made sortable, tiers and checks badged.

    >>> render_markdown("| A | Tier |\\n|---|---|\\n| <b> | High |")
    ... # doctest: +NORMALIZE_WHITESPACE
    '<div class="tablebox"><table class="sortable">\\n<thead>\\n<tr>\\n<th>A</th>\\n<th>Tier</th>\\n</tr>\\n</thead>\\n<tbody>\\n<tr>\\n<td>&lt;b&gt;</td>\\n<td><span class="badge t-high">High</span></td>\\n</tr>\\n</tbody>\\n</table></div>\\n'
    """
    parts = _CODE.split(_md.render(text))  # code spans and blocks stay literal
    out = "".join(p if i % 2 else _KEPT_TAG.sub(r"<\1>\2</\1>", p) for i, p in enumerate(parts))
    out = out.replace("<table>", '<div class="tablebox"><table class="sortable">').replace(
        "</table>", "</table></div>"
    )
    out = _BADGE_CELL.sub(lambda m: f'<td><span class="{_BADGES[m[1]]}">{m[1]}</span></td>', out)

    def mark(m: re.Match[str]) -> str:
        cls = {"✓": "ok", "✗": "bad", "⚠": "warn"}[m[1]]
        return f'<td><span class="{cls}">{m[1]}{m[2]}</span></td>'

    return _MARK_CELL.sub(mark, out)


def page(
    title: str,
    body: str,
    *,
    intro_html: str = "",
    nav: Sequence[tuple[str, str]] = (),
    script_hashes: Sequence[str] = (),
    footer: str = "",
) -> str:
    """The page shell: header, table of contents, *body* (trusted HTML), CSS and the sort script.

    *script_hashes* are CSP source hashes (``sha256-...``) of scripts in embedded
    ``srcdoc`` frames, which inherit this page's policy.
    """
    hashes = [_csp_hash(_JS), *dict.fromkeys(script_hashes)]
    csp = (
        "default-src 'none'; "
        "script-src " + " ".join(f"'{h}'" for h in hashes) + "; "
        "style-src 'unsafe-inline'; img-src data: blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    toc = ""
    if nav:
        links = "\n".join(f'<a href="#{html.escape(a)}">{html.escape(t)}</a>' for a, t in nav)
        toc = f'<nav class="toc" aria-label="Contents"><strong>Contents</strong>\n{links}\n</nav>\n'
    foot = f"<footer>{footer}</footer>\n" if footer else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="conceptmap">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>{html.escape(title)}</h1>{intro_html}</header>\n'
        f'<div class="wrap">\n{toc}<main>\n{body}\n</main>\n</div>\n{foot}'
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _cards(report: MapReport) -> str:
    s, v = report.stats, report.validation
    items = [
        (str(s.concepts), "concepts", False),
        (str(s.visible_relationships), "relationships", False),
        (str(len(s.subgraphs)), "subgraphs", False),
        (str(report.quality.score), "quality score", False),
    ]
    if report.combined is not None:
        items.insert(0, (str(len(report.combined.maps)), "maps combined", False))
        items.insert(1, (str(len(report.combined.shared)), "shared concepts", False))
    else:
        items.append((str(v.stale_claims), "stale claims", v.stale_claims > 0))
        items.append((str(v.errors), "errors", v.errors > 0))
    if report.comparison is not None:
        x = report.comparison.result
        items.append((f"{x.concept_recall * 100:.0f}%", "reference concepts", False))
        items.append((f"{x.proposition_recall * 100:.0f}%", "reference propositions", False))
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="stat{" alert" if alert else ""}"><b>{html.escape(n)}</b>'
            f"<span>{html.escape(label)}</span></div>"
            for n, label, alert in items
        )
        + "</div>"
    )


def _svg_markup(svg: str | bytes) -> str:
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    text = _SVG_PROLOG.sub("", text, count=1)
    if not text.lstrip().startswith("<svg"):
        raise ValueError("not an SVG document")
    # Graphviz writes no script; drop any just in case (the CSP would block it anyway).
    return re.sub(r"<script\b.*?</script\s*>", "", text, flags=re.S | re.I)


def report_html(
    report: MapReport,
    *,
    graph_page: str | None = None,
    map_note: str | None = None,
    svg: str | bytes | None = None,
) -> str:
    """``report.html``: the report as one self-contained page (same input, same bytes).

    Parameters
    ----------
    report
        The report.
    graph_page
        The interactive page of :func:`conceptmap.export.html.to_html`, embedded in a
        sandboxed frame; ``None`` leaves it out.
    map_note
        Shown above the map: why there is no interactive graph, say.
    svg
        A Graphviz SVG picture of the map (``render(to_dot(...), "svg")``), inlined.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> from conceptmap.report.build import build_report
    >>> m = ConceptMap(title="<T>", concepts=(Concept(id="A", label="A"), Concept(id="B", label="B")),
    ...                relationships=(Relationship(id="e", source="A", target="B"),))
    >>> page_ = report_html(build_report(m))
    >>> page_.startswith("<!DOCTYPE html>"), "<title>&lt;T&gt;</title>" in page_, "://" in page_
    (True, True, False)
    """
    sections = report_sections(report)
    title = report_title(report)
    intro = render_markdown(report_intro(report))
    parts = [_cards(report)]
    nav: list[tuple[str, str]] = []
    hashes: list[str] = []
    graph = ""
    if graph_page is not None or svg is not None or map_note is not None:
        inner: list[str] = []
        if map_note is not None:
            inner.append(f'<p class="hint">{html.escape(map_note)}</p>')
        if graph_page is not None:
            m = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', graph_page)
            if m:
                hashes += _HASH_RE.findall(html.unescape(m.group(1)))
            inner.append(
                '<p class="hint">Drag to move, scroll to zoom, click a concept to highlight '
                "its neighbours; sizes follow the number of connections, colours the "
                "clusters.</p>"
                '<iframe class="graph" title="Interactive concept map" '
                'sandbox="allow-scripts" referrerpolicy="no-referrer" '
                f'srcdoc="{html.escape(graph_page, quote=True)}"></iframe>'
            )
        if svg is not None:
            picture = f'<div class="svgbox">{_svg_markup(svg)}</div>'
            if graph_page is not None:
                inner.append(
                    "<details><summary>Static picture (Graphviz)</summary>" + picture + "</details>"
                )
            else:
                inner.append(picture)
        graph = (
            '<section class="card" id="the-map"><h2>The map</h2>' + "".join(inner) + "</section>"
        )
    for anchor, heading, body in sections:
        nav.append((anchor, heading))
        rendered = render_markdown(body)
        if anchor == "what-the-document-claims-checked" and report.validation.findings:
            # The full list is long: folded, so the page stays readable.
            at = rendered.rfind('<div class="tablebox">')
            n = len(report.validation.findings)
            rendered = (
                rendered[:at]
                + f"<details><summary>All {n} findings, by file and line</summary>"
                + rendered[at:]
                + "</details>"
            )
        parts.append(
            f'<section class="card" id="{html.escape(anchor)}"><h2>{html.escape(heading)}</h2>\n'
            f"{rendered}</section>"
        )
    if graph:  # the picture first: it is what a student looks at before the figures
        at = 2 if report.combined is not None else 1
        nav.insert(at - 1, ("the-map", "The map"))
        parts.insert(at, graph)
    return page(
        title,
        "\n".join(parts),
        intro_html=intro,
        nav=nav,
        script_hashes=hashes,
        footer=html.escape(
            f"Written by {report.tool}. Tables sort when you click a column header."
        ),
    )
