"use strict";
const $ = (id) => document.getElementById(id);
const form = (f) => Object.fromEntries(new FormData(f).entries());

// Skills are typed as "sales=4, english=3"; the server checks names and levels and says what is wrong.
function parseSkills(text) {
  const skills = {};
  for (const part of (text || "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, level] = part.split(/[=:]/).map((s) => s.trim());
    skills[name] = level === undefined || level === "" ? null : isNaN(Number(level)) ? level : Number(level);
  }
  return skills;
}
const showSkills = (skills) => Object.entries(skills).map(([k, v]) => k + "=" + v).join(", ");
// An empty number field is sent as it is, so the server's message names the field.
const number = (value) => (value === "" ? value : Number(value));
const changedBy = (row) => (row.seeded ? CC.t("ui.settings_file") : row.updated_by);

function rowButtons(name, onEdit, path) {
  return CC.el("td", { class: "actions" },
    CC.el("button", { onclick: onEdit }, CC.t("ui.edit")),
    CC.el("button", { class: "danger", onclick: async () => {
      if (!confirm(CC.t("ui.confirm_delete", { name }))) return;
      await CC.api("DELETE", path);
      CC.toast(CC.t("ui.deleted"));
      load();
    } }, CC.t("ui.delete")));
}

function fill(formEl, values) {
  for (const [k, v] of Object.entries(values)) if (formEl.elements[k]) formEl.elements[k].value = v;
  formEl.scrollIntoView({ block: "nearest" });
}

async function loadAgents() {
  const agents = await CC.api("GET", "/api/admin/agents");
  $("agents").tBodies[0].replaceChildren(...agents.map((a) => CC.el("tr", {},
    CC.el("td", {}, a.agent_id), CC.el("td", {}, showSkills(a.skills)),
    CC.el("td", {}, String(a.capacity.voice)), CC.el("td", {}, String(a.capacity.chat)), CC.el("td", {}, String(a.capacity.email)),
    CC.el("td", {}, CC.el("span", { class: "state " + a.state }, CC.t("ui.state." + a.state))),
    CC.el("td", { class: "muted" }, changedBy(a)),
    rowButtons(a.agent_id, () => fill($("agent-form"), { agent_id: a.agent_id, skills: showSkills(a.skills), ...a.capacity }),
      "/api/admin/agents/" + encodeURIComponent(a.agent_id)))));
}

async function loadQueues() {
  const queues = await CC.api("GET", "/api/admin/queues");
  $("queues").tBodies[0].replaceChildren(...queues.map((q) => CC.el("tr", {},
    CC.el("td", {}, q.name), CC.el("td", {}, showSkills(q.skills)), CC.el("td", {}, String(q.wrap_up_s)),
    CC.el("td", {}, String(q.offer_timeout_s)), CC.el("td", {}, String(q.max_missed_offers)),
    CC.el("td", {}, String(q.service_level_s)), CC.el("td", {}, String(q.waiting)), CC.el("td", { class: "muted" }, changedBy(q)),
    rowButtons(q.name, () => fill($("queue-form"), { ...q, skills: showSkills(q.skills) }),
      "/api/admin/queues/" + encodeURIComponent(q.name)))));
}

// One user's row: the role and "active" change at once; a password reset asks for the new one.
function userRow(u) {
  const patch = (body, done) => CC.api("PATCH", "/api/admin/users/" + u.id, body).then(() => CC.toast(CC.t(done)))
    .catch(() => load());  // refused: the server's message is shown; the row goes back to what is stored
  const role = CC.el("select", { name: "role", "aria-label": CC.t("ui.role"), onchange: () => patch({ role: role.value }, "ui.saved") },
    ...["agent", "supervisor", "admin"].map((r) => CC.el("option", { value: r, selected: r === u.role ? "selected" : null }, r)));
  const active = CC.el("input", { type: "checkbox", checked: u.active ? "checked" : null,
    onchange: () => patch({ active: active.checked }, "ui.saved") });
  const reset = CC.el("button", { onclick: () => {
    const password = prompt(CC.t("ui.new_password_for", { username: u.username }));
    if (password) patch({ password }, "ui.password_reset");
  } }, CC.t("ui.reset_password"));
  return CC.el("tr", {}, CC.el("td", {}, u.username), CC.el("td", {}, role), CC.el("td", {}, u.agent_id || ""),
    CC.el("td", {}, u.language), CC.el("td", {}, u.timezone), CC.el("td", {}, active), CC.el("td", { class: "actions" }, reset));
}

async function load() {
  const users = await CC.api("GET", "/api/admin/users");
  $("users").tBodies[0].replaceChildren(...users.map(userRow));
  await Promise.all([loadAgents(), loadQueues()]);
}

(async () => {
  await CC.start(false);
  $("new-user").onsubmit = async (e) => {
    e.preventDefault();
    const data = form(e.target);
    if (!data.agent_id) delete data.agent_id;
    await CC.api("POST", "/api/admin/users", data);
    CC.toast(CC.t("ui.saved"));
    e.target.reset();
    load();
  };
  $("agent-form").onsubmit = async (e) => {
    e.preventDefault();
    const data = form(e.target);
    const saved = await CC.api("PUT", "/api/admin/agents/" + encodeURIComponent(data.agent_id), {
      skills: parseSkills(data.skills),
      capacity: { voice: number(data.voice), chat: number(data.chat), email: number(data.email) },
    });
    CC.toast(CC.t(saved.applied_now ? "ui.applied_now" : "ui.applied_at_login"));
    loadAgents();
  };
  $("queue-form").onsubmit = async (e) => {
    e.preventDefault();
    const data = form(e.target);
    await CC.api("PUT", "/api/admin/queues/" + encodeURIComponent(data.name), {
      skills: parseSkills(data.skills),
      wrap_up_s: number(data.wrap_up_s),
      offer_timeout_s: number(data.offer_timeout_s),
      max_missed_offers: number(data.max_missed_offers),
      service_level_s: number(data.service_level_s),
    });
    CC.toast(CC.t("ui.saved"));
    loadQueues();
  };
  load();
})();
