/* conceptmap interactive page. Writes user text only with textContent / createElement. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("cy");
  var tooltip = document.getElementById("tooltip");
  var details = document.getElementById("details");
  var legend = document.getElementById("legend");
  var searchBox = document.getElementById("search");
  var searchStatus = document.getElementById("search-status");
  var large = data.large;
  // Very large maps draw links as "haystack" lines (no arrow heads): the fastest edges
  // Cytoscape has; at that zoom level arrow heads are not visible anyway. Their concepts
  // get labels only when zoomed in (see labelOnScreen).
  var huge = data.concepts.length > 2000;
  // Small maps are shown whole in a small frame: bigger type keeps labels readable.
  var small = data.concepts.length <= 60;
  var byId = {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function formatValue(v) {
    if (typeof v === "number" && !Number.isInteger(v)) { return v.toFixed(4); }
    return String(v);
  }

  // -- elements ----------------------------------------------------------------
  // Subgraphs are compound nodes under in-browser physics; with fixed positions they are
  // plain rectangles computed in Python (compound nodes cost seconds on big maps).
  var useBoxes = data.layout === "preset";
  var subTitle = {};
  var elements = [];
  data.subgraphs.forEach(function (s) {
    subTitle[s.id] = s.title;
    var d = { id: s.id, key: s.key, label: s.title, kind: "subgraph" };
    if (useBoxes) {
      if (!s.box) { return; }
      d.w = s.box[2];
      d.h = s.box[3];
      d.depth = s.box[4];
      elements.push({ group: "nodes", data: d, position: { x: s.box[0], y: s.box[1] }, classes: "subgraph box", grabbable: false, selectable: false });
      return;
    }
    if (s.parent) { d.parent = s.parent; }
    elements.push({ group: "nodes", data: d, classes: "subgraph" });
  });
  data.concepts.forEach(function (c) {
    byId[c.id] = c;
    var d = { id: c.id, key: c.key, label: c.label, color: c.color, border: c.border, size: c.size };
    if (c.parent && !useBoxes) { d.parent = c.parent; }
    elements.push({
      group: "nodes", data: d, position: { x: c.x, y: c.y },
      classes: "concept" + (c.path ? " path" : "")
    });
  });
  data.relationships.forEach(function (r) {
    // Line-end classes only where ends are drawn (haystack lines have none): every class
    // that matches a selector costs style work on each of thousands of links.
    var cls = ["stroke-" + r.stroke];
    if (!huge) { cls.push("head-" + r.head, "tail-" + r.tail); }
    if (r.path) { cls.push("path"); }
    elements.push({
      group: "edges",
      data: { id: r.id, key: r.key, source: r.source, target: r.target, label: r.label || "", kind: r.kind },
      classes: cls.join(" ")
    });
  });

  // -- style ----------------------------------------------------------------------
  // Cytoscape applies each property of each matching rule to each element one at a time
  // (with bookkeeping per property), so on big maps the style sheet sets as few
  // properties per element as it can: defaults are left out, link labels are styled only
  // where they are shown, and the drawing order comes from Cytoscape's default (links
  // under concepts) instead of a z-index on every element.
  var ends = { arrow: "triangle", circle: "circle", cross: "tee", none: "none" };
  var edgeLabel = {
    "label": "data(label)", "font-size": large ? 10 : small ? 14 : 12, "color": "#52606d",
    "text-background-color": "#ffffff", "text-background-opacity": 0.85,
    "text-background-padding": "1px", "text-wrap": "wrap", "text-max-width": "120px"
  };
  var edgeBase = { "width": 1.6, "line-color": "#90a4ae" };
  // huge maps: "haystack" lines, Cytoscape's default (so not set) and the fastest it draws
  if (!huge) {
    edgeBase["curve-style"] = large ? "straight" : "bezier";
    edgeBase["target-arrow-color"] = edgeBase["source-arrow-color"] = "#90a4ae";
    edgeBase["arrow-scale"] = 1.1;
  }
  // large maps: link labels only around the selected concept (measuring thousands is slow),
  // drawn once readable
  if (large) {
    edgeLabel["min-zoomed-font-size"] = 10;
  } else {
    Object.keys(edgeLabel).forEach(function (k) { edgeBase[k] = edgeLabel[k]; });
  }
  var conceptStyle = {
    "width": "data(size)", "height": "data(size)",
    "background-color": "data(color)", "border-color": "data(border)", "border-width": 2
  };
  var conceptLabel = {
    "label": "data(label)", "font-size": large ? 12 : small ? 19 : 15, "color": "#1f2933",
    "text-valign": "bottom", "text-margin-y": 4,
    "text-wrap": "wrap", "text-max-width": large ? "140px" : "160px",
    "text-background-color": "#ffffff", "text-background-opacity": 0.8,
    "text-background-padding": "1px", "text-background-shape": "roundrectangle"
  };
  // labels are drawn only once they are readable on screen
  if (large) { conceptLabel["min-zoomed-font-size"] = 9; }
  // huge maps: only concepts on screen get labels (class "lbl", see labelOnScreen)
  if (!huge) { Object.keys(conceptLabel).forEach(function (k) { conceptStyle[k] = conceptLabel[k]; }); }
  var subgraphStyle = {
    "shape": "round-rectangle", "background-color": "#eef2f7", "background-opacity": 0.75,
    "border-color": "#9aa5b1", "border-width": 1.5, "padding": "22px",
    "label": "data(label)", "font-size": large ? 14 : small ? 20 : 17, "font-weight": "bold", "color": "#334e68",
    "text-valign": "top", "text-margin-y": -4,
    "text-wrap": "wrap", "text-max-width": "260px"
  };
  if (large) { subgraphStyle["min-zoomed-font-size"] = 7; }
  var style = [
    { selector: "node.concept", style: conceptStyle },
    { selector: "node.subgraph", style: subgraphStyle },
    // plain rectangles under everything else, inner subgraphs over outer ones
    { selector: "node.box", style: {
      "width": "data(w)", "height": "data(h)", "padding": 0, "events": "no",
      "z-compound-depth": "bottom", "z-index": "data(depth)", "text-margin-y": -2
    } },
    { selector: "edge", style: edgeBase },
    { selector: "edge.stroke-thick", style: huge ? { "width": 3.4, "line-color": "#546e7a" } : {
      "width": 3.4, "line-color": "#546e7a", "target-arrow-color": "#546e7a", "source-arrow-color": "#546e7a"
    } },
    { selector: "edge.stroke-dotted", style: { "line-style": "dashed", "line-dash-pattern": [7, 4] } },
    { selector: "edge.stroke-invisible", style: { "display": "none" } },
    { selector: "node.path", style: { "border-color": "#d81b60", "border-width": 5 } },
    { selector: "edge.path", style: {
      "line-color": "#d81b60", "target-arrow-color": "#d81b60", "source-arrow-color": "#d81b60",
      "width": 5, "z-index": 20
    } },
    { selector: "node.search-match", style: {
      "underlay-color": "#ff8f00", "underlay-opacity": 0.55, "underlay-padding": 9,
      "underlay-shape": "ellipse", "border-color": "#e65100", "border-width": 4
    } },
    { selector: "node.concept:selected", style: { "border-color": "#1f2933", "border-width": 4 } },
    { selector: ".faded", style: { "opacity": 0.14, "text-opacity": 0.1 } },
    { selector: "node.subgraph.faded", style: { "opacity": 0.35 } },
    { selector: "edge.focus", style: { "width": 3, "line-color": "#1d6f93", "target-arrow-color": "#1d6f93", "source-arrow-color": "#1d6f93", "z-index": 10 } }
  ];
  if (huge) { style.push({ selector: "node.concept.lbl", style: conceptLabel }); }
  if (large) { style.push({ selector: "edge.focus", style: edgeLabel }); }
  if (!huge) {
    Object.keys(ends).forEach(function (end) {
      style.push({ selector: "edge.head-" + end, style: { "target-arrow-shape": ends[end] } });
      style.push({ selector: "edge.tail-" + end, style: { "source-arrow-shape": ends[end] } });
    });
    style.push({ selector: "edge.head-circle", style: { "target-arrow-fill": "hollow" } });
    style.push({ selector: "edge.tail-circle", style: { "source-arrow-fill": "hollow" } });
  }

  // Elements are added after the constructor (see "layout" below); its mandatory layout
  // would otherwise set every position once more ("null" with no elements costs nothing).
  var cy = cytoscape({
    container: container,
    style: style,
    layout: { name: "null" },
    minZoom: 0.0005,
    maxZoom: 4,
    boxSelectionEnabled: false,
    textureOnViewport: large,
    hideEdgesOnViewport: data.concepts.length > 1000,
    pixelRatio: large ? 1 : "auto"
  });
  window.cy = cy;
  window.conceptmapReady = false;

  // -- readable labels ----------------------------------------------------------------
  // A whole map fitted into the frame is often drawn at a third of its size, its labels
  // 5 px high. Below the zoom at which concept labels would be drawn under
  // MIN_LABEL_PX, every label grows in map units (up to maxScale) so that it stays that size on
  // screen; zoomed in, labels are their normal size. Large maps instead draw labels only
  // once readable (min-zoomed-font-size).
  var MIN_LABEL_PX = 11;
  // Denser maps grow less: past 60 concepts, labels four times as big cover each other.
  var maxScale = small ? 4 : 2;
  var labelScale = 1;
  // each label style's sizes, scaled from the style sheet's own values
  var scaled = [["node.concept", conceptLabel, ["font-size", "text-max-width", "text-margin-y"]],
                ["edge", edgeLabel, ["font-size", "text-max-width"]],
                ["node.subgraph", subgraphStyle, ["font-size", "text-max-width"]]];
  function keepLabelsReadable() {
    var f = Math.max(1, Math.min(maxScale, MIN_LABEL_PX / (conceptLabel["font-size"] * cy.zoom())));
    if (Math.abs(f - labelScale) < 0.03 * labelScale) { return; }
    labelScale = f;
    var sheet = cy.style();
    scaled.forEach(function (rule) {
      var props = {};
      rule[2].forEach(function (k) {
        var v = rule[1][k];  // a number, or "160px"
        props[k] = typeof v === "number" ? v * f : parseFloat(v) * f + "px";
      });
      sheet = sheet.selector(rule[0]).style(props);
    });
    sheet.update();
  }
  if (!large) { cy.on("zoom", keepLabelsReadable); }

  // The whole map in view (labels grown for that zoom make it a little bigger, so small
  // and medium maps are fitted once more); huge maps by node positions alone.
  function fitAll() {
    if (huge) { fitToPositions(30); return; }  // cy.fit would measure every element first
    cy.fit(undefined, 30);
    if (labelScale > 1) { cy.fit(undefined, 30); }
  }

  // -- labels of huge maps ----------------------------------------------------------
  // A concept gets its label (class "lbl") once it is on or near the screen at a zoom
  // where labels can be read; measuring thousands of labels up front costs most of a second.
  var LABEL_ZOOM = 0.5;  // labels become readable at 9 / 12 = 0.75 (min-zoomed-font-size)
  var unlabelled = [];
  var labelTimer = null;
  function labelOnScreen() {
    labelTimer = null;
    if (!unlabelled.length || cy.zoom() < LABEL_ZOOM) { return; }
    var e = cy.extent();
    var mx = e.w / 2, my = e.h / 2;  // a margin, so a small pan shows labels at once
    var show = [];
    unlabelled = unlabelled.filter(function (n) {
      var p = n.position();
      var on = p.x >= e.x1 - mx && p.x <= e.x2 + mx && p.y >= e.y1 - my && p.y <= e.y2 + my;
      if (on) { show.push(n); }
      return !on;
    });
    if (show.length) { cy.collection(show).addClass("lbl"); }
  }
  if (huge) {
    cy.on("viewport", function () {
      if (labelTimer === null) { labelTimer = window.setTimeout(labelOnScreen, 60); }
    });
  }

  // -- details: tooltip and panel -----------------------------------------------
  function subgraphTitle(node) {
    var c = byId[node.id()];
    return c && c.parent ? subTitle[c.parent] : null;
  }

  function metricRows(node) {
    var c = byId[node.id()];
    var rows = [["id", c.key]];
    var sub = subgraphTitle(node);
    if (sub) { rows.push(["subgraph", sub]); }
    if (c.group && data.legend.group_kind === "cluster") { rows.push(["cluster", c.group]); }
    c.metrics.forEach(function (m) { if (m[0] !== "cluster") { rows.push([String(m[0]).replace(/_/g, "-"), formatValue(m[1])]); } });
    return rows;
  }

  function showTooltip(node, evt) {
    clear(tooltip);
    tooltip.appendChild(el("strong", null, node.data("label")));
    metricRows(node).forEach(function (r) {
      var row = el("div", "row");
      row.appendChild(el("span", null, r[0]));
      row.appendChild(el("span", null, r[1]));
      tooltip.appendChild(row);
    });
    var box = container.getBoundingClientRect();
    var pos = evt.renderedPosition || node.renderedPosition();
    tooltip.hidden = false;
    var x = box.left + pos.x + 14;
    var y = box.top + pos.y + 14;
    var w = tooltip.offsetWidth;
    var h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 8) { x = Math.max(8, box.left + pos.x - w - 14); }
    if (y + h > window.innerHeight - 8) { y = Math.max(8, box.top + pos.y - h - 14); }
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }

  function hideTooltip() { tooltip.hidden = true; }

  function showDetails(node) {
    clear(details);
    details.appendChild(el("h2", null, "Details"));
    details.appendChild(el("h3", null, node.data("label")));
    var table = el("table", "metrics");
    metricRows(node).forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("td", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      table.appendChild(tr);
    });
    details.appendChild(table);
    var links = node.connectedEdges().filter(function (e) { return !e.hasClass("stroke-invisible"); });
    if (links.nonempty()) {
      details.appendChild(el("h2", null, "Relationships (" + links.length + ")"));
      var ul = el("ul", "links");
      links.forEach(function (e) {
        var out = e.source().id() === node.id();
        var other = out ? e.target() : e.source();
        var verb = e.data("label") || e.data("kind");
        // outgoing: "computes → Query"; incoming: "Encoder → uses". The other concept is a
        // button: clicking it (or Enter on it) walks the map to that concept.
        var li = el("li");
        var go = el("button", "concept-link", other.data("label"));
        go.type = "button";
        go.title = "Go to " + other.data("label");
        go.addEventListener("click", function () { walkTo(other); });
        if (out) {
          li.appendChild(document.createTextNode(verb + " → "));
          li.appendChild(go);
        } else {
          li.appendChild(go);
          li.appendChild(document.createTextNode(" → " + verb));
        }
        ul.appendChild(li);
      });
      details.appendChild(ul);
    }
  }

  function walkTo(node) {
    focus(node);
    cy.animate({ center: { eles: node } }, { duration: large ? 0 : 250 });
    var first = details.querySelector("button.concept-link");
    if (first) { first.focus(); }  // keyboard users keep walking from the new panel
  }

  function resetDetails() {
    clear(details);
    details.appendChild(el("h2", null, "Details"));
    details.appendChild(el("p", "hint", "Hover a concept for its metrics; click it to highlight its neighbourhood."));
  }

  // -- neighbourhood highlight ----------------------------------------------------
  // Fading every element costs a restyle of each (half a second at 5,000 concepts), so
  // moving the focus from one concept to another changes only the two neighbourhoods.
  var focused = null;  // { keep: elements left unfaded, edges: links marked "focus" }
  function clearFocus() {
    if (!focused) { return; }
    cy.batch(function () {
      cy.elements().removeClass("faded focus");
    });
    focused = null;
  }

  function focus(node) {
    var hood = node.closedNeighborhood();
    var keep = hood.union(hood.ancestors());
    var edges = node.connectedEdges();
    cy.batch(function () {
      if (focused) {
        focused.keep.difference(keep).addClass("faded");
        focused.edges.removeClass("focus");
      } else {
        cy.elements().difference(keep).addClass("faded");
      }
      keep.removeClass("faded");
      edges.addClass("focus");
    });
    focused = { keep: keep, edges: edges };
    showDetails(node);
  }

  cy.on("mouseover", "node.concept", function (evt) { showTooltip(evt.target, evt); });
  cy.on("mousemove", "node.concept", function (evt) { showTooltip(evt.target, evt); });
  cy.on("mouseout", "node.concept", hideTooltip);
  cy.on("viewport", hideTooltip);
  cy.on("tap", "node.concept", function (evt) { focus(evt.target); });
  cy.on("tap", function (evt) {
    if (evt.target === cy) { clearFocus(); resetDetails(); }
  });

  // -- search ---------------------------------------------------------------------
  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    var matches = cy.collection();
    cy.batch(function () {
      cy.nodes().removeClass("search-match").unselect();
      if (q) {
        matches = cy.nodes(".concept").filter(function (n) {
          return String(n.data("label")).toLowerCase().indexOf(q) !== -1;
        });
        matches.addClass("search-match").select();
      }
    });
    searchStatus.textContent = q ? (matches.length + (matches.length === 1 ? " match" : " matches")) : "";
    return matches.map(function (n) { return n.data("key"); });
  }

  function showMatches() {
    var matches = cy.nodes(".search-match");
    if (matches.nonempty()) {
      cy.animate({ fit: { eles: matches, padding: 80 } }, { duration: large ? 0 : 300 });
      if (matches.length === 1) { focus(matches[0]); }
    }
  }

  searchBox.addEventListener("input", function () { search(searchBox.value); });
  searchBox.addEventListener("keydown", function (evt) {
    if (evt.key === "Enter") { search(searchBox.value); showMatches(); }
    if (evt.key === "Escape") { searchBox.value = ""; search(""); }
  });
  document.getElementById("reset").addEventListener("click", function () {
    searchBox.value = "";
    search("");
    clearFocus();
    resetDetails();
    fitAll();
  });
  window.conceptmapSearch = function (q) { searchBox.value = q; return search(q); };

  // -- legend ---------------------------------------------------------------------
  function legendRow(marker, text) {
    var row = el("div", "legend-row");
    row.appendChild(marker);
    row.appendChild(el("span", "legend-text", text));
    legend.appendChild(row);
  }

  function buildLegend() {
    var lg = data.legend;
    if (lg.groups.length) {
      legend.appendChild(el("h2", null, lg.group_kind === "cluster" ? "Clusters (colour)" : "Subgraphs (colour)"));
      lg.groups.forEach(function (g) {
        var sw = el("span", "swatch");
        sw.style.backgroundColor = g[1];
        sw.style.borderColor = g[2];
        legendRow(sw, g[0]);
      });
    }
    if (lg.kinds.length) {
      legend.appendChild(el("h2", null, "Relationships"));
      lg.kinds.forEach(function (k) {
        var line = el("span", "line-sample stroke-" + k[1]);
        if (k[2] !== "none") { line.appendChild(el("span", "end " + k[2])); }
        legendRow(line, k[0]);
      });
    }
    if (data.path.length) {
      legendRow(el("span", "line-sample path"), "learning path (" + data.path.length + " concepts)");
    }
    if (data.subgraphs.length) {
      var box = el("span", "swatch");
      box.style.borderRadius = "3px";
      box.style.backgroundColor = "#eef2f7";
      box.style.borderColor = "#9aa5b1";
      legendRow(box, "box = subgraph");
    }
    legend.appendChild(el("h2", null, "Size"));
    var small = el("span", "size-sample");
    small.style.width = small.style.height = "8px";
    var big = el("span", "size-sample");
    big.style.width = big.style.height = "16px";
    var pair = el("span");
    pair.appendChild(small);
    pair.appendChild(document.createTextNode(" "));
    pair.appendChild(big);
    legendRow(pair, lg.size_by ? "node size = " + lg.size_by : "all nodes the same size");
  }
  buildLegend();

  // -- keep subgraph boxes (and, on small maps, concept labels) apart -------------
  // Force-directed layouts do not promise that compound nodes never overlap, so push
  // overlapping siblings apart along the shorter axis, innermost subgraphs first. Two
  // concepts whose labels overlap are pushed apart too (cose keeps nodes apart, not their
  // wrapped labels: the seed map had 7 such pairs, "Layer Normalization" half under
  // "Residual Connections"); physics lays out small maps only, so this stays cheap.
  var LEAF_GAP = 4;
  var LABEL_ROUNDS = 400;
  function shiftNode(node, dx, dy) {
    var leaves = node.isParent() ? node.descendants().filter(function (d) { return !d.isParent(); }) : node;
    leaves.positions(function (n) { return { x: n.position("x") + dx, y: n.position("y") + dy }; });
  }

  // When boxes a and b ([x1, y1, x2, y2]) overlap or are less than *gap* apart: move(x, y)
  // with the shift for a (b takes the opposite) that ends it, half each, along the axis
  // of the smaller overlap, a going left (up) unless its centre is right of (below) b's;
  // true then, false when they are apart.
  function pushApart(a, b, gap, move) {
    var ox = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + gap;
    var oy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + gap;
    if (ox <= 0 || oy <= 0) { return false; }
    if (ox < oy) {
      move((a[0] + a[2] <= b[0] + b[2] ? -1 : 1) * ox / 2, 0);
    } else {
      move(0, (a[1] + a[3] <= b[1] + b[3] ? -1 : 1) * oy / 2);
    }
    return true;
  }

  // Concepts (no subgraphs among them) whose label boxes overlap, pushed apart the same
  // way; the boxes are measured once and moved as plain numbers, pairs found by a sweep
  // along x, and the positions set once at the end (150 long labels: ~0.1 s).
  function separateLabels(leaves) {
    var n = leaves.length;
    if (n < 2) { return; }
    var box = leaves.map(function (l) {
      var b = l.boundingBox({ includeLabels: true });
      return [b.x1, b.y1, b.x2, b.y2];
    });
    var dx = leaves.map(function () { return 0; });
    var dy = dx.slice();
    var idx = leaves.map(function (_, k) { return k; });
    function shift(k, x, y) {
      box[k][0] += x; box[k][2] += x; box[k][1] += y; box[k][3] += y; dx[k] += x; dy[k] += y;
    }
    for (var iter = 0; iter < LABEL_ROUNDS; iter++) {
      var moved = false;
      idx.sort(function (p, q) { return box[p][0] - box[q][0] || p - q; });
      for (var s = 0; s < n; s++) {
        var i = idx[s];
        for (var t = s + 1; t < n; t++) {
          var j = idx[t];
          if (box[j][0] >= box[i][2] + LEAF_GAP) { break; }  // the rest start further right
          var push = function (x, y) { shift(i, x, y); shift(j, -x, -y); };
          if (pushApart(box[i], box[j], LEAF_GAP, push)) { moved = true; }
        }
      }
      if (!moved) { break; }
    }
    cy.batch(function () {
      leaves.forEach(function (l, k) {
        if (dx[k] || dy[k]) { l.position({ x: l.position("x") + dx[k], y: l.position("y") + dy[k] }); }
      });
    });
  }

  function separateSiblings(items, gap, withLeaves) {
    for (var iter = 0; iter < 200; iter++) {
      var moved = false;
      for (var i = 0; i < items.length; i++) {
        for (var j = i + 1; j < items.length; j++) {
          var a = items[i];
          var b = items[j];
          if (!a.isParent() && !b.isParent()) { continue; }
          if (!withLeaves && !(a.isParent() && b.isParent())) { continue; }
          var ba = a.boundingBox({ includeLabels: true });
          var bb = b.boundingBox({ includeLabels: true });
          var push = function (x, y) { shiftNode(a, x, y); shiftNode(b, -x, -y); };
          if (pushApart([ba.x1, ba.y1, ba.x2, ba.y2], [bb.x1, bb.y1, bb.x2, bb.y2], gap, push)) {
            moved = true;
          }
        }
      }
      if (!moved) { return; }
    }
  }

  function separateGroups() {
    var parents = cy.nodes(":parent");
    var leafPairs = !large;
    if ((parents.empty() && !leafPairs) || parents.length > 300) { return; }
    var withLeaves = !large;
    var ordered = parents.toArray().sort(function (a, b) {
      return b.ancestors().length - a.ancestors().length;
    });
    function leavesOf(items) { return items.filter(function (x) { return !x.isParent(); }); }
    // no cy.batch() here: each move must update the compound bounds read by the next test
    ordered.forEach(function (p) {
      var children = p.children().toArray();
      if (leafPairs) { separateLabels(leavesOf(children)); }
      separateSiblings(children, 12, withLeaves);
    });
    var top = withLeaves ? cy.nodes().orphans().toArray() : parents.orphans().toArray();
    if (leafPairs) { separateLabels(leavesOf(top)); }
    separateSiblings(top, 24, withLeaves);
  }

  // -- layout -------------------------------------------------------------------
  function ready() {
    // one frame after the layout stops, so the map has been drawn once
    window.requestAnimationFrame(function () {
      window.conceptmapReady = true;
      document.body.setAttribute("data-ready", "true");
    });
  }

  function addElements() {
    cy.add(elements);
    if (huge) { unlabelled = cy.nodes(".concept").toArray(); }
  }

  if (data.layout === "physics" && data.concepts.length > 1) {
    addElements();
    var layout = cy.layout({
      name: "cose",
      animate: true,
      animationThreshold: 0,
      refresh: 10,
      randomize: false,  // start from the deterministic grid: same map, same picture
      fit: true,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      componentSpacing: 40,
      nodeRepulsion: function () { return 4000; },
      nodeOverlap: 12,
      idealEdgeLength: function () { return 40; },
      edgeElasticity: function () { return 100; },
      nestingFactor: 1.0,
      gravity: 2,
      numIter: 1500,
      initialTemp: 40,
      coolingFactor: 0.95,
      minTemp: 1.0
    });
    // Labels keep a readable size on screen, so their size in the map grows as the map is
    // zoomed out to fit, and pushing them apart makes the map bigger: kept apart and
    // fitted again, three times (the seed maps settle in one or two)
    layout.one("layoutstop", function () {
      for (var round = 0; round < 3; round++) { fitAll(); separateGroups(); }
      fitAll();
      ready();
    });
    layout.run();
  } else {
    // Fixed positions (Graphviz, or the grid fallback; both keep subgraphs apart). The
    // elements come one frame after the constructor: Cytoscape's first frame of a graph
    // builds its layer textures of all elements at once (about 0.2 s more before a
    // 5,000-concept map shows); any later frame builds them a few at a time.
    window.requestAnimationFrame(function () {
      addElements();
      fitAll();
      ready();
    });
  }

  // Fit the view to the node positions alone (labels not measured).
  function fitToPositions(padding) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    cy.nodes().forEach(function (n) {
      var p = n.position();
      var hw = (n.data("w") || n.data("size") || 0) / 2;
      var hh = (n.data("h") || n.data("size") || 0) / 2;
      x0 = Math.min(x0, p.x - hw); x1 = Math.max(x1, p.x + hw);
      y0 = Math.min(y0, p.y - hh); y1 = Math.max(y1, p.y + hh);
    });
    if (!isFinite(x0)) { return; }
    var w = Math.max(cy.width() - 2 * padding, 1);
    var h = Math.max(cy.height() - 2 * padding, 1);
    var zoom = Math.min(w / Math.max(x1 - x0, 1), h / Math.max(y1 - y0, 1));
    zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), zoom));
    cy.viewport({
      zoom: zoom,
      pan: { x: (cy.width() - zoom * (x0 + x1)) / 2, y: (cy.height() - zoom * (y0 + y1)) / 2 }
    });
  }
}());
