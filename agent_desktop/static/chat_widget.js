// The visitor's chat: one <script src="https://<our server>/chat/widget.js"> on any site opens a chat
// button and panel (no iframe); /chat is the same client as a full page (data-mode="page").
// Optional attributes of the script tag: data-topic, data-lang ("en" | "zh_CN"), data-customer-token (the
// site's signed token of a signed-in customer: no form), data-name.
// Every text from the server or the visitor is set with textContent: nothing is ever read as HTML.
// Delivery: each message has a client id; the outbox (kept in localStorage) is resent after a drop or a
// reload and the server stores each client id once; the socket resumes after the last seq seen, and a
// message whose seq is not the next one is either a repeat (dropped) or after a gap (the gap is read first).
(function () {
  "use strict";
  const script = document.currentScript;
  const BASE = new URL(script.src, location.href).origin;
  const OPT = Object.assign({}, script.dataset);
  const PAGE = OPT.mode === "page";
  if (PAGE) new URLSearchParams(location.search).forEach((v, k) => { if (!(k in OPT)) OPT[k] = v; });
  const KEY = "ccchat:" + BASE;
  const W = {
    texts: {}, lang: "en", ws: null, delay: 500, pinger: null, typedAt: 0, flushing: false,
    st: { conversation_id: null, visitor_key: null, last_seq: 0, outbox: [], lang: null, name: "" },
  };
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  };
  const t = (code, params) => {
    let text = W.texts[code] || code;
    for (const [k, v] of Object.entries(params || {})) text = text.replace("{" + k + "}", v);
    return text;
  };
  const save = () => { try { localStorage.setItem(KEY, JSON.stringify(W.st)); } catch (_) { /* private mode */ } };
  const load = () => {
    try { Object.assign(W.st, JSON.parse(localStorage.getItem(KEY) || "{}")); } catch (_) { /* fresh */ }
  };
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
  const mmss = (s) => { s = Math.max(0, Math.round(s || 0)); return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); };

  // -- the server -------------------------------------------------------------------------------------
  class Refused extends Error { constructor(code, message, status) { super(message); Object.assign(this, { code, status }); } }
  async function api(method, path, body, raw) {
    const headers = { "X-Chat-Lang": W.lang };
    if (W.st.visitor_key) headers["X-Chat-Key"] = W.st.visitor_key;
    let payload = body;
    if (body !== undefined && !(body instanceof FormData)) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    const r = await fetch(BASE + path, { method, headers, body: payload, credentials: "omit", mode: "cors" });
    if (raw && r.ok) return r;
    const data = (r.headers.get("content-type") || "").includes("json") ? await r.json() : null;
    if (!r.ok) throw new Refused(data && data.code, (data && data.message) || r.statusText, r.status);
    return data;
  }
  const chatPath = (rest) => "/api/chat/" + encodeURIComponent(W.st.conversation_id) + (rest || "");

  async function loadTexts(lang) {
    W.lang = lang;
    const body = await (await fetch(BASE + "/api/chat/i18n/" + encodeURIComponent(lang))).json();
    W.texts = body.texts;
  }

  // -- the panel --------------------------------------------------------------------------------------
  const ui = {};
  function build() {
    ui.root = el("div", { id: "ccw", class: PAGE ? "ccw-page" : "ccw-floating", lang: W.lang === "zh_CN" ? "zh-CN" : "en" });
    ui.launcher = el("button", { id: "ccw-open", class: "ccw-launcher", type: "button", onclick: () => toggle(true) });
    ui.lang = el("select", { id: "ccw-lang", "aria-label": "language", onchange: () => switchLanguage(ui.lang.value) },
      el("option", { value: "en" }, "English"), el("option", { value: "zh_CN" }, "中文"));
    ui.title = el("span", { class: "ccw-title" });
    ui.close = el("button", { id: "ccw-close", type: "button", class: "ccw-x", onclick: () => toggle(false) }, "×");
    ui.status = el("div", { id: "ccw-status", class: "ccw-status", role: "status" });
    ui.form = buildForm();
    ui.log = el("ol", { id: "ccw-messages", class: "ccw-messages", "aria-live": "polite" });
    ui.typing = el("div", { id: "ccw-typing", class: "ccw-typing ccw-hidden" });
    ui.input = el("textarea", { id: "ccw-input", rows: "2", maxlength: "2000", oninput: typing,
      onkeydown: (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); } } });
    ui.file = el("input", { id: "ccw-file", type: "file", class: "ccw-hidden", onchange: attach });
    ui.attach = el("button", { id: "ccw-attach", type: "button", onclick: () => ui.file.click() });
    ui.send = el("button", { id: "ccw-send", type: "button", class: "ccw-primary", onclick: send });
    ui.end = el("button", { id: "ccw-end", type: "button", onclick: endChat });
    ui.again = el("button", { id: "ccw-new", type: "button", class: "ccw-hidden", onclick: restart });
    ui.mail = el("input", { id: "ccw-transcript-email", type: "email", maxlength: "254" });
    ui.mailBtn = el("button", { id: "ccw-transcript", type: "button", onclick: transcript });
    ui.error = el("div", { id: "ccw-error", class: "ccw-error", role: "alert" });
    ui.chat = el("div", { class: "ccw-chat ccw-hidden" }, ui.status, ui.log, ui.typing,
      el("div", { class: "ccw-composer" }, ui.input, ui.file, ui.attach, ui.send),
      el("div", { class: "ccw-tools" }, ui.end, ui.again, el("span", { class: "ccw-mail" }, ui.mail, ui.mailBtn)));
    ui.panel = el("div", { id: "ccw-panel", class: PAGE ? "ccw-panel" : "ccw-panel ccw-hidden", role: "dialog" },
      el("div", { class: "ccw-head" }, ui.title, ui.lang, PAGE ? null : ui.close), ui.error, ui.form, ui.chat);
    ui.root.append(PAGE ? null : ui.launcher, ui.panel);
    document.body.append(ui.root);
  }
  function buildForm() {
    ui.name = el("input", { id: "ccw-name", maxlength: "100", autocomplete: "name" });
    ui.email = el("input", { id: "ccw-email", type: "email", maxlength: "254", autocomplete: "email" });
    ui.phone = el("input", { id: "ccw-phone", inputmode: "tel", maxlength: "40", autocomplete: "tel" });
    ui.topic = el("select", { id: "ccw-topic" });
    ui.start = el("button", { id: "ccw-start", type: "submit", class: "ccw-primary" });
    ui.labels = ["name", "email", "phone", "topic"].map((f) => el("span", { "data-field": f }));
    return el("form", { id: "ccw-form", class: "ccw-form", onsubmit: (e) => { e.preventDefault(); start(); } },
      ...["name", "email", "phone", "topic"].map((f, i) => el("label", {}, ui.labels[i], ui[f])), ui.start);
  }
  function paint() {
    ui.root.lang = W.lang === "zh_CN" ? "zh-CN" : "en";
    ui.launcher.textContent = t("ui.chat.open");
    ui.title.textContent = t("ui.chat.title");
    ui.lang.value = W.lang;
    ui.close.setAttribute("aria-label", t("ui.chat.close"));
    for (const label of ui.labels) label.textContent = t("ui.chat.field." + label.dataset.field);
    ui.start.textContent = t("ui.chat.start");
    ui.input.placeholder = t("ui.chat.type_message");
    ui.attach.textContent = t("ui.chat.attach");
    ui.send.textContent = t("ui.chat.send");
    ui.end.textContent = t("ui.chat.end");
    ui.again.textContent = t("ui.chat.new_chat");
    ui.mail.placeholder = t("ui.chat.transcript_email");
    ui.mailBtn.textContent = t("ui.chat.email_transcript");
    ui.typing.textContent = t("ui.chat.agent_typing");
    for (const li of ui.log.querySelectorAll("li[data-code]")) li.querySelector(".ccw-text").textContent = t(li.dataset.code);
  }
  function toggle(open) {
    ui.panel.classList.toggle("ccw-hidden", !open);
    ui.launcher.classList.toggle("ccw-hidden", open);
    if (open && W.st.conversation_id && !W.ws) connect();
  }
  function showError(message) {
    ui.error.textContent = message || "";
    clearTimeout(W.errorTimer);
    if (message) W.errorTimer = setTimeout(() => { ui.error.textContent = ""; }, 8000);
  }
  async function switchLanguage(lang) {
    W.st.lang = lang; save();
    await loadTexts(lang);
    paint();
  }

  async function loadTopics() {
    try {
      const body = await (await fetch(BASE + "/api/chat/topics/" + encodeURIComponent(W.lang))).json();
      ui.topic.replaceChildren(...body.topics.map((tp) => el("option", { value: tp.topic }, tp.label)));
    } catch (_) { /* the form says so when started */ }
    if (OPT.topic) ui.topic.value = OPT.topic;
  }

  // -- starting, messages, the outbox ----------------------------------------------------------------
  async function start() {
    showError("");
    const body = { name: ui.name.value.trim(), topic: ui.topic.value || OPT.topic || "", language: W.lang,
      email: ui.email.value.trim() || null, phone: ui.phone.value.trim() || null,
      customer_token: OPT.customerToken || null };
    try {
      const opened = await api("POST", "/api/chat/start", body);
      Object.assign(W.st, { conversation_id: opened.conversation.conversation_id, visitor_key: opened.visitor_key,
        last_seq: 0, outbox: [], name: body.name });
      save();
      showChat();
      setStatus(opened.wait);
      connect();
    } catch (e) { showError(e.message); }
  }
  function showChat() {
    ui.form.classList.add("ccw-hidden");
    ui.chat.classList.remove("ccw-hidden");
    for (const item of W.st.outbox) renderPending(item);
  }
  function setStatus(s) {
    const status = s.status;
    ui.root.dataset.status = status;
    let text = t("ui.chat.status." + status);
    if (status === "waiting" && s.position) {
      text = t("ui.chat.waiting_place", { position: s.position, wait: mmss(s.expected_wait_s) });
    }
    ui.status.textContent = text;
    const over = status === "ended" || status === "wrap_up" || status === "left_message";
    ui.input.disabled = ui.send.disabled = ui.attach.disabled = ui.end.disabled = over;
    ui.again.classList.toggle("ccw-hidden", !over);
    if (status !== "active") ui.typing.classList.add("ccw-hidden");
  }
  function render(m) {
    if (m.seq <= W.st.last_seq) return;  // seen already (a resend, or read from storage after a drop)
    const pending = m.client_id && ui.log.querySelector(`li[data-client-id="${CSS.escape(m.client_id)}"]`);
    if (pending) pending.remove();
    const system = m.sender === "system";
    const li = el("li", { class: "ccw-msg ccw-" + m.sender, "data-seq": m.seq, "data-sender": m.sender,
      "data-code": system ? m.text : null }, el("span", { class: "ccw-text" }, system ? t(m.text) : m.text));
    for (const a of m.attachments || []) li.append(attachmentLink(a));
    const firstPending = ui.log.querySelector("li.ccw-pending");
    ui.log.insertBefore(li, firstPending);
    W.st.last_seq = m.seq;
    save();
    ui.log.scrollTop = ui.log.scrollHeight;
  }
  function renderPending(item) {
    if (ui.log.querySelector(`li[data-client-id="${CSS.escape(item.client_id)}"]`)) return;
    ui.log.append(el("li", { class: "ccw-msg ccw-customer ccw-pending", "data-client-id": item.client_id },
      el("span", { class: "ccw-text" }, item.text || (item.filename ? "📎 " + item.filename : ""))));
  }
  function accept(messages) {
    for (const m of messages.sort((a, b) => a.seq - b.seq)) {
      if (m.seq > W.st.last_seq + 1) return catchUp();  // a gap: read it from the server, in order
      render(m);
    }
    return null;
  }
  async function catchUp() {
    for (;;) {
      const body = await api("GET", chatPath("/messages?after=" + W.st.last_seq));
      for (const m of body.messages) render(m);
      if (body.messages.length < 500) return;
    }
  }
  function send() {
    const text = ui.input.value.trim();
    if (!text) return;
    const item = { client_id: newId(), text, attachments: [] };
    ui.input.value = "";
    queue(item);
  }
  function queue(item) {
    W.st.outbox.push(item);
    save();
    renderPending(item);
    flush();
  }
  async function flush() {
    if (W.flushing) return;
    W.flushing = true;
    try {
      while (W.st.outbox.length) {
        const item = W.st.outbox[0];
        try {
          const stored = await api("POST", chatPath("/messages"), { text: item.text, client_id: item.client_id, attachments: item.attachments });
          W.st.outbox.shift(); save();
          await accept([stored]);
        } catch (e) {
          if (!(e instanceof Refused) || e.status >= 500 || e.status === 429) { retryLater(); return; }  // offline: keep it
          W.st.outbox.shift(); save();  // refused for good: say why, keep it visible
          const li = ui.log.querySelector(`li[data-client-id="${CSS.escape(item.client_id)}"]`);
          if (li) { li.classList.add("ccw-failed"); li.title = e.message; }
          showError(e.message);
        }
      }
    } finally { W.flushing = false; }
  }
  function retryLater() { clearTimeout(W.retry); W.retry = setTimeout(flush, Math.min(W.delay, 5000)); }
  async function attach() {
    const file = ui.file.files[0];
    ui.file.value = "";
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    try {
      const ref = await api("POST", chatPath("/attachments"), form);
      queue({ client_id: newId(), text: "", filename: ref.filename, attachments: [ref.attachment_id] });
    } catch (e) { showError(e.message); }
  }
  function attachmentLink(a) {
    const link = el("a", { class: "ccw-attachment", href: "#", "data-attachment": a.attachment_id }, "📎 " + a.filename);
    link.addEventListener("click", async (e) => {
      e.preventDefault();
      const r = await api("GET", chatPath("/attachments/" + encodeURIComponent(a.attachment_id)), undefined, true);
      const url = URL.createObjectURL(await r.blob());
      el("a", { href: url, download: a.filename }).click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    });
    return link;
  }
  function typing() {
    const now = Date.now();
    if (now - W.typedAt < 2000 || !W.ws || W.ws.readyState !== 1) return;
    W.typedAt = now;
    W.ws.send(JSON.stringify({ type: "typing" }));
  }
  async function endChat() {
    try { setStatus((await api("POST", chatPath("/end"))).conversation); } catch (e) { showError(e.message); }
  }
  async function transcript() {
    try {
      await api("POST", chatPath("/transcript"), { email: ui.mail.value.trim() });
      showError(""); ui.status.textContent = t("ui.chat.transcript_sent");
    } catch (e) { showError(e.message); }
  }
  function restart() {
    if (W.ws) { W.ws.onclose = null; W.ws.close(); W.ws = null; }
    Object.assign(W.st, { conversation_id: null, visitor_key: null, last_seq: 0, outbox: [] });
    save();
    ui.log.replaceChildren();
    ui.chat.classList.add("ccw-hidden");
    ui.form.classList.remove("ccw-hidden");
  }

  // -- the live socket: resumed after the last seq seen, reconnected with backoff -------------------
  function connect() {
    const ws = new WebSocket(BASE.replace(/^http/, "ws") + "/api/chat/ws");
    W.ws = ws;
    let lastHeard = Date.now();
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", conversation_id: W.st.conversation_id, visitor_key: W.st.visitor_key, last_seq: W.st.last_seq }));
      clearInterval(W.pinger);
      W.pinger = setInterval(() => {
        if (Date.now() - lastHeard > 30000) { ws.close(); return; }  // a dead link: start again
        if (ws.readyState === 1) ws.send(JSON.stringify({ type: "ping" }));
      }, 10000);
    };
    ws.onmessage = (e) => {
      lastHeard = Date.now();
      const m = JSON.parse(e.data);
      if (m.type === "welcome") { W.delay = 500; ui.root.dataset.live = "on"; setStatus(m.wait); flush(); }
      else if (m.type === "message") accept([m.message]);
      else if (m.type === "status") setStatus(m);
      else if (m.type === "typing") showTyping();
      else if (m.type === "error") showError(m.message);
    };
    ws.onclose = (e) => {
      clearInterval(W.pinger);
      if (W.ws !== ws) return;
      W.ws = null;
      ui.root.dataset.live = "off";
      if (e.code === 4401 || e.code === 4403) { restart(); showError(t("ui.chat.session_lost")); return; }
      setTimeout(() => { if (!W.ws && W.st.conversation_id) connect(); }, W.delay + Math.random() * W.delay * 0.3);
      W.delay = Math.min(W.delay * 2, 10000);
    };
  }
  function showTyping() {
    ui.typing.classList.remove("ccw-hidden");
    clearTimeout(W.typingTimer);
    W.typingTimer = setTimeout(() => ui.typing.classList.add("ccw-hidden"), 4000);
  }
  window.addEventListener("online", () => { if (W.ws) W.ws.close(); flush(); });

  async function boot() {
    load();
    const chosen = W.st.lang || OPT.lang || ((navigator.language || "").toLowerCase().startsWith("zh") ? "zh_CN" : "en");
    await loadTexts(chosen === "zh_CN" ? "zh_CN" : "en");
    if (OPT.lang && !W.st.lang) W.st.lang = W.lang;
    build();
    paint();
    if (OPT.name) ui.name.value = OPT.name;
    await loadTopics();
    if (W.st.conversation_id) {
      W.st.last_seq = 0;  // a new page shows the whole chat again (the outbox is kept: ids make it safe)
      showChat();
      if (PAGE) connect(); else toggle(true);
    }
    window.CCChat = { state: W.st, reconnect: () => W.ws && W.ws.close() };  // for the site and the tests
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot); else boot();
})();
