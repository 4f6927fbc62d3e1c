// The agent's e-mail pane: my open e-mail conversations, one read at a time (sanitized HTML from the
// server, attachments as downloads), knowledge-base suggestions, the reply, and for an unknown
// sender a link to an existing customer or a new one. Only textContent for anything the customer
// wrote, except the server-sanitized HTML (nh3 allow-list), parsed inert through a <template>.
"use strict";
const AgentEmail = (() => {
  const byId = (id) => document.getElementById(id);
  const POLL_MS = 5000;
  let current = null;
  let sending = false;

  function listRow(c) {
    return CC.el("li", {},
      CC.el("button", { class: "link", "data-email": c.conversation_id, onclick: () => open(c.conversation_id) },
        (c.subject || "—") + " · " + (c.customer_name || c.customer_address || "") +
        (c.ticket_id ? " [#T-" + c.ticket_id + "]" : "")));
  }

  let poller = null;

  async function refresh() {
    // Asked quietly: a site without the e-mail channel (404 email.disabled) shows no pane and no error.
    let r;
    try { r = await fetch("/api/agent/emails", { credentials: "same-origin" }); } catch (_) { return; }
    if (r.status === 404) {
      byId("email-pane").classList.add("hidden");
      clearInterval(poller);
      return;
    }
    if (!r.ok) return;
    const list = await r.json();
    byId("email-pane").classList.remove("hidden");
    byId("email-list").replaceChildren(...list.map(listRow));
    byId("email-empty").classList.toggle("hidden", list.length > 0);
  }

  function safeHtml(markup) {
    const template = document.createElement("template");
    template.innerHTML = markup;  // already sanitized by the server; a template runs nothing
    return CC.el("div", { class: "email-html" }, template.content);
  }

  function mailBlock(cid, m) {
    const attachments = m.attachments.map((a) =>
      CC.el("li", {}, CC.el("a", {
        href: "/api/agent/emails/" + encodeURIComponent(cid) + "/mails/" + m.id + "/attachments/" + a.index,
        download: a.filename,
      }, a.filename + " (" + a.size + " B)")));
    return CC.el("article", { class: "email " + m.direction },
      CC.el("p", { class: "muted" }, CC.t("ui.email.from") + ": " + m.from_name + " <" + m.from_address + "> · " + CC.time(m.at)),
      CC.el("p", {}, CC.el("strong", {}, m.subject)),
      m.safe_html ? safeHtml(m.safe_html) : CC.el("pre", { class: "email-text" }, m.text),
      attachments.length ? CC.el("div", {}, CC.el("p", {}, CC.t("ui.email.attachments")), CC.el("ul", {}, attachments)) : null);
  }

  async function open(cid) {
    let thread;
    try { thread = await CC.api("GET", "/api/agent/emails/" + encodeURIComponent(cid)); } catch (_) { return; }
    current = cid;
    const c = thread.conversation;
    byId("email-subject").textContent = (c.subject || "—") + (c.ticket_id ? " [#T-" + c.ticket_id + "]" : "");
    byId("email-thread").replaceChildren(...thread.mails.map((m) => mailBlock(cid, m)));
    byId("email-link").classList.toggle("hidden", c.customer_id !== null);
    byId("email-view").classList.remove("hidden");
    suggestions(cid);
  }

  async function suggestions(cid) {
    let hits;
    try { hits = await CC.api("GET", "/api/agent/emails/" + encodeURIComponent(cid) + "/suggestions"); } catch (_) { return; }
    byId("email-suggestions").replaceChildren(...hits.map((h) =>
      CC.el("li", {}, CC.el("button", { class: "link", onclick: () => { byId("email-reply").value += h.snippet; } }, h.title))));
  }

  async function send() {
    const text = byId("email-reply").value;
    if (!current || sending || !text.trim()) return;
    sending = true;
    try {
      await CC.api("POST", "/api/agent/emails/" + encodeURIComponent(current) + "/reply",
        { text, client_id: "web-" + Date.now() + "-" + Math.random().toString(36).slice(2) });
      byId("email-reply").value = "";
      CC.toast(CC.t("ui.email.sent"));
      await open(current);
    } catch (_) { /* told by CC.api */ } finally { sending = false; }
  }

  async function link(create) {
    if (!current) return;
    const body = create
      ? { name: byId("email-new-name").value }
      : { customer_id: Number(byId("email-customer-id").value) || null };
    try {
      await CC.api("POST", "/api/agent/emails/" + encodeURIComponent(current) + "/customer", body);
      CC.toast(CC.t("ui.email.linked"));
      byId("email-link").classList.add("hidden");
    } catch (_) { /* told by CC.api */ }
  }

  function start() {
    if (!byId("email-pane")) return;
    byId("email-send").addEventListener("click", send);
    byId("email-link-existing").addEventListener("click", () => link(false));
    byId("email-link-new").addEventListener("click", () => link(true));
    poller = setInterval(refresh, POLL_MS);
    refresh();
  }

  return { start, refresh, open };
})();
document.addEventListener("DOMContentLoaded", () => {
  // After agent.js has signed in (CC.me): the pane's own texts come with the page's catalogue.
  const wait = setInterval(() => { if (CC.me) { clearInterval(wait); AgentEmail.start(); } }, 100);
});
