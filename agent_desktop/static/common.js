// Shared by every page: API calls, translations, time formatting, the live WebSocket.
"use strict";
const CC = {
  texts: {},
  me: null,
  t(code, params) {
    let text = CC.texts[code] || code;
    for (const [k, v] of Object.entries(params || {})) text = text.replace("{" + k + "}", v);
    return text;
  },
  // A stored code (outcome, status, audit action…) in the user's language; an unknown one as it is.
  label(prefix, value) {
    if (value === null || value === undefined || value === "") return "";
    return CC.texts[prefix + value] || value;
  },
  // "resolved/order_placed" → "Resolved / Order placed"
  disposition(value) {
    return (value || "").split("/").filter(Boolean).map((part) => CC.label("ui.disp.", part)).join(" / ");
  },
  async loadTexts(lang) {
    const r = await fetch("/api/i18n" + (lang ? "?lang=" + encodeURIComponent(lang) : ""));
    const body = await r.json();
    CC.texts = body.texts;
    document.documentElement.lang = body.language === "zh_CN" ? "zh-CN" : "en";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = CC.t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = CC.t(el.dataset.i18nPlaceholder);
  },
  async api(method, path, body) {
    const r = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    if (r.status === 401 && !path.startsWith("/api/auth/login")) { location.href = "/login"; throw new CC.ApiError("auth.not_signed_in", 401); }
    const data = r.headers.get("content-type")?.includes("json") ? await r.json() : null;
    if (!r.ok) {
      CC.toast((data && data.message) || r.statusText, true);
      throw new CC.ApiError(data ? data.code : "", r.status, data && data.message);
    }
    return data;
  },
  // What ``api`` throws after telling the user (a toast): callers stop there, the console stays clean.
  ApiError: class extends Error {
    constructor(code, status, text) {
      super(code || String(status));
      Object.assign(this, { code, status, text });
    }
  },
  toast(message, error) {
    const el = document.getElementById("toast");
    if (!el) return;
    el.textContent = message;
    el.className = error ? "toast error" : "toast";
    clearTimeout(CC._toastTimer);
    CC._toastTimer = setTimeout(() => { el.className = "toast hidden"; }, 5000);
  },
  // Times are shown in the signed-in user's time zone.
  time(value) {
    if (value === null || value === undefined || value === "") return "";
    const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    return new Intl.DateTimeFormat(CC.me?.language === "zh_CN" ? "zh-CN" : "en-GB", {
      timeZone: CC.me?.timezone || "UTC", dateStyle: "short", timeStyle: "medium",
    }).format(date);
  },
  // Minutes east of UTC of ``zone`` at ``date`` (Intl knows the zone rules; the browser's zone does not matter).
  offsetMinutes(zone, date) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(date);
    const get = (type) => Number(parts.find((p) => p.type === type).value);
    const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return Math.round((asUtc - date.getTime()) / 60000);
  },
  // "2026-11-24T10:30" (a datetime-local input) read as a wall-clock time in ``zone`` → "2026-11-24T10:30:00+08:00".
  zonedIso(local, zone) {
    const [day, time] = local.split("T");
    const [y, mo, d] = day.split("-").map(Number);
    const [h, mi] = time.split(":").map(Number);
    const wall = Date.UTC(y, mo - 1, d, h, mi);
    let offset = CC.offsetMinutes(zone, new Date(wall));
    offset = CC.offsetMinutes(zone, new Date(wall - offset * 60000)); // the offset in force at that instant
    const pad = (n) => String(n).padStart(2, "0");
    const abs = Math.abs(offset);
    return `${day}T${pad(h)}:${pad(mi)}:00${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  },
  duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  },
  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  },
  // ``live``: the page listens on /ws (its listeners registered with ``CC.on`` first).
  async start(live) {
    CC.me = await CC.api("GET", "/api/auth/me");
    await CC.loadTexts(CC.me.language);
    const who = document.getElementById("who");
    if (who) who.textContent = CC.me.username + (CC.me.agent_id ? " (" + CC.me.agent_id + ")" : "");
    const lang = document.getElementById("lang");
    if (lang) {
      lang.value = CC.me.language;
      lang.addEventListener("change", async () => {
        CC.me = await CC.api("PATCH", "/api/auth/me", { language: lang.value });
        location.reload();
      });
    }
    document.getElementById("signout")?.addEventListener("click", async () => {
      await CC.api("POST", "/api/auth/logout");
      location.href = "/login";
    });
    if (live) CC.connect();
  },
  // The page's listeners by wire name (CCWire.MSG); ``ignore`` names what the page receives and has no
  // use for, so that a test can tell it from a message forgotten.
  listeners: {},
  ignored: new Set(),
  on(type, listener) {
    (CC.listeners[type] ||= []).push(listener);
  },
  ignore(...types) {
    for (const type of types) CC.ignored.add(type);
  },
  receive(m) {
    for (const listener of CC.listeners[m.type] || []) listener(m);
  },
  // The server speaks another version of the protocol (updated under an open page): reading its
  // messages could show wrong things, so the page says so and stays offline until reloaded.
  protocolMismatch(status, server) {
    const text = CC.t("ui.protocol_mismatch", { server, page: CCWire.PROTOCOL });
    if (status) { status.textContent = text; status.className = "live off"; status.dataset.protocol = "mismatch"; }
    CC.toast(text, true);
  },
  // One socket per page; reconnects with capped, jittered backoff and gets a fresh snapshot.
  connect() {
    let delay = 500;
    let stopped = false;
    CC.ignore(CCWire.MSG.PONG);  // the ping keeps the session alive; its answer says nothing
    CC.on(CCWire.MSG.ERROR, (m) => CC.toast(m.message, true));
    const status = document.getElementById("live");
    const open = () => {
      const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
      let ping = null;
      ws.onopen = () => {
        delay = 500;
        if (status) { status.textContent = CC.t("ui.connected"); status.className = "live on"; }
        ping = setInterval(() => ws.send(JSON.stringify({ type: CCWire.MSG.PING })), 20000);
      };
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === CCWire.MSG.HELLO && m.protocol !== CCWire.PROTOCOL) {
          stopped = true;
          ws.close();
          CC.protocolMismatch(status, m.protocol);
          return;
        }
        CC.receive(m);
      };
      ws.onclose = (e) => {
        clearInterval(ping);
        if (stopped) return;
        if (status) { status.textContent = CC.t("ui.reconnecting"); status.className = "live off"; }
        if (e.code === 4401) { location.href = "/login"; return; }
        setTimeout(open, delay + Math.random() * delay * 0.3);
        delay = Math.min(delay * 2, 10000);
      };
    };
    open();
  },
};

// A refused API call was already shown to the user; it is not an error of the page's script.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof CC.ApiError) event.preventDefault();
});
