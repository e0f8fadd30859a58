// The browser sample: connects to the session server with socket.io-client (the global `io` of
// node_modules/socket.io-client/dist/socket.io.min.js), shows the `session` event, sends Events with an ack and
// lists the messages the engine sends back. Query parameters prefill the form: ?server=URL&token=ID&proxy=1&connect=1
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let socket = null;
  let session = null;
  let received = 0;

  // The page is usually served from another port than the server (e.g. :8080); default to port 3000 of the same
  // host, so a phone on the LAN that opens http://<laptop>:8080/ reaches http://<laptop>:3000.
  $("server").value = params.get("server") || `http://${location.hostname || "localhost"}:3000`;
  if (params.has("token")) $("token").value = params.get("token");
  $("proxy").checked = params.get("proxy") === "1" || params.get("proxy") === "true";

  function setStatus(status, error) {
    $("status").textContent = status;
    $("status").className = status;
    $("error").textContent = error || "";
    const connected = status === "connected";
    $("send").disabled = !connected;
    $("connect").disabled = socket !== null;
    $("disconnect").disabled = socket === null;
  }

  function connect() {
    if (socket) return;
    const token = $("token").value.trim();
    const proxy = $("proxy").checked;
    // auth.token: in the embedded default (AUTH_MODE=token) the token is the participant id.
    // auth.proxy: a proxy-mode connection gets every message addressed to its participant.
    socket = io($("server").value.trim(), { auth: { token, proxy } });
    setStatus("connecting");

    socket.on("connect", () => setStatus("connected"));
    socket.on("session", (s) => {
      session = s; // {participantId, sessionId, channelId, nodeId, proxy}
      $("session").textContent = JSON.stringify(s, null, 2);
    });
    socket.on("message", (message) => showMessage(message)); // {event, to, data}, as the engine wrote it
    socket.on("error", (e) => setStatus($("status").textContent, `refused ${e.id}: ${e.code} ${e.message}`));
    socket.on("connect_error", (err) => {
      // A refused CONNECT (bad token) is final (socket.active is false); a network error is retried.
      const code = err.data && err.data.code ? ` (${err.data.code})` : "";
      setStatus(socket.active ? "reconnecting" : "disconnected", `connect_error: ${err.message}${code}`);
      if (!socket.active) forget();
    });
    socket.on("disconnect", (reason) => {
      setStatus(socket.active ? "reconnecting" : "disconnected", reason === "io client disconnect" ? "" : reason);
      if (!socket.active) forget();
    });
    socket.io.on("reconnect_attempt", (n) => setStatus("reconnecting", `attempt ${n}`));
  }

  function forget() {
    if (socket) socket.removeAllListeners();
    socket = null;
    session = null;
    setStatus("disconnected", $("error").textContent);
  }

  function disconnect() {
    if (!socket) return;
    socket.disconnect();
    forget();
    $("session").textContent = "-";
  }

  function newEventId() {
    // crypto.randomUUID needs a secure context (not http://<lan-ip>), so build the id ourselves.
    return "evt_" + Date.now().toString(36) + "_" + Math.random().toString(36).slice(2, 10);
  }

  function send() {
    if (!socket || !session) return;
    // An Event as DESIGN.md has it: source.id must be the authenticated participant.
    const event = {
      id: newEventId(),
      type: $("type").value.trim() || "user.action",
      source: { id: session.participantId },
      timestamp: new Date().toISOString(),
      data: { text: $("text").value },
    };
    $("ack").textContent = `sent ${event.id}, waiting for the ack...`;
    socket.timeout(10000).emit("message", event, (err, ack) => {
      // ack: {"ok":true,"id"} once the bus holds the event, or {"ok":false,"error":{code,message}}
      $("ack").textContent = err ? `no ack for ${event.id}: ${err.message}` : JSON.stringify(ack, null, 2);
    });
  }

  function showMessage(message) {
    const event = message.event || {};
    const data = event.data || {};
    const li = document.createElement("li");
    li.dataset.eventId = event.id || "";
    li.dataset.message = JSON.stringify(message);
    const text = document.createElement("div");
    text.className = "text";
    text.textContent = `${event.type || "?"}: ${data.text !== undefined ? data.text : JSON.stringify(data)}`;
    const meta = document.createElement("div");
    meta.className = "meta";
    const from = message.data && message.data.sessionId;
    meta.textContent = `from ${(event.source && event.source.id) || "?"}` +
      (from ? ` (session ${from}${session && from === session.sessionId ? ", this page" : ""})` : "") +
      ` · event ${event.id || "?"} · to ${JSON.stringify(message.to || [])}`;
    li.append(text, meta);
    $("messages").prepend(li);
    $("count").textContent = String(++received);
  }

  $("connect").addEventListener("click", connect);
  $("disconnect").addEventListener("click", disconnect);
  $("send").addEventListener("click", send);
  $("text").addEventListener("keydown", (e) => { if (e.key === "Enter" && !$("send").disabled) send(); });
  setStatus("disconnected");
  if (params.get("connect") === "1") connect();
})();
