// Connection state recovery with socket.io-client 4.8.4 against the session server (RECOVERY_WINDOW_MS=1500).
// Usage: node recovery-scenarios.js <baseUrl> <websocket|polling> <engineKey>
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const [baseUrl, transport, engineKey] = process.argv.slice(2);
const WINDOW_MS = 1500;

async function post(participantId, n) {
  const response = await fetch(`${baseUrl}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${engineKey}` },
    body: JSON.stringify({ to: [{ participantId }], data: { n } }),
  });
  assert.equal(response.status, 202);
}

function client(participantId, auth, reconnectionDelay = 200) {
  const socket = io(baseUrl, {
    auth: { token: participantId, ...auth }, transports: [transport], forceNew: true,
    reconnectionDelay, reconnectionDelayMax: reconnectionDelay,
  });
  socket.received = [];
  socket.on("message", (message, ...rest) => socket.received.push({ n: message.data.n, rest }));
  return socket;
}

function next(socket, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });
}

async function until(condition, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const id = (name) => `${name}-${transport}-${Math.random().toString(36).slice(2, 8)}`;

const scenarios = {
  async "missed messages are replayed in order, before new ones, and the client is recovered"() {
    const participant = id("rita");
    const socket = client(participant, { recovery: true });
    await next(socket, "connect");
    const firstId = socket.id;
    assert.equal(socket.recovered, false);
    await post(participant, 1);
    await until(() => socket.received.length === 1, "message 1");
    assert.equal(socket.received[0].rest.length, 1, "an opted-in connection gets the offset as last argument");
    assert.equal(typeof socket.received[0].rest[0], "string");

    const gone = next(socket, "disconnect");
    socket.io.engine.close(); // the transport drops; socket.io-client reconnects by itself
    await gone;
    const back = next(socket, "connect");
    await post(participant, 2);
    await post(participant, 3);
    await back;
    assert.equal(socket.recovered, true, "socket.recovered");
    assert.equal(socket.id, firstId, "the same session id after recovery");
    await post(participant, 4);
    await until(() => socket.received.length === 4, "messages 2, 3 and 4");
    assert.deepEqual(socket.received.map((m) => m.n), [1, 2, 3, 4]);
    socket.close();
  },

  async "connections that did not opt in never get an offset argument"() {
    const participant = id("plain");
    const socket = client(participant, {});
    await next(socket, "connect");
    await post(participant, 1);
    await until(() => socket.received.length === 1, "message 1");
    assert.deepEqual(socket.received[0].rest, [], "no extra argument");
    socket.close();
  },

  async "after the recovery window the client gets a fresh session, never a silent gap"() {
    const participant = id("late");
    const socket = client(participant, { recovery: true }, WINDOW_MS + 1500);
    await next(socket, "connect");
    const firstId = socket.id;
    await post(participant, 1);
    await until(() => socket.received.length === 1, "message 1");
    const gone = next(socket, "disconnect");
    socket.io.engine.close();
    await gone;
    const back = next(socket, "connect", 10000);
    await post(participant, 2); // logged for the session, but the window closes before the client is back
    await back;
    assert.equal(socket.recovered, false, "socket.recovered after the window");
    assert.notEqual(socket.id, firstId, "a new session");
    assert.deepEqual(socket.received.map((m) => m.n), [1], "nothing replayed into a fresh session");
    socket.close();
  },
};

let failed = 0;
for (const [name, run] of Object.entries(scenarios)) {
  try {
    await run();
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
