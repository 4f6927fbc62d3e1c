// Wrap-up: disposition (required when the call's queue says so), notes, a ticket to open or update,
// and a callback at a date and time in the agent's own time zone.
"use strict";
const WrapUp = (() => {
  const byId = (id) => document.getElementById(id);
  let required = false;
  let dispositions = {};

  function fillSubs() {
    byId("sub-disposition").replaceChildren(CC.el("option", { value: "" }, "–"),
      ...(dispositions[byId("disposition").value] || []).map((d) => CC.el("option", { value: d }, CC.t("ui.disp." + d))));
  }

  function setOptions(options) {
    dispositions = options.dispositions;
    byId("disposition").replaceChildren(CC.el("option", { value: "" }, CC.t("ui.choose")),
      ...Object.keys(dispositions).map((d) => CC.el("option", { value: d }, CC.t("ui.disp." + d))));
    byId("disposition").addEventListener("change", fillSubs);
    byId("ticket-action").addEventListener("change", onTicketAction);
    byId("callback-on").addEventListener("change", () => byId("callback-fields").classList.toggle("hidden", !byId("callback-on").checked));
  }

  function onTicketAction() {
    const action = byId("ticket-action").value;
    byId("ticket-subject").classList.toggle("hidden", !action);
    byId("ticket-status").classList.toggle("hidden", !action);
    const chosen = byId("ticket-action").selectedOptions[0];
    if (action && action !== "new") {
      byId("ticket-subject").value = chosen.dataset.subject || "";
      const status = chosen.dataset.status;
      byId("ticket-status").value = ["pending", "resolved"].includes(status) ? status : "open"; // "new" is open too
    } else if (action === "new") {
      byId("ticket-subject").value = "";
      byId("ticket-status").value = "open";
    }
  }

  // ``queue``: the call's queue (its disposition rule); ``customer``: the 360° view, for its open tickets.
  function show({ queue, customer, options, callerNumber }) {
    required = Boolean((options?.disposition_required || {})[queue]);
    const panel = byId("wrap-panel");
    if (!panel.classList.contains("hidden")) return; // already open: keep what the agent typed
    byId("disposition").value = ""; // nothing is chosen until the agent chooses
    fillSubs();
    byId("disposition-required").classList.toggle("hidden", !required);
    byId("disposition").toggleAttribute("required", required);
    const tickets = (customer && customer.open_tickets) || [];
    byId("ticket-action").replaceChildren(CC.el("option", { value: "" }, CC.t("ui.ticket.none")),
      CC.el("option", { value: "new" }, CC.t("ui.ticket.new")),
      ...tickets.map((t) => CC.el("option", { value: String(t.id), "data-subject": t.subject, "data-status": t.status },
        CC.t("ui.ticket.update", { id: t.id, subject: t.subject }))));
    onTicketAction();
    byId("callback-on").checked = false;
    byId("callback-fields").classList.add("hidden");
    byId("callback-at").value = "";
    byId("callback-number").value = "";
    byId("callback-number").placeholder = callerNumber || CC.t("ui.callback_number");
    byId("callback-zone").textContent = CC.t("ui.callback_zone", { zone: CC.me?.timezone || "UTC" });
    panel.classList.remove("hidden");
  }

  // The POST /api/agent/wrap-up body, or null (and an error toast) when something is missing.
  function body(uniqueid) {
    const disposition = byId("disposition").value;
    if (!disposition && required) { CC.toast(CC.t("ui.disposition_required"), true); return null; }
    const out = {
      uniqueid, disposition: disposition || null,
      sub_disposition: byId("sub-disposition").value || null, notes: byId("wrap-notes").value,
    };
    const action = byId("ticket-action").value;
    if (action) {
      const subject = byId("ticket-subject").value.trim();
      if (!subject) { CC.toast(CC.t("ui.ticket_subject_required"), true); return null; }
      out.ticket = { id: action === "new" ? null : Number(action), subject, status: byId("ticket-status").value };
    }
    if (byId("callback-on").checked) {
      const at = byId("callback-at").value;
      if (!at) { CC.toast(CC.t("ui.callback_at_required"), true); return null; }
      out.callback = { at: CC.zonedIso(at, CC.me?.timezone || "UTC"), number: byId("callback-number").value.trim() || null };
    }
    return out;
  }

  function hide() {
    byId("wrap-panel").classList.add("hidden");
    byId("wrap-notes").value = "";
    byId("ticket-action").value = "";
    onTicketAction();
  }

  return { setOptions, show, body, hide };
})();
