// The agent's (or the supervisor console's) phone behind one interface, with two drivers chosen by
// GET /api/agent/softphone (GET /api/supervisor/softphone on the console):
//   "simulator" (demo mode, no Asterisk): every action is a request to the engine's REST API;
//   "webrtc": the browser is the phone. JsSIP (bundled into /static/vendor/jssip.js by run.sh)
//             registers over SIP/WebSocket to Asterisk, answers the INVITE, holds (re-INVITE),
//             mutes (local), sends DTMF in the RTP stream (RFC 4733) and plays the remote audio.
// Both report through on(event, fn): "registration" {state, reason}, "ringing" {number},
// "connected", "ended" {cause}, "held" {held}, "muted" {muted}, "tone" {tone}.
// A supervisor with a desk phone gets mode "desk": no phone in the page.
"use strict";
window.CCSoftphone = (() => {
  const listeners = {};
  const emit = (event, data) => { for (const fn of listeners[event] || []) fn(data || {}); };
  const on = (event, fn) => { (listeners[event] = listeners[event] || []).push(fn); };

  function simulatorDriver() {
    return {
      mode: "simulator",
      ringing: () => false,
      live: () => false,
      answer: () => CC.api("POST", "/api/agent/offer/accept"),
      decline: () => CC.api("POST", "/api/agent/offer/decline"),
      hangup: () => CC.api("POST", "/api/agent/call/hangup"),
      hold: async (wanted) => (await CC.api("POST", "/api/agent/call/hold", { on: wanted })).held,
      mute: async (wanted) => (await CC.api("POST", "/api/agent/call/mute", { on: wanted })).muted,
      dtmf: (digits) => CC.api("POST", "/api/agent/call/dtmf", { digits }),
      expectOwnCall() {},
      cancelOwnCall() {},
      stop() {},
    };
  }

  function loadJsSIP() {
    if (window.JsSIP) return Promise.resolve(window.JsSIP);
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/static/vendor/jssip.js";
      script.onload = () => (window.JsSIP ? resolve(window.JsSIP) : reject(new Error("Bundle Missing")));
      script.onerror = () => reject(new Error("Bundle Missing"));
      document.head.append(script);
    });
  }

  function webrtcDriver(JsSIP, config, audio) {
    const windowMs = 1000 * (config.auto_answer_window_s || 30);
    let session = null;     // the one SIP call (INVITE) of this phone
    let autoAnswerUntil = 0; // click-to-dial, or Answer clicked before the INVITE arrived
    let connected = false;
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(config.ws_url)],
      uri: config.sip_uri,
      authorization_user: config.authorization_user,
      password: config.password,
      register: true,
      session_timers: false,
      user_agent: "callcenter-agent-desktop",
    });
    ua.on("connecting", () => emit("registration", { state: "connecting" }));
    ua.on("registered", () => emit("registration", { state: "registered" }));
    ua.on("unregistered", (e) => emit("registration", { state: "unregistered", reason: (e && e.cause) || "" }));
    ua.on("registrationFailed", (e) => emit("registration", { state: "failed", reason: e.cause || "" }));
    // Asterisk unreachable or restarted: JsSIP reconnects by itself and registers again.
    ua.on("disconnected", () => emit("registration", { state: "failed", reason: "Connection Error" }));
    ua.on("newRTCSession", (e) => {
      if (e.originator !== "remote") return;
      if (session) { e.session.terminate({ status_code: 486, reason_phrase: "Busy Here" }); return; }
      track(e.session);
      const number = e.session.remote_identity.uri.user || "";
      if (Date.now() < autoAnswerUntil) { autoAnswerUntil = 0; answerSession(); } else emit("ringing", { number });
    });

    function track(s) {
      session = s;
      s.on("peerconnection", (e) => e.peerconnection.addEventListener("track", (ev) => {
        audio.srcObject = ev.streams[0] || new MediaStream([ev.track]);
        audio.play().catch(() => {}); // autoplay rules: the agent's click (Answer, Call) allows it
      }));
      s.on("accepted", () => { connected = true; emit("connected"); });
      const ended = (e) => {
        if (session !== s) return;
        session = null;
        connected = false;
        audio.srcObject = null;
        emit("ended", { cause: (e && e.cause) || "" });
      };
      s.on("ended", ended);
      s.on("failed", ended);
      s.on("hold", (e) => e.originator === "local" && emit("held", { held: true }));
      s.on("unhold", (e) => e.originator === "local" && emit("held", { held: false }));
      s.on("muted", () => emit("muted", { muted: true }));
      s.on("unmuted", () => emit("muted", { muted: false }));
    }

    function answerSession() {
      session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
    }

    function sessionOrFail() {
      if (session && connected) return session;
      throw Object.assign(new Error(CC.t("ui.no_call")), { toast: true });
    }

    const stop = () => { try { ua.stop(); } catch (_) { /* closing the page */ } };
    window.addEventListener("pagehide", stop);
    ua.start();
    return {
      mode: "webrtc",
      ringing: () => Boolean(session) && !connected,
      live: () => connected,
      async answer() {
        if (session && !connected) answerSession();
        // The engine's offer can come before the INVITE: answer it as soon as it rings here.
        else if (!session) autoAnswerUntil = Date.now() + windowMs;
      },
      async decline() {
        autoAnswerUntil = 0;
        if (session && !connected) session.terminate({ status_code: 486, reason_phrase: "Busy Here" });
        else await CC.api("POST", "/api/agent/offer/decline");
      },
      async hangup() {
        autoAnswerUntil = 0;
        if (session) session.terminate();
        else await CC.api("POST", "/api/agent/call/hangup");
      },
      // JsSIP refuses a re-INVITE while one is under way: the answer is the state it is in.
      async hold(wanted) {
        const s = sessionOrFail();
        if (wanted) s.hold(); else s.unhold();
        return s.isOnHold().local;
      },
      async mute(wanted) {
        const s = sessionOrFail();
        if (wanted) s.mute({ audio: true }); else s.unmute({ audio: true });
        return s.isMuted().audio;
      },
      async dtmf(digits) {
        const s = sessionOrFail();
        if (!/^[0-9*#]{1,32}$/.test(digits)) throw Object.assign(new Error(digits), { toast: true });
        const sender = s.connection && s.connection.getSenders().find((x) => x.track && x.track.kind === "audio");
        if (sender && sender.dtmf && !sender.dtmf.ontonechange) {
          sender.dtmf.ontonechange = (ev) => { if (ev.tone) emit("tone", { tone: ev.tone }); };
        }
        s.sendDTMF(digits, { transportType: "RFC2833" });
      },
      // Click-to-dial: the engine rings this phone first; answer that INVITE by itself.
      expectOwnCall() { autoAnswerUntil = Date.now() + windowMs; },
      cancelOwnCall() { autoAnswerUntil = 0; },
      stop,
    };
  }

  // A SIP cause as the user reads it ("Authentication Error": wrong SIP user or password).
  function reasonText(cause) {
    const key = "ui.sip." + String(cause).toLowerCase().replace(/[^a-z]+/g, "_");
    return CC.texts[key] ? CC.t(key) : String(cause);
  }

  // The "registration" event shown in ``el`` (text, class and data-state / data-reason).
  function showRegistration(el, e) {
    const reason = e.reason ? reasonText(e.reason) : "";
    const texts = {
      simulated: CC.t("ui.phone.simulated"), connecting: CC.t("ui.phone.connecting"),
      registered: CC.t("ui.phone.registered"), desk: CC.t("ui.phone.desk"),
      unregistered: CC.t("ui.phone.unregistered") + (reason ? " (" + reason + ")" : ""),
      failed: CC.t("ui.phone.failed", { reason }), unavailable: CC.t("ui.phone.unavailable", { reason }),
    };
    el.textContent = texts[e.state] || e.state;
    el.className = "reg " + e.state;
    el.dataset.state = e.state;
    el.dataset.reason = e.reason || "";
  }

  // Ask the engine how this user's phone connects and start the matching driver.
  async function start(audio, configUrl = "/api/agent/softphone") {
    let config;
    try {
      config = await CC.api("GET", configUrl);
    } catch (error) { // shown in a toast already; the page still works through the engine's REST API
      const reason = error.message === "desktop.webrtc_not_configured" ? "Not Configured" : error.message;
      setTimeout(() => emit("registration", { state: "unavailable", reason }), 0);
      return { ...simulatorDriver(), mode: "unavailable" };
    }
    if (config.mode !== "webrtc") {
      const desk = config.mode === "desk";
      setTimeout(() => emit("registration", { state: desk ? "desk" : "simulated" }), 0);
      return { ...simulatorDriver(), mode: desk ? "desk" : "simulator" };
    }
    emit("registration", { state: "connecting" });
    let JsSIP;
    try {
      JsSIP = await loadJsSIP();
    } catch (error) {
      emit("registration", { state: "unavailable", reason: error.message });
      return { ...simulatorDriver(), mode: "webrtc" }; // the engine's REST API is all that is left
    }
    const driver = webrtcDriver(JsSIP, config, audio);
    delete config.password; // kept by the UA only
    return driver;
  }

  return { start, on, showRegistration, reasonText };
})();
