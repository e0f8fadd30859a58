// socket.io-client 4.x and the `ws` package over TLS against the real session server started with TLS_CERT_FILE and
// TLS_KEY_FILE (TlsClientsIT): the client trusts the test's certificate authority through the `ca` option, with
// verification on (a client without it is refused). See DESIGN.md, "Security".
//
// Usage: node tls-scenarios.js <https baseUrl> <websocket|polling|upgrade> <caFile>
// Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { opened, runScenarios } from "./scenario-runner.js";

const [baseUrl, mode, caFile] = process.argv.slice(2);
const TRANSPORT_OPTIONS = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: {},
};
if (!baseUrl?.startsWith("https://") || !(mode in TRANSPORT_OPTIONS) || !caFile) {
  console.error("usage: node tls-scenarios.js <https baseUrl> <websocket|polling|upgrade> <caFile>");
  process.exit(2);
}
const CA = readFileSync(caFile);
const WAIT_MS = 4000;
const RUN = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
let counter = 0;
const participant = (name) => `${name}.tls-${mode}.${RUN}.${++counter}`;

function open(token, extra = {}) {
  const socket = io(baseUrl, { forceNew: true, reconnection: false, timeout: WAIT_MS, auth: { token },
    ...TRANSPORT_OPTIONS[mode], ...extra });
  opened.push(socket);
  return socket;
}

function once(emitter, event, what, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args.length === 1 ? args[0] : args);
    });
  });
}

async function upgraded(socket) {
  const engine = socket.io.engine;
  if (mode === "upgrade" && engine.transport.name !== "websocket") await once(engine, "upgrade", "upgrade");
  assert.equal(engine.transport.name, mode === "upgrade" ? "websocket" : mode, "transport");
}

const scenarios = {
  // the session event, an event acked and its echo, over HTTPS/WSS with the CA trusted
  "session-ack-and-echo": async () => {
    const id = participant("alice");
    const socket = open(id, { ca: CA });
    const session = once(socket, "session", "session event");
    const failed = once(socket, "connect_error", "connect_error", WAIT_MS + 1000).then((e) => { throw e; });
    assert.equal((await Promise.race([session, failed])).participantId, id);
    await upgraded(socket);
    const echo = once(socket, "message", "echo");
    const event = { id: "evt_tls", type: "user.action", source: { id }, timestamp: new Date().toISOString(), data: {} };
    const ack = await socket.timeout(WAIT_MS).emitWithAck("message", event);
    assert.deepStrictEqual(ack, { ok: true, id: "evt_tls" });
    assert.equal((await echo).event.id, "evt_tls");
  },
  // verification is really on: without the CA the certificate is not trusted and the client never connects
  "untrusted-certificate-refused": async () => {
    const socket = open(participant("mallory"));
    const error = await once(socket, "connect_error", "connect_error");
    assert.ok(!socket.connected, "connected although the certificate is not trusted");
    // the transport's failure (socket.io-client hides the TLS reason on polling: status 0)
    assert.match(error.message, /xhr poll error|websocket error/);
  },
  // the raw endpoint over wss, with the `ws` package (the client Node agents use)
  "raw-ws-over-wss": async () => {
    const id = participant("agent");
    const ws = new WebSocket(`${baseUrl.replace(/^https/, "wss")}/ws?token=${id}`, { ca: CA });
    opened.push({ disconnect: () => ws.terminate() });
    const [data] = await once(ws, "message", "hello_ack");
    const helloAck = JSON.parse(data.toString());
    assert.equal(helloAck.type, "hello_ack");
    assert.equal(helloAck.payload.participantId, id);
    ws.close();
  },
};

runScenarios(scenarios, { mode: `tls ${mode}`, timeoutMs: 8000 });
