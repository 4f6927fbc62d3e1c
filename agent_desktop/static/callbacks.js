// Scheduled callbacks: the agent's own (agent desktop) or everyone's (supervisor console): when, whom,
// status; another time (in the user's own time zone) or cancel (click twice). The list reloads when
// the live socket says a callback changed, and after every (re)connection.
"use strict";
const Callbacks = (() => {
  let table = null;
  let showAgent = false;
  let reload = null;
  const armedUntil = new Map();  // callback id → until when a second click cancels it

  function statusText(c) {
    return CC.t("ui.callback_status." + c.status) + (c.attempts ? " · " + CC.t("ui.callback_attempts", { n: c.attempts }) : "");
  }

  function actions(c) {
    const when = CC.el("input", { type: "datetime-local", class: "hidden", "aria-label": CC.t("ui.callback_new_time") });
    const move = CC.el("button", {
      "data-action": "reschedule",
      onclick: async () => {
        if (when.classList.contains("hidden")) { when.classList.remove("hidden"); when.focus(); return; }
        if (!when.value) { CC.toast(CC.t("ui.callback_at_required"), true); return; }
        await CC.api("POST", "/api/callbacks/" + c.id + "/reschedule", { at: CC.zonedIso(when.value, CC.me?.timezone || "UTC") });
        CC.toast(CC.t("ui.callback_moved"));
        load();
      },
    }, CC.t("ui.callback_reschedule"));
    // A cancelled callback cannot be reopened: ask once more. The confirmation is kept by callback,
    // not on the button, so a list redrawn between the two clicks (a push, a reload) keeps it.
    const armed = () => (armedUntil.get(c.id) || 0) > Date.now();
    const cancel = CC.el("button", {
      "data-action": "cancel",
      onclick: async () => {
        if (!armed()) {
          armedUntil.set(c.id, Date.now() + 5000);
          cancel.textContent = CC.t("ui.callback_cancel_confirm");
          setTimeout(() => { if (!armed()) cancel.textContent = CC.t("ui.callback_cancel"); }, 5000);
          return;
        }
        armedUntil.delete(c.id);
        await CC.api("POST", "/api/callbacks/" + c.id + "/cancel");
        CC.toast(CC.t("ui.callback_cancelled"));
        load();
      },
    }, CC.t(armed() ? "ui.callback_cancel_confirm" : "ui.callback_cancel"));
    return c.status === "pending" || c.status === "queued" ? [when, move, cancel] : [];
  }

  function row(c) {
    const who = c.customer_name ? c.customer_name + " · " + c.number : c.number;
    return CC.el("tr", { "data-callback": c.id, "data-status": c.status },
      CC.el("td", {}, CC.time(c.due_at)),
      CC.el("td", {}, who),
      CC.el("td", {}, c.queue),
      showAgent ? CC.el("td", {}, c.preferred_agent || c.requested_by || CC.t("ui.callback_from_ivr")) : null,
      CC.el("td", { class: "status" }, statusText(c)),
      CC.el("td", { class: "actions" }, ...actions(c)));
  }

  async function load() {
    const rows = await CC.api("GET", "/api/callbacks");
    table.tBodies[0].replaceChildren(...rows.map(row));
    document.getElementById(table.id + "-empty")?.classList.toggle("hidden", rows.length > 0);
  }

  function changed() {
    if (!table) return;
    clearTimeout(reload);  // a burst of changes, one reload
    reload = setTimeout(() => load().catch(() => {}), 150);
  }

  // The list reloads on each (re)connect and when a callback changes.
  function mount(tableId, options) {
    table = document.getElementById(tableId);
    showAgent = Boolean(options && options.showAgent);
    CC.on(CCWire.MSG.HELLO, changed);
    CC.on(CCWire.MSG.CALLBACK_CHANGED, changed);
  }

  return { mount, load };
})();
