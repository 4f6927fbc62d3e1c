"use strict";
const $ = (id) => document.getElementById(id);
let board = null;
let receivedAt = Date.now();
let phone = null; // the console's browser phone (a desk phone: mode "desk")
const pct = (v) => (v === null || v === undefined ? "–" : Math.round(v * 100) + "%");

async function supervise(agent, mode) {
  // A new leg rings this console's phone: it answers by itself (a mode change rings nothing).
  if (mode && phone && !phone.live()) phone.expectOwnCall();
  try {
    await CC.api("POST", "/api/supervisor/agents/" + agent + "/supervise", { mode });
  } catch (error) {
    if (phone) phone.cancelOwnCall();
    throw error;
  }
  loadAudit();
}

function showLine(phase) {
  $("spy-line").dataset.phase = phase;
  $("spy-line").textContent = phase === "talking" ? CC.t("ui.phone.live") : "";
}
function force(agent, state) {
  return CC.api("POST", "/api/supervisor/agents/" + agent + "/state", { state, reason: state === "paused" ? "supervisor" : null }).then(loadAudit);
}

function render() {
  if (!board) return;
  const age = (Date.now() - receivedAt) / 1000;
  $("queues").tBodies[0].replaceChildren(...board.queues.map((q) => CC.el("tr", { "data-queue": q.queue },
    CC.el("td", {}, q.queue), CC.el("td", { class: "kpi waiting" }, String(q.waiting)),
    CC.el("td", {}, CC.duration(q.waiting ? q.longest_wait + age : 0)), CC.el("td", {}, pct(q.service_level)),
    CC.el("td", {}, pct(q.abandon_rate)), CC.el("td", {}, CC.duration(q.asa)), CC.el("td", {}, CC.duration(q.aht)),
    CC.el("td", { class: "answered" }, String(q.answered)))));
  $("by-state").replaceChildren(...Object.entries(board.agents_by_state).filter(([, n]) => n > 0)
    .map(([s, n]) => CC.el("span", { class: "state " + s }, CC.t("ui.state." + s) + ": " + n + "  ")));
  $("agents").tBodies[0].replaceChildren(...board.agents.map((a) => {
    const call = a.call && a.call.phase === "talking" ? a.call : null;
    const sup = a.supervision;
    const buttons = call ? [
      ...["listen", "whisper", "barge"].map((m) => CC.el("button", {
        class: sup && sup.mode === m ? "primary" : "", "data-action": m, onclick: () => supervise(a.agent_id, m) }, CC.t("ui." + m))),
      sup ? CC.el("button", { "data-action": "stop", onclick: () => supervise(a.agent_id, null) }, CC.t("ui.stop")) : null,
    ] : [];
    return CC.el("tr", { "data-agent": a.agent_id },
      CC.el("td", {}, a.agent_id),
      CC.el("td", { class: "state " + a.state, "data-state": a.state }, CC.t("ui.state." + a.state),
        a.pending_pause ? CC.el("div", { class: "pause-pending muted" },
          CC.t("ui.pause_pending", { reason: CC.t("ui.reason." + a.pending_pause) })) : null),
      CC.el("td", {}, CC.duration(a.in_state_seconds + age)),
      CC.el("td", {}, a.call ? a.call.caller_number + " (" + (a.call.queue || "") + ")" : "",
        sup ? CC.el("div", { class: "supervising" }, CC.t("ui.supervising", { mode: CC.t("ui." + sup.mode), supervisor: sup.supervisor })) : null),
      CC.el("td", { class: "actions" }, ...buttons,
        CC.el("button", { onclick: () => force(a.agent_id, "available") }, CC.t("ui.force_available")),
        CC.el("button", { onclick: () => force(a.agent_id, "paused") }, CC.t("ui.force_pause")),
        CC.el("button", { onclick: () => force(a.agent_id, "logged_out") }, CC.t("ui.force_logout"))));
  }));
}

async function loadAudit() {
  const rows = await CC.api("GET", "/api/supervisor/audit?limit=30");
  $("audit").tBodies[0].replaceChildren(...rows.map((r) => CC.el("tr", { "data-action": r.action },
    CC.el("td", {}, CC.time(r.at)), CC.el("td", {}, r.actor), CC.el("td", {}, CC.label("ui.audit.", r.action)), CC.el("td", {}, r.target),
    CC.el("td", { class: "muted" }, Object.entries(r.details).map(([k, v]) => k + "=" + v).join(" ")))));
}

const W = CCWire.MSG;
CC.on(W.WALLBOARD, (m) => { board = m; receivedAt = Date.now(); render(); Channels.render(board, receivedAt); Waiting.render(board, receivedAt); });
CC.on(W.SUPERVISION_CHANGED, () => loadAudit());
CC.on(W.CALLBACK_CHANGED, () => setTimeout(loadAudit, 300));
// The wallboard shows what these change (an agent's state, a call leaving its queue).
CC.ignore(W.AGENT_AUTO_PAUSED, W.FALLBACK_REQUIRED);

Callbacks.mount("callbacks", { showAgent: true });
Waiting.onAction(loadAudit);
setInterval(() => { render(); if (board) { Channels.render(board, receivedAt); Waiting.tick(board, receivedAt); } }, 1000);
CCSoftphone.on("registration", (e) => CCSoftphone.showRegistration($("phone-reg"), e));
CCSoftphone.on("ringing", () => phone && phone.decline()); // only the engine's own legs, answered above
CCSoftphone.on("connected", () => showLine("talking"));
CCSoftphone.on("ended", () => showLine("none"));
(async () => {
  await CC.start(true);
  loadAudit();
  phone = await CCSoftphone.start($("remote-audio"), "/api/supervisor/softphone");
  const label = { desk: "ui.softphone.desk", simulator: "ui.softphone.simulator" }[phone.mode] || "ui.softphone.webrtc";
  $("phone-mode").textContent = CC.t(label);
})();
