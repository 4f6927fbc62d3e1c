// The supervisor console's waiting callers: who, which queue, how long; give one to a named agent,
// move them to another queue, or remove a stuck one (after a confirmation). Rebuilt when a wallboard
// arrives (not while a choice is being made); the wait times tick every second in place.
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
    return CC.el("tr", { "data-call": w.uniqueid },
      CC.el("td", {}, w.caller_name ? w.caller_name + " · " + w.caller_number : w.caller_number),
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
    table.tBodies[0].replaceChildren(...board.waiting.map((w) => row(board, w)));
    document.getElementById("waiting-empty").classList.toggle("hidden", board.waiting.length > 0);
    tick(board, receivedAt);
  }

  document.addEventListener("focusout", () => setTimeout(() => { if (pending) render(...pending); }, 0));
  return { render, tick, onAction: (fn) => { afterAction = fn; } };
})();
