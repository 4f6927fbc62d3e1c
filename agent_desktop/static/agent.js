"use strict";
const $ = (id) => document.getElementById(id);
const S = {
  state: "logged_out", since: Date.now(), call: null, offer: null, lastCall: null, wrapUntil: null, options: null,
  phone: null,        // the CCSoftphone driver (simulator or webrtc)
  ringing: null,      // the number ringing on the browser phone (an INVITE not answered yet)
  live: false,        // the browser phone is in a call
  held: false, muted: false,
  consult: null,      // {target} while a consultation call is up
  callCustomer: null, // the 360° view of the call's customer (open tickets for the wrap-up)
};

function setState(state, seconds, reason, pendingPause) {
  S.state = state;
  if (seconds !== null) S.since = Date.now() - (seconds || 0) * 1000;
  $("state").textContent = CC.t("ui.state." + state);
  $("state").className = "state " + state;
  $("state").dataset.state = state;
  $("reason").textContent = reason && state === "paused" ? "(" + CC.t("ui.reason." + reason) + ")"
    : pendingPause ? "(" + CC.t("ui.pause_pending", { reason: CC.t("ui.reason." + pendingPause) }) + ")" : "";
  $("reason").dataset.pendingPause = pendingPause || "";
  if (state === "wrap_up" && S.lastCall) showWrapUp();
}

function field(label, value, cls) {
  return CC.el("div", { class: cls || "" }, CC.el("b", {}, CC.t(label) + ": "), value);
}

// -- click-to-dial -------------------------------------------------------------------------------
async function dial(number, customerId) {
  number = String(number || "").trim();
  if (!number) { CC.toast(CC.t("ui.target_required"), true); return; }
  S.phone.expectOwnCall(); // the engine rings this agent's phone first: the browser phone answers it
  try {
    await CC.api("POST", "/api/agent/dial", { number, customer_id: customerId ?? null });
  } catch (_) {
    S.phone.cancelOwnCall();
  }
}

function phoneIcon() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z");
  svg.append(path);
  return svg;
}

function phoneNumbers(numbers, customerId) {
  return CC.el("span", { class: "phones" }, numbers.map((n) => CC.el("span", { class: "phone-number" }, n, " ",
    CC.el("button", {
      type: "button", class: "dial-btn", "data-number": n, title: CC.t("ui.call_number", { number: n }),
      "aria-label": CC.t("ui.call_number", { number: n }),
      onclick: (e) => { e.stopPropagation(); dial(n, customerId); },
    }, phoneIcon()))));
}

// -- screen pop and customer cards ----------------------------------------------------------------
function renderPop(offer) {
  const body = $("pop-body");
  body.replaceChildren();
  body.className = "";
  S.callCustomer = null;
  if (!offer) { body.className = "muted"; body.textContent = CC.t("ui.no_call"); return; }
  body.append(
    field("ui.caller", offer.caller_number + (offer.caller_name ? " · " + offer.caller_name : "")),
    field("ui.queue", offer.queue),
    field("ui.waited", CC.duration(offer.waited_s)),
    field("ui.ivr_digits", (offer.ivr_digits || []).join(" → ") || "–"),
  );
  const customer = offer.customer;
  if (!customer || customer.type === CCWire.CARD.UNKNOWN) {
    const name = CC.el("input", { id: "new-name", placeholder: CC.t("ui.customer_name") });
    const warning = CC.el("div", { id: "pop-warning" });
    body.append(CC.el("h3", { id: "pop-customer" }, CC.t("ui.unknown_caller")), name,
      CC.el("button", { id: "create-customer", class: "primary", onclick: () => Customers.create(
        { display_name: name.value || offer.caller_number, phone: offer.caller_number }, warning) },
      CC.t("ui.create_customer")), warning);
    return;
  }
  if (customer.shared_number) body.append(CC.el("div", { class: "alert" }, CC.t("ui.shared_number")));
  S.callCustomer = customer.matches[0] || null;
  for (const match of customer.matches) body.append(customerCard(match));
}

async function renderOutboundPop(m) {
  const body = $("pop-body");
  body.className = "";
  body.replaceChildren(field("ui.outbound_call", m.number));
  S.callCustomer = null;
  if (m.customer_id) {
    S.callCustomer = await CC.api("GET", "/api/customers/" + m.customer_id);
    body.append(customerCard(S.callCustomer));
  }
}

function customerCard(view) {
  const p = view.profile;
  const card = CC.el("div", { class: "customer" },
    CC.el("h3", { id: "pop-customer" }, p.display_name, p.native_name ? " (" + p.native_name + ")" : "", " ",
      CC.el("span", { class: "tier " + p.tier, id: "pop-tier" }, p.tier.toUpperCase())),
    field("ui.points", String(p.points_balance)));
  if ((view.phones || []).length) card.append(field("ui.phones", phoneNumbers(view.phones, p.id)));
  for (const alert of view.alerts || []) card.append(CC.el("div", { class: "alert pop-alert" }, "⚠ " + alert.text));
  if ((view.notes || []).length) card.append(CC.el("h4", {}, CC.t("ui.notes_list")),
    CC.el("ul", {}, view.notes.slice(0, 3).map((n) => CC.el("li", {}, n.text))));
  if ((view.open_tickets || []).length) card.append(CC.el("h4", {}, CC.t("ui.open_tickets")),
    CC.el("ul", {}, view.open_tickets.map((t) => CC.el("li", {}, "#" + t.id + " " + t.subject + " [" + CC.label("ui.ticket_status.", t.status) + "]"))));
  card.append(CC.el("h4", {}, CC.t("ui.recent_interactions")), timeline(view.recent_interactions || []));
  return card;
}

function timeline(entries) {
  return CC.el("table", {}, entries.slice(0, 8).map((e) => {
    const i = e.interaction || e;
    return CC.el("tr", { class: e.important ? "important" : "" },
      CC.el("td", {}, CC.time(i.started_at)), CC.el("td", {}, CC.label("ui.channel.", i.channel)),
      CC.el("td", {}, CC.label("ui.outcome.", i.outcome)), CC.el("td", {}, CC.disposition(i.disposition)),
      CC.el("td", {}, i.agent_id || ""));
  }));
}

async function showCustomer(id) {
  const view = await CC.api("GET", "/api/customers/" + id);
  if (S.call && !S.callCustomer) S.callCustomer = view; // created or looked up during the call
  $("customer-view").replaceChildren(customerCard(view));
}

// -- the phone panel ----------------------------------------------------------------------------
function phase() {
  if (S.call) return S.call.phase === "offering" && S.live ? "talking" : S.call.phase;
  if (S.ringing !== null) return "offering";
  return S.live ? "talking" : "none";
}

function renderCall() {
  const call = S.call;
  const now = phase();
  const talking = now === "talking", offering = now === "offering", dialing = now === "dialing";
  const number = call ? call.caller_number : S.ringing || "";
  const offered = { callback: "ui.callback_offer", consult: "ui.consult_offer" }[call?.kind] || "ui.incoming_call";
  const label = { offering: offered, dialing: "ui.dialing", talking: "ui.state.busy" }[now];
  $("call-status").textContent = label ? CC.t(label) + (number ? " · " + number : "") : CC.t("ui.no_call");
  $("call-status").dataset.phase = now;
  $("answer").disabled = !offering;
  $("decline").disabled = !offering;
  $("hangup").disabled = !(talking || dialing);
  $("hold").disabled = !talking;
  $("mute").disabled = !talking;
  const engineCall = Boolean(call) && talking;
  $("rec-toggle").disabled = !engineCall;
  $("transfer").disabled = !engineCall || Boolean(S.consult);
  $("consult").disabled = !engineCall || Boolean(S.consult) || $("transfer-kind").value === "queue";
  $("consult-box").classList.toggle("hidden", !S.consult);
  $("consult-status").textContent = S.consult ? CC.t("ui.consulting", { target: S.consult.target }) : "";
  const held = talking && S.held, muted = talking && S.muted;
  $("held-flag").classList.toggle("hidden", !held);
  $("muted-flag").classList.toggle("hidden", !muted);
  $("hold").textContent = CC.t(held ? "ui.unhold" : "ui.hold");
  $("hold").dataset.on = String(held);
  $("mute").textContent = CC.t(muted ? "ui.unmute" : "ui.mute");
  $("mute").dataset.on = String(muted);
  const rec = $("rec");
  rec.classList.toggle("hidden", !engineCall);
  if (call) {
    // The mark is drawn by CSS: "⏸" has no glyph in many fonts and showed as a box.
    rec.replaceChildren(CC.el("span", { class: "rec-mark", "aria-hidden": "true" }),
      CC.t(call.recording_paused ? "ui.recording_paused" : "ui.recording_on"));
    rec.className = "rec " + (call.recording_paused ? "paused" : "on") + (engineCall ? "" : " hidden");
    rec.dataset.paused = String(call.recording_paused);
    $("rec-toggle").textContent = CC.t(call.recording_paused ? "ui.resume_recording" : "ui.pause_recording");
  }
  $("pop-title").textContent = CC.t(offering ? offered : "ui.current_call");
  $("pop").dataset.kind = call?.kind || "";
}

function fillTransferTargets() {
  const kind = $("transfer-kind").value;
  const options = S.options || {};
  const names = kind === "agent" ? options.transfer_targets || []
    : kind === "queue" ? options.transfer_queues || Object.keys(options.wrap_up_s || {}) : [];
  $("transfer-target").replaceChildren(...names.map((a) => CC.el("option", { value: a }, a)));
  $("transfer-target").classList.toggle("hidden", kind === "number");
  $("transfer-number").classList.toggle("hidden", kind !== "number");
  renderCall();
}

function transferChoice() {
  const kind = $("transfer-kind").value;
  const target = (kind === "number" ? $("transfer-number").value : $("transfer-target").value).trim();
  if (!target) { CC.toast(CC.t("ui.target_required"), true); return null; }
  return { kind, target };
}

function showWrapUp() {
  const call = S.lastCall || S.call;
  WrapUp.show({ queue: S.offer?.queue, customer: S.callCustomer, options: S.options, callerNumber: call?.caller_number });
}

function fillOptions(options) {
  S.options = options;
  $("pause-reason").replaceChildren(...options.pause_reasons.map((r) => CC.el("option", { value: r }, CC.t("ui.reason." + r))));
  WrapUp.setOptions(options);
  fillTransferTargets();
}

async function loadHistory() {
  const rows = await CC.api("GET", "/api/agent/history?limit=10");
  $("history").replaceChildren(...rows.map((r) => CC.el("tr", {},
    CC.el("td", {}, CC.time(r.started_at)), CC.el("td", {}, r.caller_number || ""), CC.el("td", {}, r.queue || ""),
    CC.el("td", {}, CC.duration(r.duration_s)), CC.el("td", {}, CC.disposition(r.disposition)))));
}

function callEnded() {
  S.lastCall = S.call;
  S.call = null;
  S.consult = null;
  S.held = S.muted = false;
  renderCall();
  $("call-status").textContent = CC.t("ui.call_ended");
  showWrapUp();
  setTimeout(loadHistory, 500);
}

const W = CCWire.MSG;
const mine = (m) => Boolean(S.call && S.call.uniqueid === m.uniqueid);
CC.on(W.SNAPSHOT, (m) => {
  setState(m.agent.state, m.agent.in_state_seconds, m.agent.reason, m.agent.pending_pause);
  S.call = m.call;
  S.held = Boolean(m.call && m.call.held);
  S.muted = Boolean(m.call && m.call.muted);
  if (m.offer) { S.offer = m.offer; renderPop(m.offer); }
  renderCall();
});
CC.on(W.AGENT_STATE_CHANGED, (m) => {
  if (m.old === m.new) { setState(m.new, null, m.reason, m.pending_pause); return; } // a pause asked for or called off
  if (m.new === "wrap_up") S.wrapUntil = Date.now() + 1000 * ((S.options?.wrap_up_s || {})[S.offer?.queue] || 0);
  setState(m.new, 0, m.reason, m.pending_pause);
});
CC.on(W.CALL_OFFERED, (m) => {
  S.offer = m;
  S.call = { uniqueid: m.uniqueid, caller_number: m.caller_number, phase: "offering", recording_paused: false,
    direction: m.kind === "callback" ? "outbound" : "inbound", kind: m.kind || "inbound" };
  S.held = S.muted = false;
  renderPop(m);
  renderCall();
});
CC.on(W.CALL_DIALING, (m) => {
  S.offer = null;
  S.call = { uniqueid: m.uniqueid, caller_number: m.number, phase: "dialing", recording_paused: false, direction: "outbound" };
  S.held = S.muted = false;
  renderOutboundPop(m).catch(() => {});
  renderCall();
});
CC.on(W.CALL_CONNECTED, (m) => {
  if (S.call && (mine(m) || S.call.phase === "dialing")) { S.call.uniqueid = m.uniqueid; S.call.phase = "talking"; }
  renderCall();
});
CC.on(W.RECORDING_PAUSED, (m) => { if (mine(m)) S.call.recording_paused = m.paused; renderCall(); });
CC.on(W.CALL_HELD, (m) => { if (mine(m)) S.held = m.held; renderCall(); });
CC.on(W.CALL_MUTED, (m) => { if (mine(m)) S.muted = m.muted; renderCall(); });
CC.on(W.CONSULT_STARTED, (m) => { S.consult = { target: m.target }; renderCall(); });
CC.on(W.CONSULT_ENDED, (m) => {
  S.consult = null;
  const key = "ui.consult.outcome." + m.outcome;
  CC.toast(CC.texts[key] ? CC.t(key) : CC.t("ui.consult_ended"));
  renderCall();
});
CC.on(W.CALL_ENDED, (m) => { if (mine(m)) callEnded(); });
CC.ignore(W.CALL_TRANSFERRED); // the state change to wrap-up that follows is what the page shows

function wirePhone(phone) {
  S.phone = phone;
  CCSoftphone.on("ringing", (e) => { S.ringing = e.number || ""; renderCall(); });
  CCSoftphone.on("connected", () => { S.ringing = null; S.live = true; renderCall(); });
  CCSoftphone.on("ended", (e) => {
    S.ringing = null;
    S.live = false;
    S.held = S.muted = false;
    renderCall();
    if (e.cause && CC.texts["ui.sip." + e.cause.toLowerCase().replace(/[^a-z]+/g, "_")]) CC.toast(CCSoftphone.reasonText(e.cause), true);
  });
  CCSoftphone.on("held", (e) => { S.held = e.held; renderCall(); });
  CCSoftphone.on("muted", (e) => { S.muted = e.muted; renderCall(); });
  CCSoftphone.on("tone", (e) => { $("keypad").dataset.sent = ($("keypad").dataset.sent || "") + e.tone; });
  // CC.api shows the engine's errors itself; the browser phone's own ones are shown here.
  const act = (fn) => async () => { try { await fn(); } catch (error) { if (error.toast) CC.toast(error.message, true); } };
  $("answer").onclick = act(() => phone.answer());
  $("decline").onclick = act(() => phone.decline());
  $("hangup").onclick = act(() => phone.hangup());
  $("hold").onclick = act(async () => { S.held = await phone.hold(!S.held); renderCall(); });
  $("mute").onclick = act(async () => { S.muted = await phone.mute(!S.muted); renderCall(); });
  for (const d of "123456789*0#") {
    $("keypad").append(CC.el("button", { type: "button", "data-digit": d, onclick: act(async () => {
      if (phase() === "talking") await phone.dtmf(d);
      else $("dial-number").value += d;
    }) }, d));
  }
}

setInterval(() => {
  $("timer").textContent = CC.duration((Date.now() - S.since) / 1000);
  if (S.state === "wrap_up" && S.wrapUntil) $("wrap-left").textContent = CC.t("ui.wrap_up_left", { seconds: Math.max(0, Math.round((S.wrapUntil - Date.now()) / 1000)) });
}, 500);

(async () => {
  CCSoftphone.on("registration", (e) => CCSoftphone.showRegistration($("phone-reg"), e));
  Callbacks.mount("callbacks");
  await CC.start(true);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", CC.t(el.dataset.i18nAria));
  fillOptions(await CC.api("GET", "/api/agent/options"));
  const phone = await CCSoftphone.start($("remote-audio"));
  $("phone-mode").textContent = CC.t(phone.mode === "simulator" ? "ui.softphone.simulator" : "ui.softphone.webrtc");
  wirePhone(phone);
  $("go-available").onclick = () => CC.api("POST", "/api/agent/state", { state: "available" });
  $("go-pause").onclick = () => CC.api("POST", "/api/agent/state", { state: "paused", reason: $("pause-reason").value });
  $("go-logout").onclick = () => CC.api("POST", "/api/agent/state", { state: "logged_out" });
  $("rec-toggle").onclick = () => CC.api("POST", "/api/agent/call/recording", { paused: !S.call.recording_paused });
  $("transfer-kind").onchange = fillTransferTargets;
  $("transfer").onclick = async () => {
    const choice = transferChoice();
    if (!choice) return;
    await CC.api("POST", "/api/agent/call/transfer", choice);
    CC.toast(CC.t("ui.transfer_requested"));
  };
  $("consult").onclick = async () => {
    const choice = transferChoice();
    if (!choice) return;
    if (choice.kind === "queue") { CC.toast(CC.t("ui.consult_no_queue"), true); return; }
    await CC.api("POST", "/api/agent/call/consult", choice);
    S.consult = S.consult || { target: choice.target };
    renderCall();
  };
  $("consult-complete").onclick = () => CC.api("POST", "/api/agent/call/consult/complete");
  $("consult-cancel").onclick = async () => {
    await CC.api("POST", "/api/agent/call/consult/cancel");
    S.consult = null;
    renderCall();
  };
  $("dial-form").onsubmit = (e) => { e.preventDefault(); dial($("dial-number").value, null); };
  $("wrap-save").onclick = async () => {
    const call = S.lastCall || S.call;
    if (!call) return;
    const body = WrapUp.body(call.uniqueid);
    if (!body) return;
    await CC.api("POST", "/api/agent/wrap-up", body);
    WrapUp.hide();
    S.lastCall = null;
    CC.toast(CC.t("ui.saved"));
    loadHistory();
  };
  Customers.init();
  renderCall();
  loadHistory();
})();
