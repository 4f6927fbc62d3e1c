// The /ws protocol the pages speak: its version and every message's wire name (fixed strings, not the
// server's class names). GET /api/ws-protocol publishes the server's side; a browser test keeps the two equal.
"use strict";
const CCWire = Object.freeze({
  PROTOCOL: 1,
  MSG: Object.freeze({
    HELLO: "hello", PING: "ping", PONG: "pong", ERROR: "error",
    SNAPSHOT: "snapshot", WALLBOARD: "wallboard",
    CALL_OFFERED: "CallOffered", CALL_CONNECTED: "CallConnected", CALL_ENDED: "CallEnded",
    CALL_DIALING: "CallDialing", CALL_TRANSFERRED: "CallTransferred",
    RECORDING_PAUSED: "RecordingPaused", CALL_HELD: "CallHeld", CALL_MUTED: "CallMuted",
    CONSULT_STARTED: "ConsultStarted", CONSULT_ENDED: "ConsultEnded",
    AGENT_STATE_CHANGED: "AgentStateChanged", CALLBACK_CHANGED: "CallbackChanged",
    SUPERVISION_CHANGED: "SupervisionChanged", AGENT_AUTO_PAUSED: "AgentAutoPaused",
    FALLBACK_REQUIRED: "FallbackRequired",
    CONVERSATION_OFFERED: "ConversationOffered", CONVERSATION_MESSAGE_ADDED: "ConversationMessageAdded",
    CONVERSATION_TYPING: "ConversationTyping", CONVERSATION_STATUS_CHANGED: "ConversationStatusChanged",
  }),
  // The screen pop's customer card (``CallOffered.customer.type``).
  CARD: Object.freeze({ KNOWN: "KnownCaller", UNKNOWN: "UnknownCaller" }),
});
