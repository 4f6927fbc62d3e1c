// The IVR flow editor page: draws the server's layout as SVG, edits nodes through forms that the
// server turns into YAML, validates, dry-runs, saves, publishes and rolls back. No build step.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const TEXTS = JSON.parse(document.body.dataset.texts || "{}");
const IS_ADMIN = document.body.dataset.role === "admin";
const $ = (id) => document.getElementById(id);
// Dates as on every other page (common.js): the user's language and time zone, one format.
CC.me = { language: document.body.dataset.lang, timezone: document.body.dataset.timezone };
const editor = { flow: null, version: null, graph: null, selected: null, path: [], issues: [] };

function t(code, params) {
  let text = TEXTS[code] || code;
  for (const [k, v] of Object.entries(params || {})) text = text.replace("{" + k + "}", String(v));
  return text;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function status(text, kind) {
  const box = $("status");
  box.textContent = text;
  box.className = kind || "";
}

async function api(method, url, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

function failed(result) {
  status(result.data.message || result.data.code || String(result.status), "error");
  if (result.data.issues) showIssues(result.data.issues);
}

// --- the graph ---------------------------------------------------------------------------------

function drawGraph(graph) {
  editor.graph = graph;
  const box = $("graph");
  box.replaceChildren();
  if (!graph) return;
  const w = graph.node_width, h = graph.node_height;
  const root = svg("svg", { width: graph.width, height: graph.height, id: "graph-svg" });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }));
  const clip = svg("clipPath", { id: "node-clip", clipPathUnits: "userSpaceOnUse" });
  clip.append(svg("rect", { x: 0, y: 0, width: w - 6, height: h }));
  defs.append(marker, clip);
  root.append(defs);
  const at = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
  for (const e of graph.edges) {
    const a = at[e.source], b = at[e.target];
    let d, lx, ly;
    if (b.layer > a.layer) {
      const x1 = a.x + w / 2, y1 = a.y + h, x2 = b.x + w / 2, y2 = b.y, my = (y1 + y2) / 2;
      d = `M ${x1} ${y1} C ${x1} ${my}, ${x2} ${my}, ${x2} ${y2}`;
      lx = (x1 + x2) / 2 + 4; ly = my + 3;
    } else {
      // back or same-layer edge: leave from the right side and come back in from the right side
      const x1 = a.x + w, y1 = a.y + h / 2, x2 = b.x + w, y2 = b.y + h / 2;
      const out = Math.max(x1, x2) + 45;
      d = `M ${x1} ${y1} C ${out} ${y1}, ${out} ${y2}, ${x2} ${y2}`;
      lx = out - 8; ly = (y1 + y2) / 2;
    }
    const group = svg("g", { class: "edge", "data-source": e.source, "data-target": e.target });
    group.append(svg("path", { d, "marker-end": "url(#arrow)" }));
    if (e.label) group.append(svg("text", { x: lx, y: ly, "text-anchor": "middle" }, e.label));
    root.append(group);
  }
  for (const n of graph.nodes) {
    const classes = ["node", "type-" + n.type];
    if (n.start) classes.push("start");
    if (n.fallback) classes.push("fallback");
    const group = svg("g", { class: classes.join(" "), "data-node": n.id, transform: `translate(${n.x},${n.y})`, tabindex: 0 });
    group.append(svg("rect", { width: w, height: h, rx: 6 }));
    group.append(svg("text", { x: 8, y: 17, class: "node-id", "clip-path": "url(#node-clip)" }, n.id));
    const kind = n.type === "missing" ? t("ui.ivr.missing") : n.type;
    const label = kind + (n.label ? " · " + n.label : "");
    group.append(svg("text", { x: 8, y: 32, class: "node-label", "clip-path": "url(#node-clip)" }, label));
    group.append(svg("title", {}, n.id + " (" + n.type + ")" + (n.label ? "\n" + n.label : "")));
    if (n.type !== "missing") group.addEventListener("click", () => selectNode(n.id));
    root.append(group);
  }
  box.append(root);
  markGraph();
}

function markGraph() {
  const visited = new Set(editor.path);
  const broken = new Set(editor.issues.filter((i) => i.level === "error" && i.node).map((i) => i.node));
  for (const g of document.querySelectorAll("#graph g.node")) {
    const id = g.dataset.node;
    g.classList.toggle("selected", id === editor.selected);
    g.classList.toggle("on-path", visited.has(id));
    g.classList.toggle("has-error", broken.has(id));
  }
  for (const g of document.querySelectorAll("#graph g.edge")) {
    const i = editor.path.indexOf(g.dataset.source);
    g.classList.toggle("on-path", i >= 0 && editor.path[i + 1] === g.dataset.target);
  }
}

// --- the node form -----------------------------------------------------------------------------

async function selectNode(id) {
  editor.selected = id;
  markGraph();
  $("node-name").textContent = id;
  const result = await api("POST", "/api/ivr/node-form", { yaml: $("yaml").value, node: id });
  if (!result.ok) return failed(result);
  const form = $("node-form");
  form.replaceChildren(el("p", { class: "node-type", text: result.data.type }));
  for (const f of result.data.fields) form.append(fieldRow(f.path, f.value, f.kind, false));
  const adder = el("button", { type: "button", id: "add-field", text: t("ui.ivr.add_field") });
  adder.addEventListener("click", () => form.insertBefore(fieldRow("", "", "text", true), adder));
  form.append(adder, el("button", { type: "submit", id: "apply", text: t("ui.ivr.apply") }));
}

function fieldRow(path, value, kind, isNew) {
  const row = el("div", { class: "field" });
  const name = isNew
    ? el("input", { class: "field-name", placeholder: t("ui.ivr.field_name") })
    : el("label", { class: "field-name", text: path });
  const input = el(kind === "yaml" ? "textarea" : "input", { class: "field-value", name: path, "data-path": path });
  input.value = value;
  row.append(name, input);
  return row;
}

async function applyNode(event) {
  event.preventDefault();
  const fields = {};
  for (const row of document.querySelectorAll("#node-form .field")) {
    const name = row.querySelector(".field-name");
    const path = name.tagName === "INPUT" ? name.value.trim() : name.textContent;
    if (path) fields[path] = row.querySelector(".field-value").value;
  }
  const result = await api("POST", "/api/ivr/node-apply", { yaml: $("yaml").value, node: editor.selected, fields });
  if (!result.ok) return failed(result);
  $("yaml").value = result.data.yaml;
  setDirty(true);
  await validate();
  await selectNode(editor.selected);
}

// --- validation, save, publish, roll back --------------------------------------------------------

function showIssues(issues) {
  editor.issues = issues;
  const list = $("issues");
  list.replaceChildren();
  if (!issues.length) list.append(el("li", { class: "ok", text: t("ui.ivr.no_issues") }));
  for (const issue of issues) {
    const item = el("li", { class: "issue " + issue.level, "data-code": issue.code, "data-node": issue.node || "" });
    item.append(el("b", { text: issue.title + " " }), el("span", { text: issue.message }));
    if (issue.node) item.addEventListener("click", () => selectNode(issue.node));
    list.append(item);
  }
  markGraph();
}

async function validate() {
  const result = await api("POST", "/api/ivr/validate", { yaml: $("yaml").value });
  if (!result.ok) return failed(result);
  showIssues(result.data.issues);
  if (result.data.graph) drawGraph(result.data.graph);
  const errors = result.data.issues.filter((i) => i.level === "error").length;
  status(errors ? t("ui.ivr.invalid", { count: errors }) : t("ui.ivr.valid"), errors ? "error" : "ok");
  return !errors;
}

async function save() {
  const result = await api("POST", "/api/ivr/flows", { yaml: $("yaml").value, comment: $("comment").value });
  if (!result.ok) return failed(result);
  editor.flow = result.data.flow;
  editor.version = result.data.version;
  setDirty(false);
  await loadFlows(editor.flow, editor.version);
  status(t("ui.ivr.saved", { version: result.data.version }), "ok");
}

async function publish() {
  const result = await api("POST", `/api/ivr/flows/${editor.flow}/publish`, { version: editor.version });
  if (!result.ok) return failed(result);
  await loadFlows(editor.flow, editor.version);
  status(t("ui.ivr.published_ok", { version: result.data.version }), "ok");
}

async function rollback() {
  if (!window.confirm(t("ui.ivr.confirm_rollback", { flow: editor.flow }))) return;
  const result = await api("POST", `/api/ivr/flows/${editor.flow}/rollback`);
  if (!result.ok) return failed(result);
  await loadFlows(editor.flow, result.data.version);
  status(t("ui.ivr.rolled_back", { version: result.data.version }), "ok");
}

// --- dry run -----------------------------------------------------------------------------------

async function dryRun() {
  const digits = $("dry-digits").value.trim();
  const body = {
    caller: $("dry-caller").value.trim(),
    digits: digits ? digits.split(",").map((d) => d.trim()) : [],
    yaml: $("yaml").value,
  };
  if ($("dry-at").value.trim()) body.at = $("dry-at").value.trim();
  const result = await api("POST", `/api/ivr/flows/${editor.flow}/dry-run`, body);
  if (!result.ok) {
    const detail = Array.isArray(result.data.detail) ? result.data.detail.map((d) => d.msg).join("; ") : "";
    return detail ? status(detail, "error") : failed(result);
  }
  const r = result.data;
  const own = r.flow + ":";
  editor.path = r.path.filter((p) => p.startsWith(own)).map((p) => p.slice(own.length));
  markGraph();
  const box = $("dry-result");
  const list = (items) => el("ol", {}, ...items.map((i) => el("li", { text: i })));
  box.replaceChildren(
    el("p", {}, el("b", { text: t("ui.ivr.result") + ": " }), el("span", { id: "dry-outcome", text: r.result })),
    el("b", { text: t("ui.ivr.path") }), list(r.path),
    el("b", { text: t("ui.ivr.prompts") }), list(r.prompts),
    el("b", { text: t("ui.ivr.variables") }),
    list(Object.entries(r.variables).map(([k, v]) => `${k} = ${v}`)),
  );
  for (const e of r.errors) box.append(el("p", { class: "error", text: `${e.node}: ${e.message}` }));
}

// --- flows, versions, history ------------------------------------------------------------------

async function loadFlows(flow, version) {
  const result = await api("GET", "/api/ivr/flows");
  if (!result.ok) return failed(result);
  const select = $("flow");
  select.replaceChildren(...result.data.map((f) => el("option", { value: f.name, text: f.name })));
  const chosen = result.data.find((f) => f.name === flow) || result.data[0];
  if (!chosen) return;
  select.value = chosen.name;
  await openVersion(chosen.name, version || chosen.published || chosen.latest);
}

async function openVersion(flow, version) {
  const result = await api("GET", `/api/ivr/flows/${flow}/versions/${version}`);
  if (!result.ok) return failed(result);
  editor.flow = flow;
  editor.version = version;
  editor.path = [];
  $("yaml").value = result.data.yaml;
  setDirty(false);
  drawGraph(result.data.graph);
  showIssues([]);
  $("dry-result").replaceChildren();
  await loadHistory(flow, version);
}

async function loadHistory(flow, current) {
  const result = await api("GET", `/api/ivr/flows/${flow}/history`);
  if (!result.ok) return failed(result);
  const versions = result.data.versions;
  $("version").replaceChildren(
    ...versions.map((v) =>
      el("option", { value: v.version, text: `v${v.version}` + (v.published ? " · " + t("ui.ivr.published") : "") })),
  );
  $("version").value = String(current);
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const v of [...versions].reverse()) {
    const row = el("tr", { "data-version": v.version, class: v.published ? "published" : "" });
    const actions = el("td", {});
    actions.append(el("button", { type: "button", class: "open", text: t("ui.ivr.open"), onclick: () => openVersion(flow, v.version) }));
    if (v.version > 1) {
      actions.append(el("button", { type: "button", class: "diff", text: t("ui.ivr.diff"), onclick: () => showDiff(flow, v.version - 1, v.version) }));
    }
    row.append(
      el("td", { text: `v${v.version}` + (v.published ? " ✓" : "") }),
      el("td", { text: v.author }),
      el("td", { text: CC.time(v.created_at) }),
      el("td", { text: v.comment }),
      actions,
    );
    body.append(row);
  }
  $("audit").replaceChildren(
    ...[...result.data.audit].reverse().map((a) =>
      el("li", { text: `${CC.time(a.at)} · ${a.author} · ${t("ui.ivr.action." + a.action)} v${a.version}` + (a.previous ? ` (← v${a.previous})` : "") })),
  );
}

async function showDiff(flow, v1, v2) {
  const result = await api("GET", `/api/ivr/flows/${flow}/diff?v1=${v1}&v2=${v2}`);
  if (!result.ok) return failed(result);
  const box = $("diff");
  box.replaceChildren();
  for (const line of result.data.diff.split("\n")) {
    const kind = line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "";
    box.append(el("span", { class: kind, text: line + "\n" }));
  }
}

function setDirty(dirty) {
  $("dirty").hidden = !dirty;
  if (IS_ADMIN) $("publish").disabled = dirty;
}

document.addEventListener("DOMContentLoaded", () => {
  $("node-form").addEventListener("submit", applyNode);
  $("validate").addEventListener("click", validate);
  $("dry-run").addEventListener("click", dryRun);
  $("yaml").addEventListener("input", () => setDirty(true));
  $("flow").addEventListener("change", () => loadFlows($("flow").value));
  $("version").addEventListener("change", () => openVersion(editor.flow, Number($("version").value)));
  if (IS_ADMIN) {
    $("save").addEventListener("click", save);
    $("publish").addEventListener("click", publish);
    $("rollback").addEventListener("click", rollback);
  }
  loadFlows(new URLSearchParams(location.search).get("flow"));
});
