// Customer search (any part of a name, number or e-mail; ranked; paged) and the new-customer form,
// which asks before giving a customer a number that someone else already has.
"use strict";
const Customers = (() => {
  const byId = (id) => document.getElementById(id);
  const LIMIT = 20;
  let last = { q: "", offset: 0 };

  function row(c) {
    return CC.el("tr", { "data-customer": c.id, onclick: () => showCustomer(c.id) },
      CC.el("td", {}, c.display_name, c.native_name ? " (" + c.native_name + ")" : ""),
      CC.el("td", {}, CC.el("span", { class: "tier " + c.tier }, c.tier)),
      CC.el("td", { class: "phones-cell" }, phoneNumbers(c.phones || [], c.id)),
      CC.el("td", { class: "muted" }, (c.emails || [])[0] || ""));
  }

  async function search(q, offset) {
    const params = new URLSearchParams({ q: q.trim(), offset: String(offset), limit: String(LIMIT) });
    let page;
    try { page = await CC.api("GET", "/api/customers?" + params); } catch (_) { return; }
    last = { q, offset: page.offset };
    byId("search-results").replaceChildren(...page.items.map(row));
    const count = page.items.length;
    byId("search-range").textContent = count
      ? CC.t("ui.search_range", { first: page.offset + 1, last: page.offset + count })
      : CC.t("ui.search_none");
    byId("search-prev").disabled = page.offset === 0;
    byId("search-next").disabled = !page.has_more;
    byId("search-pager").classList.remove("hidden");
  }

  // POST /api/customers; on a number in use, show who has it and offer "Create anyway" in `warning`.
  async function create(body, warning) {
    warning.replaceChildren();
    try {
      const made = await CC.api("POST", "/api/customers", body);
      CC.toast(CC.t("ui.created"));
      showCustomer(made.id);
      return made;
    } catch (e) {
      if (e.message !== "crm.number_in_use") return null;
      warning.append(CC.el("div", { class: "alert number-in-use" }, e.text || ""),
        CC.el("button", { type: "button", class: "create-anyway",
          onclick: () => create({ ...body, shared_number_ok: true }, warning) }, CC.t("ui.create_anyway")));
      return null;
    }
  }

  function init() {
    byId("search-form").onsubmit = (e) => { e.preventDefault(); search(byId("search-q").value, 0); };
    byId("search-prev").onclick = () => search(last.q, Math.max(0, last.offset - LIMIT));
    byId("search-next").onclick = () => search(last.q, last.offset + LIMIT);
    byId("new-customer-form").onsubmit = async (e) => {
      e.preventDefault();
      const form = e.target;
      const body = { display_name: form.display_name.value };
      if (form.phone.value.trim()) body.phone = form.phone.value.trim();
      if (form.email.value.trim()) body.email = form.email.value.trim();
      if (await create(body, byId("new-customer-warning"))) form.reset();
    };
  }

  return { search, create, init };
})();
