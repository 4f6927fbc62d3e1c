// The supervisor's live chats: the list (refreshed on every ConversationStatusChanged), reading one (its
// messages after the last seq shown, polled while it is open), joining it and writing in it (both audited).
"use strict";
const SupervisorChats = (() => {
  const byId = (id) => document.getElementById(id);
  let open = null;      // {id, lastSeq, joined}
  let reloadTimer = null;
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
  const path = (cid, rest) => "/api/supervisor/chats/" + encodeURIComponent(cid) + (rest || "");

  async function load() {
    const body = await CC.api("GET", "/api/supervisor/chats");
    byId("live-chats").tBodies[0].replaceChildren(...body.chats.map((c) => CC.el("tr", { "data-conversation": c.conversation_id },
      CC.el("td", {}, CC.time(c.opened_at)), CC.el("td", {}, c.customer_name), CC.el("td", {}, c.queue),
      CC.el("td", {}, c.agent_id || "–"), CC.el("td", { class: "chat-status" }, CC.t("ui.chat.status." + c.status)),
      CC.el("td", { class: "actions" },
        CC.el("button", { type: "button", class: "chat-read", onclick: () => read(c.conversation_id) }, CC.t("ui.chat.read"))))));
    byId("live-chats-empty").classList.toggle("hidden", body.chats.length > 0);
  }
  function reloadSoon() { clearTimeout(reloadTimer); reloadTimer = setTimeout(load, 300); }

  async function read(cid) {
    open = { id: cid, lastSeq: 0, joined: false };
    byId("chat-reader").classList.remove("hidden");
    byId("chat-reader").dataset.conversation = cid;
    byId("reader-log").replaceChildren();
    await poll();
  }
  async function poll() {
    if (!open) return;
    const cid = open.id;
    const body = await CC.api("GET", path(cid, "?after=" + open.lastSeq));
    if (!open || open.id !== cid) return;
    const c = body.conversation;
    open.joined = (c.supervisors || []).includes(CC.me.username);
    byId("reader-title").textContent = c.customer_name + " · " + c.queue + " · " + (c.agent_id || "–") + " · " + CC.t("ui.chat.status." + c.status);
    byId("reader-join").textContent = CC.t(open.joined ? "ui.chat.joined" : "ui.chat.join");
    byId("reader-join").disabled = open.joined;
    byId("reader-compose").classList.toggle("hidden", !open.joined);
    for (const m of body.messages) {
      if (m.seq <= open.lastSeq) continue;
      const system = m.sender === "system";
      byId("reader-log").append(CC.el("li", { class: "chat-msg " + m.sender, "data-seq": m.seq },
        CC.el("span", { class: "chat-author muted" }, system ? "" : CC.t("ui.chat.sender." + m.sender) + " · " + m.author + ": "),
        CC.el("span", { class: "chat-text" }, system ? CC.t(m.text) : m.text),
        ...(m.attachments || []).map((a) => CC.el("span", { class: "chat-attachment muted" }, "📎 " + a.filename))));
      open.lastSeq = m.seq;
    }
  }
  async function join() {
    if (!open) return;
    await CC.api("POST", path(open.id, "/join"));
    await poll();
  }
  async function post() {
    const text = byId("reader-input").value.trim();
    if (!open || !text) return;
    await CC.api("POST", path(open.id, "/messages"), { text, client_id: newId() });
    byId("reader-input").value = "";
    await poll();
  }

  CC.on(CCWire.MSG.CONVERSATION_STATUS_CHANGED, (m) => {
    reloadSoon();
    if (open && open.id === m.conversation_id) poll();
  });
  document.addEventListener("DOMContentLoaded", () => {
    byId("reader-join").addEventListener("click", join);
    byId("reader-send").addEventListener("click", post);
    byId("reader-close").addEventListener("click", () => { open = null; byId("chat-reader").classList.add("hidden"); });
  });
  const started = setInterval(() => { if (CC.me) { clearInterval(started); load(); } }, 200);
  setInterval(() => { if (open) poll(); }, 1500);
  return { load, read };
})();
