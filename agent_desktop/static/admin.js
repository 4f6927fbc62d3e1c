"use strict";
const $ = (id) => document.getElementById(id);
const form = (f) => Object.fromEntries(new FormData(f).entries());

async function load() {
  const users = await CC.api("GET", "/api/admin/users");
  $("users").tBodies[0].replaceChildren(...users.map((u) => {
    const active = CC.el("input", { type: "checkbox", checked: u.active ? "checked" : null,
      onchange: () => CC.api("PATCH", "/api/admin/users/" + u.id, { active: active.checked }).then(() => CC.toast(CC.t("ui.saved"))) });
    return CC.el("tr", {}, CC.el("td", {}, u.username), CC.el("td", {}, u.role), CC.el("td", {}, u.agent_id || ""),
      CC.el("td", {}, u.language), CC.el("td", {}, u.timezone), CC.el("td", {}, active));
  }));
  $("agent-skills").textContent = JSON.stringify(await CC.api("GET", "/api/admin/agents"), null, 1);
  const queues = await CC.api("GET", "/api/admin/queues");
  $("queues").replaceChildren(...queues.map((q) => CC.el("tr", {}, CC.el("td", {}, q.name), CC.el("td", {}, String(q.waiting)))));
}

(async () => {
  await CC.start(null);
  $("new-user").onsubmit = async (e) => {
    e.preventDefault();
    const data = form(e.target);
    if (!data.agent_id) delete data.agent_id;
    await CC.api("POST", "/api/admin/users", data);
    CC.toast(CC.t("ui.saved"));
    e.target.reset();
    load();
  };
  $("skills").onsubmit = async (e) => {
    e.preventDefault();
    const data = form(e.target);
    await CC.api("PUT", "/api/admin/agents/" + encodeURIComponent(data.agent_id), { skills: JSON.parse(data.skills) });
    CC.toast(CC.t("ui.saved"));
    load();
  };
  $("queue").onsubmit = async (e) => {
    e.preventDefault();
    const data = form(e.target);
    await CC.api("PUT", "/api/admin/queues/" + encodeURIComponent(data.name), {
      skills: JSON.parse(data.skills || "{}"), wrap_up_s: Number(data.wrap_up_s), service_level_s: Number(data.service_level_s) });
    CC.toast(CC.t("ui.saved"));
    load();
  };
  load();
})();
