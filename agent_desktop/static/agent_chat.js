// The agent's chat pane: offers with the screen pop, several conversations at once (one tab each), typing,
// quick answers from the knowledge base, files both ways, transfer, end and wrap-up (a disposition of the
// same two-level list as a call's, required where the conversation's queue says so, as for a call).
// Messages arrive on /ws (ConversationMessageAdded); each conversation remembers the last seq shown, so a
// repeat is dropped and a gap (the desktop was offline) is read from GET …/messages?after=<seq>, in order.
// What the agent sends has a client id and stays in the chat's outbox until the server has stored it; the
// outbox is kept in sessionStorage, so a reload while the server is unreachable sends it afterwards (once:
// the server stores a client id once).
"use strict";
const AgentChat = (() => {
  const W = CCWire.MSG;
  const byId = (id) => document.getElementById(id);
  const chats = new Map();  // conversation id → {view, lastSeq, outbox, els}
  const offers = new Map(); // offer id → the ConversationOffered message
  let current = null;
  let options = { dispositions: {}, disposition_required: {} };  // GET /api/agent/options, as the call wrap-up
  let flushTimer = null;
  const OVER = new Set(["active", "wrap_up", "ended", "left_message"]);
  const me = () => CC.me && CC.me.agent_id;
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
  const outboxKey = (cid) => "cc.chat.outbox." + me() + "." + cid;
  function saveOutbox(cid, outbox) {
    try {
      if (outbox.length) sessionStorage.setItem(outboxKey(cid), JSON.stringify(outbox));
      else sessionStorage.removeItem(outboxKey(cid));
    } catch (_) { /* storage full or denied: the outbox still lives in memory */ }
  }
  function savedOutbox(cid) {
    try { return JSON.parse(sessionStorage.getItem(outboxKey(cid)) || "[]"); } catch (_) { return []; }
  }
  const path = (cid, rest) => "/api/agent/chats/" + encodeURIComponent(cid) + (rest || "");

  // -- offers -----------------------------------------------------------------------------------------
  function renderOffers() {
    const box = byId("chat-offers");
    box.replaceChildren(...[...offers.values()].map((o) => {
      const card = CC.el("div", { class: "chat-offer", "data-offer": o.offer_id, "data-conversation": o.conversation_id },
        CC.el("h3", {}, o.channel === "voicemail" ? CC.t("ui.channel.voicemail") : CC.t("ui.chat.offer"), ": ", o.customer_name),
        CC.el("div", {}, CC.el("b", {}, CC.t("ui.chat.topic_queue") + ": "), o.queue, " · ",
          CC.el("b", {}, CC.t("ui.chat.waited") + ": "), CC.duration(o.waited_s)),
        CC.el("p", {},
          CC.el("button", { class: "primary chat-accept", type: "button", onclick: () => accept(o) }, CC.t("ui.chat.accept")),
          CC.el("button", { class: "chat-decline", type: "button", onclick: () => decline(o) }, CC.t("ui.chat.decline"))));
      const c = o.customer;
      if (c && c.type === CCWire.CARD.KNOWN) for (const match of c.matches) card.append(customerCard(match));
      else card.append(CC.el("div", { class: "muted chat-unknown" }, CC.t("ui.chat.unknown_customer")));
      return card;
    }));
    renderEmpty();
  }
  async function accept(o) {
    let view;
    try {
      view = await CC.api("POST", "/api/agent/chats/offers/" + encodeURIComponent(o.offer_id) + "/accept");
    } finally {  // taken or gone (the toast said which): the card goes either way
      offers.delete(o.offer_id);
      renderOffers();
    }
    await open(view, o.customer);
    select(view.conversation_id);
  }
  async function decline(o) {
    await CC.api("POST", "/api/agent/chats/offers/" + encodeURIComponent(o.offer_id) + "/decline");
    offers.delete(o.offer_id);
    renderOffers();
  }

  // -- conversations ----------------------------------------------------------------------------------
  async function open(view, customer) {
    let chat = chats.get(view.conversation_id);
    const fresh = !chat;
    if (fresh) {
      chat = { view, lastSeq: 0, outbox: [], els: build(view, customer) };
      chats.set(view.conversation_id, chat);
      if (!current) select(view.conversation_id);
    }
    chat.view = view;
    setStatus(chat, view.status);
    await catchUp(chat);
    if (fresh) for (const item of savedOutbox(view.conversation_id)) queue(chat, item);  // written before a reload
    renderEmpty();
    return chat;
  }
  function build(view, customer) {
    const cid = view.conversation_id;
    const els = {};
    els.tab = CC.el("button", { type: "button", class: "chat-tab", "data-conversation": cid, onclick: () => select(cid) },
      view.customer_name || cid, CC.el("span", { class: "chat-unread hidden" }, "●"));
    els.log = CC.el("ol", { class: "chat-log" });
    els.typing = CC.el("div", { class: "chat-typing muted hidden" }, CC.t("ui.chat.customer_typing"));
    els.status = CC.el("span", { class: "chat-status muted" });
    els.input = CC.el("textarea", { class: "chat-input", maxlength: "2000", placeholder: CC.t("ui.chat.type_message"),
      oninput: () => typing(cid), onkeydown: (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(cid); } } });
    els.file = CC.el("input", { type: "file", class: "chat-file", onchange: () => attach(cid) });
    els.send = CC.el("button", { type: "button", class: "primary chat-send", onclick: () => send(cid) }, CC.t("ui.chat.send"));
    els.q = CC.el("input", { class: "chat-kb-q", maxlength: "200", placeholder: CC.t("ui.chat.search_answers"),
      onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); quickAnswers(cid); } } });
    els.answers = CC.el("ul", { class: "chat-kb" });
    els.kind = CC.el("select", { class: "chat-transfer-kind" },
      CC.el("option", { value: "agent" }, CC.t("ui.chat.transfer_to_agent")), CC.el("option", { value: "queue" }, CC.t("ui.chat.transfer_to_queue")));
    els.target = CC.el("input", { class: "chat-transfer-target", maxlength: "40" });
    els.disposition = CC.el("select", { class: "chat-disposition", "aria-label": CC.t("ui.disposition"), onchange: () => fillSubs(els) },
      CC.el("option", { value: "" }, CC.t("ui.choose")),
      Object.keys(options.dispositions).map((d) => CC.el("option", { value: d }, CC.t("ui.disp." + d))));
    els.sub = CC.el("select", { class: "chat-sub-disposition", "aria-label": CC.t("ui.sub_disposition") });
    fillSubs(els);
    els.required = CC.el("span", { class: "required chat-disposition-required hidden" }, CC.t("ui.required"));
    els.notes = CC.el("textarea", { class: "chat-notes", maxlength: "4000", placeholder: CC.t("ui.notes") });
    els.wrap = CC.el("div", { class: "chat-wrap hidden" }, CC.el("h4", {}, CC.t("ui.chat.wrap_up")),
      CC.el("p", {}, els.disposition, " ", els.sub, " ", els.required), els.notes,
      CC.el("button", { type: "button", class: "primary chat-wrap-save", onclick: () => wrapUp(cid) }, CC.t("ui.chat.finish_wrap_up")));
    els.pop = CC.el("div", { class: "chat-pop" });
    if (customer && customer.type === CCWire.CARD.KNOWN) for (const m of customer.matches) els.pop.append(customerCard(m));
    els.view = CC.el("div", { class: "chat-view hidden", "data-conversation": cid },
      CC.el("div", { class: "chat-head" }, CC.el("b", {}, view.customer_name), " · ", view.queue, " ", els.status),
      els.log, els.typing,
      CC.el("div", { class: "chat-composer" }, els.input, els.send),
      CC.el("div", { class: "chat-tools" }, els.file,
        CC.el("button", { type: "button", class: "danger chat-end", onclick: () => end(cid) }, CC.t("ui.chat.end"))),
      CC.el("details", { class: "chat-answers" }, CC.el("summary", {}, CC.t("ui.chat.quick_answers")), els.q, els.answers),
      CC.el("fieldset", { class: "chat-transfer" }, CC.el("legend", {}, CC.t("ui.chat.transfer")), els.kind, els.target,
        CC.el("button", { type: "button", class: "chat-transfer-go", onclick: () => transfer(cid) }, CC.t("ui.chat.transfer"))),
      els.wrap, els.pop);
    byId("chat-tabs").append(els.tab);
    byId("chat-views").append(els.view);
    return els;
  }
  function fillSubs(els) {
    els.sub.replaceChildren(CC.el("option", { value: "" }, "–"),
      ...(options.dispositions[els.disposition.value] || []).map((d) => CC.el("option", { value: d }, CC.t("ui.disp." + d))));
  }
  // The queue's rule for a call applies to a chat or e-mail in that queue too (the server checks it as well).
  const dispositionRequired = (chat) => Boolean(options.disposition_required[chat.view.queue]);
  function select(cid) {
    current = cid;
    for (const [id, chat] of chats) {
      chat.els.view.classList.toggle("hidden", id !== cid);
      chat.els.tab.classList.toggle("active", id === cid);
      if (id === cid) chat.els.tab.querySelector(".chat-unread").classList.add("hidden");
    }
  }
  function close(cid) {
    const chat = chats.get(cid);
    if (!chat) return;
    chat.els.tab.remove();
    chat.els.view.remove();
    chats.delete(cid);
    saveOutbox(cid, []);
    if (current === cid) { current = null; const next = chats.keys().next(); if (!next.done) select(next.value); }
    renderEmpty();
  }
  function renderEmpty() { byId("chat-empty").classList.toggle("hidden", chats.size > 0 || offers.size > 0); }
  function setStatus(chat, status) {
    chat.view.status = status;
    chat.els.view.dataset.status = status;
    chat.els.status.textContent = CC.t("ui.chat.status." + status);
    const over = status === "ended" || status === "wrap_up";
    chat.els.input.disabled = chat.els.send.disabled = over;
    chat.els.wrap.classList.toggle("hidden", !over);
    chat.els.required.classList.toggle("hidden", !dispositionRequired(chat));
    chat.els.disposition.toggleAttribute("required", dispositionRequired(chat));
    if (over) chat.els.typing.classList.add("hidden");
  }

  // -- messages: each seq once, in order ----------------------------------------------------------------
  function render(chat, m) {
    const pending = m.client_id && chat.els.log.querySelector(`li[data-client-id="${CSS.escape(m.client_id)}"]`);
    if (pending) pending.remove();
    if (m.seq <= chat.lastSeq) return;
    const system = m.sender === "system";
    const li = CC.el("li", { class: "chat-msg " + m.sender, "data-seq": m.seq, "data-sender": m.sender },
      CC.el("span", { class: "chat-author muted" }, system ? "" : CC.t("ui.chat.sender." + m.sender) + " · " + m.author + ": "),
      CC.el("span", { class: "chat-text" }, system ? CC.t(m.text) : m.text));
    for (const a of m.attachments || []) {
      li.append(CC.el("a", { class: "chat-attachment", target: "_blank", rel: "noopener",
        href: path(m.conversation_id, "/attachments/" + encodeURIComponent(a.attachment_id)) }, "📎 " + a.filename));
    }
    chat.els.log.insertBefore(li, chat.els.log.querySelector("li.pending"));
    chat.lastSeq = m.seq;
    chat.els.log.scrollTop = chat.els.log.scrollHeight;
    if (current !== m.conversation_id) chat.els.tab.querySelector(".chat-unread").classList.remove("hidden");
  }
  async function receive(chat, messages) {
    for (const m of messages.sort((a, b) => a.seq - b.seq)) {
      if (m.seq > chat.lastSeq + 1) { await catchUp(chat); return; }
      render(chat, m);
    }
  }
  async function catchUp(chat) {
    for (;;) {
      const body = await CC.api("GET", path(chat.view.conversation_id, "/messages?after=" + chat.lastSeq));
      for (const m of body.messages) render(chat, m);
      if (body.messages.length < 500) return;
    }
  }
  function send(cid) {
    const chat = chats.get(cid);
    const text = chat.els.input.value.trim();
    if (!text) return;
    chat.els.input.value = "";
    queue(chat, { client_id: newId(), text, attachments: [] });
  }
  function queue(chat, item) {
    chat.outbox.push(item);
    saveOutbox(chat.view.conversation_id, chat.outbox);
    chat.els.log.append(CC.el("li", { class: "chat-msg agent pending", "data-client-id": item.client_id },
      CC.el("span", { class: "chat-text" }, item.text || "📎 " + item.filename)));
    flush(chat);
  }
  async function flush(chat) {
    if (chat.flushing) return;
    chat.flushing = true;
    try {
      while (chat.outbox.length) {
        const item = chat.outbox[0];
        try {
          const stored = await CC.api("POST", path(chat.view.conversation_id, "/messages"), item);
          chat.outbox.shift();
          saveOutbox(chat.view.conversation_id, chat.outbox);
          await receive(chat, [stored]);
        } catch (e) {
          if (!(e instanceof CC.ApiError) || e.status >= 500) { clearTimeout(flushTimer); flushTimer = setTimeout(flushAll, 2000); return; }
          chat.outbox.shift();  // refused (the toast said why): keep it visible, marked
          saveOutbox(chat.view.conversation_id, chat.outbox);
          chat.els.log.querySelector(`li[data-client-id="${CSS.escape(item.client_id)}"]`)?.classList.add("failed");
        }
      }
    } finally { chat.flushing = false; }
  }
  function flushAll() { for (const chat of chats.values()) flush(chat); }
  let typedAt = 0;
  function typing(cid) {
    if (Date.now() - typedAt < 2000) return;
    typedAt = Date.now();
    CC.api("POST", path(cid, "/typing")).catch(() => {});
  }
  async function attach(cid) {
    const chat = chats.get(cid);
    const file = chat.els.file.files[0];
    chat.els.file.value = "";
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    const r = await fetch(path(cid, "/attachments"), { method: "POST", body: form, credentials: "same-origin" });
    const data = await r.json();
    if (!r.ok) { CC.toast(data.message, true); return; }
    queue(chat, { client_id: newId(), text: "", filename: data.filename, attachments: [data.attachment_id] });
  }
  async function quickAnswers(cid) {
    const chat = chats.get(cid);
    const q = chat.els.q.value.trim();
    if (!q) return;
    const body = await CC.api("GET", "/api/agent/chats/quick-answers?q=" + encodeURIComponent(q));
    chat.els.answers.replaceChildren(...(body.answers.length ? body.answers.map((a) => CC.el("li", { class: "chat-kb-hit" },
      CC.el("b", {}, a.title), " ", CC.el("button", { type: "button", class: "chat-kb-insert", onclick: () => {
        chat.els.input.value = (chat.els.input.value ? chat.els.input.value + "\n" : "") + a.body;
        chat.els.input.focus();
      } }, CC.t("ui.chat.insert")))) : [CC.el("li", { class: "muted" }, CC.t("ui.chat.no_answers"))]));
  }
  async function transfer(cid) {
    const chat = chats.get(cid);
    const target = chat.els.target.value.trim();
    if (!target) { CC.toast(CC.t("ui.target_required"), true); return; }
    await CC.api("POST", path(cid, "/transfer"), { kind: chat.els.kind.value, target });
    CC.toast(CC.t("ui.chat.transferred"));
    close(cid);
  }
  async function end(cid) {
    const view = await CC.api("POST", path(cid, "/end"));
    const chat = chats.get(cid);
    if (chat) setStatus(chat, view.status);
  }
  async function wrapUp(cid) {
    const chat = chats.get(cid);
    const disposition = chat.els.disposition.value;
    if (!disposition && dispositionRequired(chat)) { CC.toast(CC.t("ui.disposition_required"), true); return; }
    await CC.api("POST", path(cid, "/wrap-up"), {
      disposition: disposition || null, sub_disposition: chat.els.sub.value || null, notes: chat.els.notes.value || null,
    });
    CC.toast(CC.t("ui.saved"));
    close(cid);
  }

  // -- /ws and resync ------------------------------------------------------------------------------------
  async function sync() {
    const body = await CC.api("GET", "/api/agent/chats");
    offers.clear();
    for (const o of body.offers) offers.set(o.offer_id, o);
    renderOffers();
    for (const view of body.chats) await open(view, null);
    flushAll();
  }
  CC.on(W.CONVERSATION_OFFERED, (m) => {
    for (const [id, o] of offers) if (o.conversation_id === m.conversation_id) offers.delete(id);  // offered anew
    offers.set(m.offer_id, m);
    renderOffers();
  });
  CC.on(W.CONVERSATION_MESSAGE_ADDED, async (m) => {
    const chat = chats.get(m.message.conversation_id);
    if (chat) await receive(chat, [m.message]);
  });
  CC.on(W.CONVERSATION_TYPING, (m) => {
    const chat = chats.get(m.conversation_id);
    if (!chat || m.sender !== "customer") return;
    chat.els.typing.classList.remove("hidden");
    clearTimeout(chat.typingTimer);
    chat.typingTimer = setTimeout(() => chat.els.typing.classList.add("hidden"), 4000);
  });
  CC.on(W.CONVERSATION_STATUS_CHANGED, async (m) => {
    // "waiting" does not end an offer by itself (a transfer re-offers first, then says it waits): the
    // server's list, which keeps only offers still open, is read again instead.
    const shown = [...offers.values()].some((o) => o.conversation_id === m.conversation_id);
    if (shown && OVER.has(m.status)) {
      for (const [id, o] of offers) if (o.conversation_id === m.conversation_id) offers.delete(id);
      renderOffers();
    } else if (shown && m.status === "waiting") setTimeout(sync, 300);
    const chat = chats.get(m.conversation_id);
    if (m.agent_id !== me()) { if (chat && m.previous_agent_id === me()) close(m.conversation_id); return; }
    if (chat) setStatus(chat, m.status);
    else if (m.status === "active") open(await CC.api("GET", path(m.conversation_id)), null);
  });
  // A snapshot comes after every (re)connect: offers, chats and the messages missed meanwhile.
  let optionsLoaded = false;
  CC.on(W.SNAPSHOT, async () => {
    if (!optionsLoaded) {
      optionsLoaded = true;
      const loaded = await CC.api("GET", "/api/agent/options");
      options = { dispositions: loaded.dispositions || {}, disposition_required: loaded.disposition_required || {} };
    }
    await sync();
  });

  return { chats, offers };
})();
