// The agent's voicemail pane: the voicemails in my hands (accepted from the offers like a chat), each
// with its audio (the server answers Range requests, so the player seeks; every playback is audited),
// the transcript when there is one, a one-click call back (click-to-dial) and "done", which ends the
// conversation so the wrap-up (a disposition, as for calls) opens in the conversations pane.
"use strict";
const AgentVoicemail = (() => {
  const byId = (id) => document.getElementById(id);
  const POLL_MS = 3000;
  const shown = new Map();  // conversation id → its card (kept while listed: the player keeps playing)

  function card(v) {
    const audio = CC.el("audio", { controls: "", preload: "none", src: v.audio_url, class: "vm-audio" });
    const transcript = v.transcript
      ? CC.el("blockquote", { class: "vm-transcript" }, v.transcript)
      : CC.el("p", { class: "muted vm-transcript" }, CC.t("ui.voicemail.no_transcript"));
    const callBack = CC.el("button", { type: "button", class: "primary vm-call-back", onclick: () => dial(v) },
      CC.t("ui.voicemail.call_back"));
    if (!v.caller_number) { callBack.disabled = true; callBack.title = CC.t("ui.voicemail.no_number"); }
    const done = CC.el("button", { type: "button", class: "vm-done", onclick: () => end(v) }, CC.t("ui.voicemail.done"));
    return CC.el("article", { class: "voicemail", "data-voicemail": v.conversation_id },
      CC.el("h3", {}, CC.t("ui.voicemail.from") + ": " + (v.customer_name || v.caller_number || "—")),
      CC.el("p", { class: "muted" }, (v.caller_number || "") + " · " + CC.time(v.created_at) + " · " +
        CC.t("ui.voicemail.duration") + " " + CC.t("ui.voicemail.seconds", { seconds: Math.round(v.duration_s) })),
      audio,
      CC.el("h4", {}, CC.t("ui.voicemail.transcript")), transcript,
      CC.el("div", { class: "vm-actions" }, callBack, v.status === "active" ? done : null));
  }

  async function refresh() {
    let list;
    try {
      const r = await fetch("/api/agent/voicemails", { credentials: "same-origin" });
      if (!r.ok) return;
      list = await r.json();
    } catch (_) { return; }
    const box = byId("voicemail-list");
    const ids = new Set(list.map((v) => v.conversation_id));
    for (const [cid, el] of shown) if (!ids.has(cid)) { el.remove(); shown.delete(cid); }
    for (const v of list) {
      const old = shown.get(v.conversation_id);
      if (old && old.dataset.status === v.status) {
        // A transcript that came meanwhile is put in place: the player keeps playing.
        if (v.transcript && old.dataset.transcript !== v.transcript) {
          old.querySelector(".vm-transcript").replaceWith(CC.el("blockquote", { class: "vm-transcript" }, v.transcript));
          old.dataset.transcript = v.transcript;
        }
        continue;
      }
      const fresh = card(v);
      fresh.dataset.status = v.status;
      fresh.dataset.transcript = v.transcript || "";
      if (old) old.replaceWith(fresh); else box.append(fresh);
      shown.set(v.conversation_id, fresh);
    }
    byId("voicemail-empty").classList.toggle("hidden", list.length > 0);
  }

  async function dial(v) {
    try {
      await CC.api("POST", "/api/agent/dial", { number: v.caller_number, customer_id: v.customer_id });
      CC.toast(CC.t("ui.voicemail.calling"));
    } catch (_) { /* told by CC.api */ }
  }

  async function end(v) {
    try {
      await CC.api("POST", "/api/agent/chats/" + encodeURIComponent(v.conversation_id) + "/end");
      await refresh();
    } catch (_) { /* told by CC.api */ }
  }

  function start() {
    if (!byId("voicemail-pane")) return;
    setInterval(refresh, POLL_MS);
    refresh();
  }

  return { start, refresh };
})();
document.addEventListener("DOMContentLoaded", () => {
  const wait = setInterval(() => { if (CC.me) { clearInterval(wait); AgentVoicemail.start(); } }, 100);
});
