// The supervisor console's "Queues by channel": per queue and channel (phone, chat, e-mail…) what
// waits, what was offered, answered and abandoned, the service level against the channel's own
// target (a chat answered within N s, an e-mail's first response within N h) and the mean wait.
"use strict";
const Channels = (() => {
  const pct = (v) => (v === null || v === undefined ? "–" : Math.round(v * 100) + "%");

  // Minutes:seconds below an hour, hours:minutes:seconds above (an e-mail waits hours).
  function span(seconds) {
    if (seconds === null || seconds === undefined || seconds < 3600) return CC.duration(seconds);
    const s = Math.round(seconds);
    const two = (n) => String(n).padStart(2, "0");
    return Math.floor(s / 3600) + ":" + two(Math.floor((s % 3600) / 60)) + ":" + two(s % 60);
  }

  function target(c) {
    const s = c.service_level_seconds;
    if (s >= 3600 && s % 3600 === 0) return CC.t("ui.chstats.within_h", { n: s / 3600 });
    return CC.t("ui.chstats.within_s", { n: Math.round(s) });
  }

  function row(c, age) {
    return CC.el("tr", { "data-queue": c.queue, "data-channel": c.channel },
      CC.el("td", {}, c.queue), CC.el("td", { class: "channel" }, CC.label("ui.chstats.channel.", c.channel)),
      CC.el("td", { class: "waiting" }, String(c.waiting)),
      CC.el("td", { class: "longest" }, span(c.waiting ? c.longest_wait + age : 0)),
      CC.el("td", { class: "offered" }, String(c.offered)), CC.el("td", { class: "answered" }, String(c.answered)),
      CC.el("td", { class: "abandoned" }, String(c.abandoned)), CC.el("td", { class: "sl" }, pct(c.service_level)),
      CC.el("td", { class: "target" }, target(c)), CC.el("td", { class: "asa" }, span(c.asa)));
  }

  function render(board, receivedAt) {
    const age = (Date.now() - receivedAt) / 1000;
    document.getElementById("channels").tBodies[0].replaceChildren(...(board.channels || []).map((c) => row(c, age)));
  }

  return { render, span };
})();
