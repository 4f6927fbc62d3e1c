// The agent's fax pane: the faxes of the fax work items I hold (the PDF in a frame, a download link),
// the send form (a PDF to a number), and the faxes I sent with their state. Accept, end and wrap-up
// of a fax work item happen in the conversation pane like any chat or e-mail.
"use strict";
const AgentFax = (() => {
  const byId = (id) => document.getElementById(id);
  const POLL_MS = 4000;
  let poller = null;
  let shown = null;  // the fax id in the frame

  const docUrl = (id, download) => "/api/agent/faxes/" + id + "/document" + (download ? "?download=true" : "");
  const status = (fax) => CC.t("ui.fax.status." + fax.status);

  function facts(fax) {
    return CC.el("p", { class: "muted fax-facts" },
      CC.t(fax.direction === "in" ? "ui.fax.from" : "ui.fax.to") + ": " + fax.number,
      fax.remote_station_id ? " · " + CC.t("ui.fax.station") + ": " + fax.remote_station_id : "",
      " · " + CC.t("ui.fax.pages") + ": " + fax.pages + " · " + status(fax),
      fax.error_text ? " · " + CC.t("ui.fax.error") + ": " + fax.error_text : "");
  }

  function itemRow(item) {
    const fax = item.fax;
    if (!fax) return CC.el("li", {}, item.customer_name);
    return CC.el("li", { class: "fax-item", "data-fax": fax.id },
      CC.el("button", { class: "link", type: "button", onclick: () => show(fax) }, item.customer_name || fax.number),
      facts(fax));
  }

  function sentRow(fax) {
    return CC.el("li", { class: "fax-sent", "data-fax": fax.id, "data-status": fax.status },
      CC.el("a", { href: docUrl(fax.id, true) }, fax.number), facts(fax),
      CC.el("span", { class: "muted" }, CC.t("ui.fax.attempts") + ": " + fax.attempts));
  }

  function show(fax) {
    const view = byId("fax-view");
    if (!fax.has_document) {
      view.replaceChildren(facts(fax), CC.el("p", { class: "muted" }, CC.t("ui.fax.no_document")));
    } else if (shown !== fax.id) {
      view.replaceChildren(facts(fax),
        CC.el("iframe", { class: "fax-frame", src: docUrl(fax.id, false), title: CC.t("ui.fax.title") }),
        CC.el("p", {}, CC.el("a", { class: "fax-download", href: docUrl(fax.id, true) }, CC.t("ui.fax.download"))));
    }
    shown = fax.id;
    view.classList.remove("hidden");
  }

  async function refresh() {
    // Asked quietly: a site without fax (404 fax.disabled) shows no pane and no error.
    let r;
    try { r = await fetch("/api/agent/faxes", { credentials: "same-origin" }); } catch (_) { return; }
    if (r.status === 404) { byId("fax-pane").classList.add("hidden"); clearInterval(poller); return; }
    if (!r.ok) return;
    const body = await r.json();
    byId("fax-pane").classList.remove("hidden");
    byId("fax-items").replaceChildren(...body.items.map(itemRow));
    byId("fax-empty").classList.toggle("hidden", body.items.length > 0);
    byId("fax-sent").replaceChildren(...body.sent.map(sentRow));
    if (shown === null && body.items.length && body.items[0].fax) show(body.items[0].fax);
  }

  async function send(event) {
    event.preventDefault();
    const form = byId("fax-form");
    const data = new FormData(form);
    if (!data.get("customer_id")) data.delete("customer_id");
    const r = await fetch("/api/agent/faxes", { method: "POST", body: data, credentials: "same-origin" });
    const body = r.headers.get("content-type")?.includes("json") ? await r.json() : null;
    if (!r.ok) { CC.toast((body && body.message) || r.statusText, true); return; }
    CC.toast(CC.t("ui.fax.queued"));
    form.reset();
    refresh();
  }

  function start() {
    if (!byId("fax-pane")) return;
    byId("fax-form").addEventListener("submit", send);
    poller = setInterval(refresh, POLL_MS);
    refresh();
  }

  return { start, refresh };
})();
document.addEventListener("DOMContentLoaded", () => {
  const wait = setInterval(() => { if (CC.me) { clearInterval(wait); AgentFax.start(); } }, 100);
});
