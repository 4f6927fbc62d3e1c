"use strict";
const $ = (id) => document.getElementById(id);
const S = { state: "logged_out", since: Date.now(), call: null, offer: null, lastCall: null, wrapUntil: null, options: null };

function setState(state, seconds, reason) {
  S.state = state;
  S.since = Date.now() - (seconds || 0) * 1000;
  $("state").textContent = CC.t("ui.state." + state);
  $("state").className = "state " + state;
  $("state").dataset.state = state;
  $("reason").textContent = reason && state === "paused" ? "(" + CC.t("ui.reason." + reason) + ")" : "";
  if (state === "wrap_up" && S.lastCall) showWrapUp();
}

function field(label, value, cls) {
  return CC.el("div", { class: cls || "" }, CC.el("b", {}, CC.t(label) + ": "), value);
}

function renderPop(offer) {
  const body = $("pop-body");
  body.replaceChildren();
  body.className = "";
  if (!offer) { body.className = "muted"; body.textContent = CC.t("ui.no_call"); return; }
  body.append(
    field("ui.caller", offer.caller_number + (offer.caller_name ? " · " + offer.caller_name : "")),
    field("ui.queue", offer.queue),
    field("ui.waited", CC.duration(offer.waited_s)),
    field("ui.ivr_digits", (offer.ivr_digits || []).join(" → ") || "–"),
  );
  const customer = offer.customer;
  if (!customer || customer.type === "UnknownCaller") {
    const name = CC.el("input", { id: "new-name", placeholder: CC.t("ui.customer_name") });
    body.append(CC.el("h3", { id: "pop-customer" }, CC.t("ui.unknown_caller")), name,
      CC.el("button", { id: "create-customer", class: "primary", onclick: async () => {
        const made = await CC.api("POST", "/api/customers", { display_name: name.value || offer.caller_number, phone: offer.caller_number });
        CC.toast(CC.t("ui.created"));
        showCustomer(made.id);
      } }, CC.t("ui.create_customer")));
    return;
  }
  if (customer.shared_number) body.append(CC.el("div", { class: "alert" }, CC.t("ui.shared_number")));
  for (const match of customer.matches) body.append(customerCard(match));
}

function customerCard(view) {
  const p = view.profile;
  const card = CC.el("div", { class: "customer" },
    CC.el("h3", { id: "pop-customer" }, p.display_name, p.native_name ? " (" + p.native_name + ")" : "", " ",
      CC.el("span", { class: "tier " + p.tier, id: "pop-tier" }, p.tier.toUpperCase())),
    field("ui.points", String(p.points_balance)));
  for (const alert of view.alerts || []) card.append(CC.el("div", { class: "alert pop-alert" }, "⚠ " + alert.text));
  if ((view.notes || []).length) card.append(CC.el("h4", {}, CC.t("ui.notes_list")),
    CC.el("ul", {}, view.notes.slice(0, 3).map((n) => CC.el("li", {}, n.text))));
  if ((view.open_tickets || []).length) card.append(CC.el("h4", {}, CC.t("ui.open_tickets")),
    CC.el("ul", {}, view.open_tickets.map((t) => CC.el("li", {}, "#" + t.id + " " + t.subject + " [" + t.status + "]"))));
  card.append(CC.el("h4", {}, CC.t("ui.recent_interactions")), timeline(view.recent_interactions || []));
  return card;
}

function timeline(entries) {
  return CC.el("table", {}, entries.slice(0, 8).map((e) => {
    const i = e.interaction || e;
    return CC.el("tr", { class: e.important ? "important" : "" },
      CC.el("td", {}, CC.time(i.started_at)), CC.el("td", {}, i.channel), CC.el("td", {}, i.outcome || ""),
      CC.el("td", {}, i.disposition || ""), CC.el("td", {}, i.agent_id || ""));
  }));
}

async function showCustomer(id) {
  const view = await CC.api("GET", "/api/customers/" + id);
  $("customer-view").replaceChildren(customerCard(view));
}

function renderCall() {
  const call = S.call;
  const talking = call && call.phase === "talking";
  const offering = call && call.phase === "offering";
  $("call-status").textContent = call ? (offering ? CC.t("ui.incoming_call") : CC.t("ui.state.busy")) + " · " + call.caller_number : CC.t("ui.no_call");
  $("call-status").dataset.phase = call ? call.phase : "none";
  $("answer").disabled = !offering;
  $("decline").disabled = !offering;
  for (const id of ["hangup", "hold", "mute", "rec-toggle", "transfer"]) $(id).disabled = !talking;
  const rec = $("rec");
  rec.classList.toggle("hidden", !talking);
  if (call) {
    rec.textContent = call.recording_paused ? "⏸ " + CC.t("ui.recording_paused") : "● " + CC.t("ui.recording_on");
    rec.className = "rec " + (call.recording_paused ? "paused" : "on") + (talking ? "" : " hidden");
    rec.dataset.paused = String(call.recording_paused);
    $("rec-toggle").textContent = CC.t(call.recording_paused ? "ui.resume_recording" : "ui.pause_recording");
  }
  $("pop-title").textContent = CC.t(offering ? "ui.incoming_call" : "ui.current_call");
}

function showWrapUp() {
  $("wrap-panel").classList.remove("hidden");
}

function fillOptions(options) {
  S.options = options;
  $("pause-reason").replaceChildren(...options.pause_reasons.map((r) => CC.el("option", { value: r }, CC.t("ui.reason." + r))));
  $("disposition").replaceChildren(...Object.keys(options.dispositions).map((d) => CC.el("option", { value: d }, CC.t("ui.disp." + d))));
  const fillSubs = () => $("sub-disposition").replaceChildren(CC.el("option", { value: "" }, "–"),
    ...(options.dispositions[$("disposition").value] || []).map((d) => CC.el("option", { value: d }, CC.t("ui.disp." + d))));
  $("disposition").addEventListener("change", fillSubs);
  fillSubs();
  $("transfer-target").replaceChildren(...options.transfer_targets.map((a) => CC.el("option", { value: a }, a)));
}

async function loadHistory() {
  const rows = await CC.api("GET", "/api/agent/history?limit=10");
  $("history").replaceChildren(...rows.map((r) => CC.el("tr", {},
    CC.el("td", {}, CC.time(r.started_at)), CC.el("td", {}, r.caller_number || ""), CC.el("td", {}, r.queue || ""),
    CC.el("td", {}, CC.duration(r.duration_s)), CC.el("td", {}, r.disposition ? CC.t("ui.disp." + r.disposition.split("/")[0]) : ""))));
}

function onMessage(m) {
  switch (m.type) {
    case "snapshot":
      setState(m.agent.state, m.agent.in_state_seconds, m.agent.reason);
      S.call = m.call;
      if (m.offer) { S.offer = m.offer; renderPop(m.offer); }
      renderCall();
      break;
    case "AgentStateChanged":
      if (m.new === "wrap_up") S.wrapUntil = Date.now() + 1000 * ((S.options?.wrap_up_s || {})[S.offer?.queue] || 0);
      setState(m.new, 0, m.reason);
      break;
    case "CallOffered":
      S.offer = m;
      S.call = { uniqueid: m.uniqueid, caller_number: m.caller_number, phase: "offering", recording_paused: false };
      renderPop(m);
      renderCall();
      break;
    case "CallConnected":
      if (S.call && S.call.uniqueid === m.uniqueid) S.call.phase = "talking";
      renderCall();
      break;
    case "RecordingPaused":
      if (S.call && S.call.uniqueid === m.uniqueid) S.call.recording_paused = m.paused;
      renderCall();
      break;
    case "CallEnded":
      if (S.call && S.call.uniqueid === m.uniqueid) {
        S.lastCall = S.call;
        S.call = null;
        $("call-status").textContent = CC.t("ui.call_ended");
        renderCall();
        showWrapUp();
        setTimeout(loadHistory, 500);
      }
      break;
  }
}

setInterval(() => {
  $("timer").textContent = CC.duration((Date.now() - S.since) / 1000);
  if (S.state === "wrap_up" && S.wrapUntil) $("wrap-left").textContent = CC.t("ui.wrap_up_left", { seconds: Math.max(0, Math.round((S.wrapUntil - Date.now()) / 1000)) });
}, 500);

(async () => {
  await CC.start(onMessage);
  fillOptions(await CC.api("GET", "/api/agent/options"));
  const phone = await CC.api("GET", "/api/agent/softphone");
  $("phone-mode").textContent = CC.t(phone.mode === "simulator" ? "ui.softphone.simulator" : "ui.softphone.webrtc");
  for (const d of "123456789*0#") $("keypad").append(CC.el("button", { onclick: () => CC.api("POST", "/api/agent/call/dtmf").catch(() => {}) }, d));
  $("go-available").onclick = () => CC.api("POST", "/api/agent/state", { state: "available" });
  $("go-pause").onclick = () => CC.api("POST", "/api/agent/state", { state: "paused", reason: $("pause-reason").value });
  $("go-logout").onclick = () => CC.api("POST", "/api/agent/state", { state: "logged_out" });
  $("answer").onclick = () => CC.api("POST", "/api/agent/offer/accept");
  $("decline").onclick = () => CC.api("POST", "/api/agent/offer/decline").catch(() => {});
  $("hangup").onclick = () => CC.api("POST", "/api/agent/call/hangup");
  $("hold").onclick = () => CC.api("POST", "/api/agent/call/hold").catch(() => {});
  $("mute").onclick = () => CC.api("POST", "/api/agent/call/mute").catch(() => {});
  $("rec-toggle").onclick = () => CC.api("POST", "/api/agent/call/recording", { paused: !S.call.recording_paused });
  $("transfer").onclick = () => CC.api("POST", "/api/agent/call/transfer", { agent_id: $("transfer-target").value });
  $("wrap-save").onclick = async () => {
    const call = S.lastCall || S.call;
    if (!call) return;
    await CC.api("POST", "/api/agent/wrap-up", {
      uniqueid: call.uniqueid, disposition: $("disposition").value,
      sub_disposition: $("sub-disposition").value || null, notes: $("wrap-notes").value,
    });
    $("wrap-panel").classList.add("hidden");
    $("wrap-notes").value = "";
    S.lastCall = null;
    CC.toast(CC.t("ui.saved"));
    loadHistory();
  };
  $("search-form").onsubmit = async (e) => {
    e.preventDefault();
    const rows = await CC.api("GET", "/api/customers?q=" + encodeURIComponent($("search-q").value));
    $("search-results").replaceChildren(...rows.map((c) => CC.el("tr", { onclick: () => showCustomer(c.id) },
      CC.el("td", {}, c.display_name), CC.el("td", {}, CC.el("span", { class: "tier " + c.tier }, c.tier)))));
  };
  loadHistory();
})();
