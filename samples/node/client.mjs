// A Node client of the session server (socket.io-client 4.8.4).
//
//   node client.mjs [URL] [TOKEN] [--once] [--proxy]        (defaults: http://localhost:3000 alice)
//
// It connects as the participant TOKEN (AUTH_MODE=token: the token is the participant id), prints the `session`
// event, sends one Event with an ack, and prints the ack and every `message` (the echo engine sends the event back to
// every connection of the participant, on every device). Then each line typed on stdin is sent as another event.
// --once: exit 0 as soon as the ack and the echo of the first event are in (exit 1 after 10 s, or when refused).
// --proxy: connect in proxy mode (receive every message addressed to the participant, whatever session it names).
// Output lines: `session <json>`, `ack <json>`, `message <json>`, `error <json>`, `connect_error <json>`, ...
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith("--")));
const [url = "http://localhost:3000", token = "alice"] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const once = flags.has("--once");
const proxy = flags.has("--proxy");
const print = (what, value) => console.log(value === undefined ? what : `${what} ${JSON.stringify(value)}`);

const socket = io(url, { auth: { token, proxy }, reconnection: !once });
let participantId = token;
let firstId = null;
let acked = false;
let echoed = false;

const timer = once ? setTimeout(() => finish(1, "no ack and echo within 10 s"), 10_000) : null;

function finish(code, why) {
  if (why) print(why);
  clearTimeout(timer);
  socket.close();
  process.exit(code);
}

function newEvent(text) {
  return {
    id: `evt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
    type: "user.action",
    source: { id: participantId }, // must be the authenticated participant
    timestamp: new Date().toISOString(),
    data: { text },
  };
}

function send(event) {
  print("send", event);
  socket.timeout(10_000).emit("message", event, (err, ack) => {
    if (err) return print("no ack", { id: event.id, error: err.message });
    print("ack", ack); // {"ok":true,"id"} or {"ok":false,"error":{code,message}}
    if (event.id === firstId) {
      acked = true;
      if (!ack.ok && once) finish(1);
      if (echoed && once) finish(0);
    }
  });
}

socket.on("session", (session) => {
  print("session", session); // {participantId, sessionId, channelId, nodeId, proxy}
  participantId = session.participantId;
  if (firstId === null) {
    const event = newEvent("hello from Node");
    firstId = event.id;
    send(event);
  }
});
socket.on("message", (message) => {
  print("message", message); // {event, to, data}: the echo engine's reply, from this or another device
  if (message.event && message.event.id === firstId) {
    echoed = true;
    if (acked && once) finish(0);
  }
});
socket.on("error", (e) => print("error", e)); // a refused event sent without an ack: {id, code, message}
socket.on("connect_error", (e) => {
  print("connect_error", { message: e.message, data: e.data });
  if (!socket.active) finish(1); // refused (bad token): socket.io-client will not retry
});
socket.on("disconnect", (reason) => print(`disconnected ${reason}`));
socket.io.on("reconnect_attempt", (n) => print("reconnecting", { attempt: n }));

if (!once) {
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (socket.connected && line.trim()) send(newEvent(line));
  });
}
