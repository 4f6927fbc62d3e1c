// Call recordings on the agent page (my recent recorded calls) and the supervisor page (everyone's,
// by agent, with legal hold): a player per recording pointing at the Range-capable audio URL, so a
// long call seeks, and the paused (unrecorded) segments beside it. A link to #recording=<id> opens
// one recording; one the user may not hear shows the server's reason.
"use strict";
const Recordings = (() => {
  const byId = (id) => document.getElementById(id);
  const POLL_MS = 10000;
  let supervising = false;

  function pauses(r) {
    if (!r.pauses || !r.pauses.length) return CC.el("span", { class: "muted" }, CC.t("ui.recordings.no_pauses"));
    return CC.el("ul", { class: "recording-pauses" }, r.pauses.map((p) =>
      CC.el("li", {}, CC.t("ui.recordings.paused") + " " + CC.duration(p.start_s) + "–" + CC.duration(p.end_s))));
  }

  function player(r) {
    if (r.state !== "complete") return CC.el("span", { class: "muted" }, CC.label("ui.recordings.state.", r.state));
    return CC.el("span", {},
      CC.el("audio", { controls: "", preload: "metadata", src: r.audio_url, "data-recording": r.id }),
      " ", CC.el("a", { href: r.download_url, download: "" }, CC.t("ui.recordings.download")));
  }

  function hold(r) {
    if (!supervising) return null;
    const box = CC.el("input", { type: "checkbox", "data-hold": r.id });
    box.checked = r.legal_hold;
    box.addEventListener("change", async () => {
      try {
        await CC.api("PUT", "/api/recordings/" + r.id + "/hold", { hold: box.checked });
        CC.toast(CC.t(box.checked ? "ui.recordings.hold_set" : "ui.recordings.hold_cleared"));
      } catch (_) { box.checked = !box.checked; }
    });
    return CC.el("td", {}, CC.el("label", {}, box, " " + CC.t("ui.recordings.hold")));
  }

  function row(r) {
    return CC.el("tr", { "data-recording-row": r.id },
      CC.el("td", {}, CC.time(r.started_at)), CC.el("td", {}, r.caller_number || ""),
      CC.el("td", {}, r.queue || ""), CC.el("td", {}, r.agents.join(", ")),
      CC.el("td", {}, CC.duration(r.duration_s)), CC.el("td", {}, player(r)), CC.el("td", {}, pauses(r)), hold(r));
  }

  // Rows are replaced only when something changed: a refresh must not stop a recording being played.
  let shown = "";
  async function refresh() {
    const agent = byId("recordings-agent")?.value.trim();
    const query = "?limit=20" + (agent ? "&agent=" + encodeURIComponent(agent) : "");
    let list;
    try { list = await CC.api("GET", "/api/recordings" + query); } catch (_) { return; }
    const key = JSON.stringify(list.map((r) => [r.id, r.state, r.legal_hold]));
    if (key === shown) return;
    shown = key;
    byId("recordings").replaceChildren(...list.map(row));
    byId("recordings-empty").classList.toggle("hidden", list.length > 0);
  }

  async function openLinked() {
    const match = /^#recording=(\d+)$/.exec(location.hash);
    if (!match) return;
    const out = byId("recording-one");
    out.classList.remove("hidden");
    try {
      const r = await CC.api("GET", "/api/recordings/" + match[1]);
      out.replaceChildren(CC.el("table", {}, row(r)));
    } catch (e) {
      out.replaceChildren(CC.el("p", { class: "error", "data-denied": "" }, e.text || e.code));
    }
  }

  async function runRetention() {
    const report = await CC.api("POST", "/api/admin/recordings/retention");
    CC.toast(CC.t("ui.recordings.retention_done", { deleted: report.deleted, held: report.held }));
    refresh();
  }

  function start() {
    if (!byId("recordings")) return;
    supervising = CC.me.role === "supervisor" || CC.me.role === "admin";
    byId("recordings-filter")?.addEventListener("click", () => { shown = ""; refresh(); });
    const retention = byId("recordings-retention");
    if (retention && CC.me.role === "admin") {
      retention.classList.remove("hidden");
      retention.addEventListener("click", runRetention);
    }
    // An agent's own call ended: its recording shows once checked (supervisors are not sent CallEnded).
    if (!supervising) CC.on(CCWire.MSG.CALL_ENDED, () => setTimeout(refresh, 1500));
    setInterval(refresh, POLL_MS);
    window.addEventListener("hashchange", openLinked);
    refresh();
    openLinked();
  }

  return { start, refresh };
})();
document.addEventListener("DOMContentLoaded", () => {
  // After the page has signed in (CC.me): the texts come with the page's catalogue.
  const wait = setInterval(() => { if (CC.me) { clearInterval(wait); Recordings.start(); } }, 100);
});
