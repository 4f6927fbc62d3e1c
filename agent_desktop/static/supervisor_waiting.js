// The supervisor console's waiting contacts: callers (who, which queue, how long; give one to a named
// agent, move them to another queue, or remove a stuck one after a confirmation) and the chats and
// e-mails waiting (move one to another queue). Rebuilt when a wallboard arrives (not while a choice
// is being made); the wait times tick every second in place.
"use strict";
const Waiting = (() => {
  const choice = {};  // uniqueid → { agent, queue } the supervisor picked, kept across rebuilds
  let pending = null;
  let afterAction = () => {};

  function options(values, selected) {
    return values.map((v) => CC.el("option", { value: v, selected: v === selected ? "selected" : null }, v));
  }

  function row(board, w) {
    const picked = choice[w.uniqueid] || (choice[w.uniqueid] = {});
    const free = (a) => (a.state === "available" ? 0 : 1);  // the free ones first, then who may free up
    const agents = board.agents.filter((a) => a.state !== "logged_out").sort((a, b) => free(a) - free(b)).map((a) => a.agent_id);
    const queues = board.queues.map((q) => q.queue).filter((q) => q !== w.queue && q !== "outbound");
    picked.agent = agents.includes(picked.agent) ? picked.agent : agents[0];
    picked.queue = queues.includes(picked.queue) ? picked.queue : queues[0];
    const agentSel = CC.el("select", { "data-role": "agent", "aria-label": CC.t("ui.agent"),
      onchange: (e) => { picked.agent = e.target.value; } }, ...options(agents, picked.agent));
    const queueSel = CC.el("select", { "data-role": "queue", "aria-label": CC.t("ui.queue"),
      onchange: (e) => { picked.queue = e.target.value; } }, ...options(queues, picked.queue));
    const act = (path, body, done) => async () => {
      await CC.api("POST", "/api/supervisor/waiting/" + encodeURIComponent(w.uniqueid) + path, body());
      CC.toast(CC.t(done));
      afterAction();
    };
    return CC.el("tr", { "data-call": w.uniqueid, "data-channel": "voice" },
      CC.el("td", {}, w.caller_name ? w.caller_name + " · " + w.caller_number : w.caller_number),
      CC.el("td", { class: "channel" }, CC.label("ui.chstats.channel.", "voice")),
      CC.el("td", { "data-queue": w.queue }, w.queue || ""),
      CC.el("td", { class: "waited", "data-since": w.queued_at }, ""),
      CC.el("td", { class: "actions" },
        agentSel, CC.el("button", { "data-action": "give", disabled: agents.length ? null : "disabled",
          onclick: act("/agent", () => ({ agent_id: picked.agent }), "ui.waiting_given") }, CC.t("ui.give_to_agent")),
        queueSel, CC.el("button", { "data-action": "move", disabled: queues.length ? null : "disabled",
          onclick: act("/queue", () => ({ queue: picked.queue }), "ui.waiting_moved") }, CC.t("ui.move_to_queue")),
        CC.el("button", { "data-action": "remove", class: "danger", onclick: async () => {
          if (!confirm(CC.t("ui.confirm_remove_waiting", { caller: w.caller_number }))) return;
          await act("/remove", () => undefined, "ui.waiting_removed")();
        } }, CC.t("ui.remove_waiting"))));
  }

  // A waiting chat or e-mail: it can move to another queue (a caller's other actions need a call).
  function itemRow(board, w) {
    const picked = choice["item:" + w.item_id] || (choice["item:" + w.item_id] = {});
    const queues = board.queues.map((q) => q.queue).filter((q) => q !== w.queue && q !== "outbound");
    picked.queue = queues.includes(picked.queue) ? picked.queue : queues[0];
    const queueSel = CC.el("select", { "data-role": "queue", "aria-label": CC.t("ui.queue"),
      onchange: (e) => { picked.queue = e.target.value; } }, ...options(queues, picked.queue));
    const move = async () => {
      await CC.api("POST", "/api/supervisor/items/" + encodeURIComponent(w.item_id) + "/queue", { queue: picked.queue });
      CC.toast(CC.t("ui.chstats.item_moved"));
      afterAction();
    };
    return CC.el("tr", { "data-item": w.item_id, "data-channel": w.channel },
      CC.el("td", {}, w.item_id),
      CC.el("td", { class: "channel" }, CC.label("ui.chstats.channel.", w.channel)),
      CC.el("td", { "data-queue": w.queue }, w.queue),
      CC.el("td", { class: "waited", "data-since": w.arrived_at }, ""),
      CC.el("td", { class: "actions" }, queueSel, CC.el("button", { "data-action": "move",
        disabled: queues.length ? null : "disabled", onclick: move }, CC.t("ui.move_to_queue"))));
  }

  function tick(board, receivedAt) {
    const now = board.at + (Date.now() - receivedAt) / 1000;
    for (const cell of document.querySelectorAll("#waiting td.waited")) cell.textContent = CC.duration(now - Number(cell.dataset.since));
  }

  function render(board, receivedAt) {
    const table = document.getElementById("waiting");
    const active = document.activeElement;
    if (active && active.tagName === "SELECT" && table.contains(active)) {  // a choice is being made: rebuild afterwards
      pending = [board, receivedAt];
      return;
    }
    pending = null;
    const items = board.waiting_items || [];
    table.tBodies[0].replaceChildren(...board.waiting.map((w) => row(board, w)), ...items.map((w) => itemRow(board, w)));
    document.getElementById("waiting-empty").classList.toggle("hidden", board.waiting.length + items.length > 0);
    tick(board, receivedAt);
  }

  document.addEventListener("focusout", () => setTimeout(() => { if (pending) render(...pending); }, 0));
  return { render, tick, onAction: (fn) => { afterAction = fn; } };
})();
