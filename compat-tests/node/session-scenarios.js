// End-to-end scenarios for socket.io-client 4.x against the real session server (embedded default: in-memory bus,
// built-in echo engine, AUTH_MODE=token where the token is the participant id). See DESIGN.md, "Socket.IO endpoint"
// and "HTTP routes". The server must run with MAX_MESSAGE_SIZE=2048 and an ENGINE_KEY (NodeSessionIT does that).
//
// Usage: node session-scenarios.js <baseUrl> <websocket|polling|upgrade> <engineKey> <nodeId>
//   websocket: transports ["websocket"]; polling: transports ["polling"]; upgrade: the default (polling, then
//   upgrade to websocket; the upgrade is asserted).
// Each scenario uses its own participant ids (alice.<mode>.<run>.<n>), so that runs over different transports against the
// same server, and connections of earlier scenarios still closing, cannot interfere.
// Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
// SCENARIOS=a,b runs only those.
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { opened, runScenarios } from "./scenario-runner.js";

const [baseUrl, mode, ENGINE_KEY, NODE_ID] = process.argv.slice(2);
const TRANSPORT_OPTIONS = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: {},
};
if (!baseUrl || !(mode in TRANSPORT_OPTIONS) || !ENGINE_KEY || !NODE_ID) {
  console.error("usage: node session-scenarios.js <baseUrl> <websocket|polling|upgrade> <engineKey> <nodeId>");
  process.exit(2);
}
const SCENARIO_TIMEOUT_MS = 6000;
const WAIT_MS = 3000; // how long a single expected event or answer may take
const MAX_MESSAGE_SIZE = 2048;
const base = baseUrl.replace(/\/+$/, "");

// ---------------------------------------------------------------------------------------------------------------
// helpers

let counter = 0;
/** Repeated runs against one server must not reuse participant ids. */
const RUN = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");

/** A participant id of its own for this run: alice.<mode>.<run>.<n> (all chars allowed by AUTH_MODE=token). */
function participant(name = "alice") {
  return `${name}.${mode}.${RUN}.${++counter}`;
}

function options(extra = {}) {
  return { forceNew: true, reconnection: false, timeout: WAIT_MS, ...TRANSPORT_OPTIONS[mode], ...extra };
}

/**
 * Records every occurrence of the given events of a socket (listeners registered before the socket can connect)
 * and lets a scenario wait for a condition over what was recorded.
 */
class Recorder {
  constructor(socket, events) {
    this.seen = Object.fromEntries(events.map((e) => [e, []]));
    this.checks = new Set();
    for (const event of events) {
      socket.on(event, (...args) => {
        this.seen[event].push(args.length === 1 ? args[0] : args);
        for (const check of [...this.checks]) check();
      });
    }
  }

  /** Resolves with the first recorded `event` payload matching `predicate` (already seen or still to come). */
  waitFor(event, predicate = () => true, what = event, ms = WAIT_MS) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const hit = this.seen[event].find(predicate);
        if (hit !== undefined) {
          this.checks.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      timer = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(`no ${what} within ${ms} ms; ${event} seen: ${JSON.stringify(this.seen[event]).slice(0, 600)}`));
      }, ms);
      this.checks.add(check);
      check();
    });
  }

  count(event, predicate) {
    return this.seen[event].filter(predicate).length;
  }
}

const RECORDED = ["session", "message", "error", "connect_error", "disconnect"];

/** Opens a socket with the given options; its recorder sees everything from the start. */
function open(extra = {}) {
  const socket = io(base, options(extra));
  opened.push(socket);
  const recorder = new Recorder(socket, RECORDED);
  return { socket, recorder };
}

/** Resolves on "connect"; rejects on "connect_error" with the error's message and data. */
function connected(socket, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error(`not connected within ${ms} ms`)), ms);
    const onConnect = () => {
      clearTimeout(timer);
      socket.off("connect_error", onError);
      resolve();
    };
    const onError = (err) => {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      reject(new Error(`connect_error: ${err.message} ${JSON.stringify(err.data ?? null)}`));
    };
    socket.once("connect", onConnect);
    socket.once("connect_error", onError);
  });
}

/** A connected socket and its `session` payload. */
async function openSession(extra) {
  const { socket, recorder } = open(extra);
  await connected(socket);
  const session = await recorder.waitFor("session", () => true, "session event");
  return { socket, recorder, session };
}

function assertSession(session, participantId, proxy) {
  assert.equal(typeof session, "object", "session payload");
  assert.deepStrictEqual(Object.keys(session).sort(), ["channelId", "nodeId", "participantId", "proxy", "sessionId"],
    "session fields");
  assert.equal(session.participantId, participantId, "session.participantId");
  assert.equal(typeof session.sessionId, "string", "session.sessionId");
  assert.ok(session.sessionId.length > 0, "session.sessionId is empty");
  assert.equal(typeof session.channelId, "string", "session.channelId");
  assert.ok(session.channelId.length > 0, "session.channelId is empty");
  assert.equal(session.nodeId, NODE_ID, "session.nodeId");
  assert.equal(session.proxy, proxy, "session.proxy");
}

/** Asserts the engine.io transport matches the mode (for "upgrade", waits for the upgrade to websocket). */
async function assertTransport(socket) {
  const engine = socket.io.engine;
  if (mode === "upgrade") {
    if (engine.transport.name !== "websocket") {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no upgrade to websocket")), WAIT_MS);
        engine.once("upgrade", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    assert.equal(engine.transport.name, "websocket", "transport after upgrade");
  } else {
    assert.equal(engine.transport.name, mode, "transport");
  }
}

/** A valid Event of `participantId`. */
function event(participantId, extra = {}) {
  return {
    id: `evt_${mode}_${++counter}`,
    type: "user.action",
    source: { id: participantId },
    timestamp: new Date().toISOString(),
    data: {},
    ...extra,
  };
}

/** An event of exactly `bytes` bytes of compact JSON (ASCII only, so chars = bytes). */
function eventOfSize(participantId, bytes) {
  const evt = event(participantId, { data: { pad: "" } });
  const missing = bytes - Buffer.byteLength(JSON.stringify(evt));
  assert.ok(missing >= 0, "event skeleton too large");
  evt.data.pad = "x".repeat(missing);
  assert.equal(Buffer.byteLength(JSON.stringify(evt)), bytes);
  return evt;
}

function sendWithAck(socket, evt) {
  return socket.timeout(WAIT_MS).emitWithAck("message", evt);
}

/** Asserts the socket is still connected and a valid event is still accepted on it. */
async function assertStillOpen(socket, participantId, after) {
  assert.equal(socket.connected, true, `disconnected after ${after}`);
  const evt = event(participantId);
  assert.deepStrictEqual(await sendWithAck(socket, evt), { ok: true, id: evt.id }, `valid event after ${after}`);
}

function assertRefusal(ack, code, what) {
  assert.equal(typeof ack, "object", `${what}: ack`);
  assert.deepStrictEqual(Object.keys(ack).sort(), ["error", "ok"], `${what}: ack fields ${JSON.stringify(ack)}`);
  assert.equal(ack.ok, false, `${what}: ack.ok`);
  assert.deepStrictEqual(Object.keys(ack.error).sort(), ["code", "message"], `${what}: error fields`);
  assert.equal(ack.error.code, code, `${what}: error code`);
  assert.equal(typeof ack.error.message, "string", `${what}: error message`);
  assert.ok(ack.error.message.length > 0, `${what}: empty error message`);
}

async function http(method, path, body, key = ENGINE_KEY) {
  const headers = { "content-type": "application/json" };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS + 2000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

async function connectionsOf(participantId) {
  const res = await http("GET", "/connections");
  assert.equal(res.status, 200, `GET /connections answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.connections.filter((c) => c.participantId === participantId);
}

/** Polls an async condition every 25 ms until it holds (there is no event to wait on for server-side state). */
async function until(condition, what, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function postMessage(message) {
  const res = await http("POST", "/messages", message);
  assert.equal(res.status, 202, `POST /messages answered ${res.status} ${JSON.stringify(res.body)}`);
}

/** Asserts a refused connect: connect_error "unauthorized" with data {code: "unauthorized"}, no session. */
async function assertRefused(extra, what) {
  const { socket, recorder } = open(extra);
  const err = await recorder.waitFor("connect_error", () => true, `connect_error (${what})`);
  assert.ok(err instanceof Error, `${what}: connect_error is not an Error`);
  assert.equal(err.message, "unauthorized", `${what}: connect_error message`);
  assert.deepStrictEqual(err.data, { code: "unauthorized" }, `${what}: connect_error data`);
  assert.equal(socket.connected, false, `${what}: connected although refused`);
  assert.equal(recorder.seen.session.length, 0, `${what}: session event after a refusal`);
}

// ---------------------------------------------------------------------------------------------------------------
// scenarios

const scenarios = {
  async "session-auth-token"() {
    const alice = participant();
    const { socket, session } = await openSession({ auth: { token: alice } });
    assertSession(session, alice, false);
    await assertTransport(socket);
    // a second connection of the same participant is a session of its own
    const second = await openSession({ auth: { token: alice } });
    assertSession(second.session, alice, false);
    assert.notEqual(second.session.sessionId, session.sessionId, "two connections share a sessionId");
    assert.notEqual(second.session.channelId, session.channelId, "two connections share a channelId");
  },

  async "session-proxy-auth"() {
    const alice = participant();
    const { session } = await openSession({ auth: { token: alice, proxy: true } });
    assertSession(session, alice, true);
    // proxy must be the boolean true; a string is not a request for proxy mode
    const other = await openSession({ auth: { token: alice, proxy: "true" } });
    assertSession(other.session, alice, false);
  },

  async "session-proxy-header"() {
    const alice = participant();
    const { session } = await openSession({ auth: { token: alice }, extraHeaders: { "x-proxy-message": "true" } });
    assertSession(session, alice, true);
  },

  async "token-query"() {
    const alice = participant();
    const { session } = await openSession({ query: { token: alice } });
    assertSession(session, alice, false);
  },

  async "token-bearer-header"() {
    const alice = participant();
    const { socket, session } = await openSession({ extraHeaders: { Authorization: `Bearer ${alice}` } });
    assertSession(session, alice, false);
    await assertTransport(socket);
  },

  async "token-precedence"() {
    // auth.token, else query token, else Authorization: Bearer
    const [alice, bob, carol] = [participant("alice"), participant("bob"), participant("carol")];
    const all = await openSession({ auth: { token: alice }, query: { token: bob },
      extraHeaders: { Authorization: `Bearer ${carol}` } });
    assert.equal(all.session.participantId, alice, "auth.token wins");
    const noAuth = await openSession({ query: { token: bob }, extraHeaders: { Authorization: `Bearer ${carol}` } });
    assert.equal(noAuth.session.participantId, bob, "query token wins over the header");
  },

  async "refused-no-token"() {
    await assertRefused({}, "no auth at all");
    await assertRefused({ auth: {} }, "empty auth");
    await assertRefused({ auth: { token: "" } }, "empty token");
  },

  async "refused-bad-token"() {
    await Promise.all([
      assertRefused({ auth: { token: "not a plain id" } }, "token with spaces"),
      assertRefused({ auth: { token: "x".repeat(129) } }, "129-char token"),
      assertRefused({ query: { token: "bad/token" } }, "bad query token"),
      assertRefused({ extraHeaders: { Authorization: "Bearer bad<token>" } }, "bad bearer token"),
    ]);
  },

  async "event-ack"() {
    const alice = participant();
    const { socket } = await openSession({ auth: { token: alice } });
    const evt = event(alice, { data: { n: 1, nested: { list: [1, "two"] } }, thredId: "t1", patternId: "p1" });
    assert.deepStrictEqual(await sendWithAck(socket, evt), { ok: true, id: evt.id });
  },

  async "refusals-with-ack"() {
    const alice = participant();
    const { socket } = await openSession({ auth: { token: alice } });
    const cases = [
      ["invalid_event", "missing type", () => { const e = event(alice); delete e.type; return e; }],
      ["invalid_event", "empty id", () => event(alice, { id: "" })],
      ["invalid_event", "bad timestamp", () => event(alice, { timestamp: "yesterday" })],
      ["invalid_event", "not an object", () => "just a string"],
      ["forbidden_source", "someone else's source", () => event(alice, { source: { id: participant("mallory") } })],
      ["too_large", "one byte over MAX_MESSAGE_SIZE", () => eventOfSize(alice, MAX_MESSAGE_SIZE + 1)],
    ];
    for (const [code, what, make] of cases) {
      assertRefusal(await sendWithAck(socket, make()), code, what);
      await assertStillOpen(socket, alice, what);
    }
    // a message event without any argument
    assertRefusal(await socket.timeout(WAIT_MS).emitWithAck("message"), "invalid_event", "no argument");
    await assertStillOpen(socket, alice, "no argument");
    const exact = eventOfSize(alice, MAX_MESSAGE_SIZE);
    assert.deepStrictEqual(await sendWithAck(socket, exact), { ok: true, id: exact.id }, "event of exactly MAX_MESSAGE_SIZE");
  },

  async "refusals-without-ack"() {
    const alice = participant();
    const { socket, recorder } = await openSession({ auth: { token: alice } });
    const cases = [
      ["invalid_event", "bad timestamp", event(alice, { timestamp: "not a date" })],
      ["forbidden_source", "someone else's source", event(alice, { source: { id: participant("mallory") } })],
      ["too_large", "one byte over MAX_MESSAGE_SIZE", eventOfSize(alice, MAX_MESSAGE_SIZE + 1)],
    ];
    for (const [code, what, evt] of cases) {
      socket.emit("message", evt);
      const error = await recorder.waitFor("error", (e) => e && e.id === evt.id, `error event for ${what}`);
      assert.deepStrictEqual(Object.keys(error).sort(), ["code", "id", "message"], `${what}: error fields`);
      assert.equal(error.code, code, `${what}: error code`);
      assert.equal(typeof error.message, "string", `${what}: error message`);
      assert.ok(error.message.length > 0, `${what}: empty message`);
      await assertStillOpen(socket, alice, what);
    }
    // an event that is not an object has no id to quote: the error event then carries just {code, message}
    socket.emit("message", ["not", "an", "object"]);
    const anonymous = await recorder.waitFor("error", (e) => e && !("id" in e), "error event for a non-object");
    assert.deepStrictEqual(Object.keys(anonymous).sort(), ["code", "message"], "non-object: error fields");
    assert.equal(anonymous.code, "invalid_event", "non-object: error code");
    await assertStillOpen(socket, alice, "a non-object event");
    // refused events never reach the engine: no echo of any of them
    const ids = new Set(cases.map(([, , evt]) => evt.id));
    assert.equal(recorder.count("message", (m) => ids.has(m?.event?.id)), 0, "a refused event was echoed");
  },

  async "echo-every-connection"() {
    const alice = participant();
    const a = await openSession({ auth: { token: alice } });
    const b = await openSession({ auth: { token: alice } });
    await assertTransport(a.socket);
    const first = event(alice, { data: { n: 1 } });
    assert.deepStrictEqual(await sendWithAck(a.socket, first), { ok: true, id: first.id });
    for (const [name, conn] of [["sender", a], ["other connection", b]]) {
      const msg = await conn.recorder.waitFor("message", (m) => m?.event?.id === first.id, `echo on the ${name}`);
      assert.deepStrictEqual(msg.event, first, `echoed event on the ${name}`);
      assert.deepStrictEqual(msg.to, [{ participantId: alice }], `echo to, on the ${name}`);
      assert.equal(msg.data?.echo, true, `echo data.echo on the ${name}`);
    }
    // exactly once: a second echo arrives after any duplicate of the first would have
    const second = event(alice, { data: { n: 2 } });
    assert.deepStrictEqual(await sendWithAck(b.socket, second), { ok: true, id: second.id });
    for (const [name, conn] of [["first connection", a], ["second connection", b]]) {
      await conn.recorder.waitFor("message", (m) => m?.event?.id === second.id, `second echo on the ${name}`);
      assert.equal(conn.recorder.count("message", (m) => m?.event?.id === first.id), 1, `first echo count on the ${name}`);
      assert.equal(conn.recorder.count("message", (m) => m?.event?.id === second.id), 1, `second echo count on the ${name}`);
    }
  },

  async "engine-message-to-session"() {
    const alice = participant();
    const bob = participant("bob");
    const target = await openSession({ auth: { token: alice } });
    const sibling = await openSession({ auth: { token: alice } });
    const proxy = await openSession({ auth: { token: alice, proxy: true } });
    const stranger = await openSession({ auth: { token: bob } });
    await assertTransport(target.socket);

    // a message with a unicode string, nested values and extra top-level fields, exactly as an engine might write
    const toSession = {
      event: { id: `engine_${counter}`, type: "engine.note", source: { id: "engine" }, timestamp: new Date().toISOString(),
        data: { text: "héllo ☃ 😀", list: [1, 2.5, null, true, { k: "v" }] } },
      to: [{ participantId: alice, sessionId: target.session.sessionId }],
      data: { n: 1, nested: { deep: [] } },
    };
    await postMessage(toSession);
    const got = await target.recorder.waitFor("message", (m) => m?.data?.n === 1, "the message on the named session");
    assert.deepStrictEqual(got, toSession, "the named session receives exactly the posted message");
    const viaProxy = await proxy.recorder.waitFor("message", (m) => m?.data?.n === 1, "the message on the proxy");
    assert.deepStrictEqual(viaProxy, toSession, "the proxy connection receives exactly the posted message");

    // a second message that reaches everyone, twice-matching entries for the named session; messages arrive in
    // order, so once it is in, any copy of the first would have been too
    const toAll = {
      to: [{ participantId: alice }, { participantId: alice, sessionId: target.session.sessionId },
        { participantId: bob }],
      data: { n: 2 },
    };
    await postMessage(toAll);
    for (const [name, conn] of [["named session", target], ["sibling", sibling], ["proxy", proxy], ["bob", stranger]]) {
      const msg = await conn.recorder.waitFor("message", (m) => m?.data?.n === 2, `the broadcast on the ${name}`);
      assert.deepStrictEqual(msg, toAll, `broadcast as posted on the ${name}`);
      const expectFirst = name === "named session" || name === "proxy" ? 1 : 0;
      assert.equal(conn.recorder.count("message", (m) => m?.data?.n === 1), expectFirst, `session message count on the ${name}`);
      assert.equal(conn.recorder.count("message", (m) => m?.data?.n === 2), 1, `broadcast count on the ${name}`);
    }
  },

  async "engine-request"() {
    const alice = participant();
    const { socket, session } = await openSession({ auth: { token: alice } });
    await assertTransport(socket);
    const received = [];
    socket.on("ping-client", (data, cb) => {
      received.push(data);
      cb({ pong: data.x });
    });
    const res = await http("POST", `/participants/${alice}/request`,
      { event: "ping-client", data: { x: 1 }, timeoutMs: 2000 });
    assert.equal(res.status, 200, `request answered ${res.status} ${JSON.stringify(res.body)}`);
    assert.deepStrictEqual(res.body, { ok: true, sessionId: session.sessionId, data: { pong: 1 } });
    assert.deepStrictEqual(received, [{ x: 1 }], "what the client handler got");
  },

  async "engine-request-to-session"() {
    const alice = participant();
    const first = await openSession({ auth: { token: alice } });
    const second = await openSession({ auth: { token: alice } });
    first.socket.on("ping-client", (data, cb) => cb({ who: "first", x: data.x }));
    second.socket.on("ping-client", (data, cb) => cb({ who: "second", x: data.x }));
    const res = await http("POST", `/participants/${alice}/request`,
      { sessionId: second.session.sessionId, event: "ping-client", data: { x: 7 }, timeoutMs: 2000 });
    assert.equal(res.status, 200, `request answered ${res.status} ${JSON.stringify(res.body)}`);
    assert.deepStrictEqual(res.body, { ok: true, sessionId: second.session.sessionId, data: { who: "second", x: 7 } });
  },

  async "disconnect-then-request"() {
    const alice = participant();
    const gone = await openSession({ auth: { token: alice } });
    const stays = await openSession({ auth: { token: alice } });
    stays.socket.on("ping-client", (data, cb) => cb({ pong: data.x }));
    const listed = await connectionsOf(alice);
    assert.deepStrictEqual(listed.map((c) => c.sessionId).sort(),
      [gone.session.sessionId, stays.session.sessionId].sort(), "GET /connections lists both sessions");
    for (const c of listed) {
      assert.equal(c.nodeId, NODE_ID, "connection nodeId");
      if (mode !== "upgrade") assert.equal(c.transport, mode, "connection transport");
    }
    gone.socket.disconnect();
    await until(async () => !(await connectionsOf(alice)).some((c) => c.sessionId === gone.session.sessionId),
      "the closed session to leave GET /connections");
    const res = await http("POST", `/participants/${alice}/request`, { event: "ping-client", data: { x: 3 }, timeoutMs: 2000 });
    assert.equal(res.status, 200, `request answered ${res.status} ${JSON.stringify(res.body)}`);
    assert.deepStrictEqual(res.body, { ok: true, sessionId: stays.session.sessionId, data: { pong: 3 } });
  },

  async "engine-request-errors"() {
    const alice = participant();
    const { socket } = await openSession({ auth: { token: alice } });
    socket.on("ping-client", () => {}); // never answers
    const absent = await http("POST", `/participants/${participant("nobody")}/request`,
      { event: "ping-client", data: {}, timeoutMs: 2000 });
    assert.equal(absent.status, 404, `not connected: ${JSON.stringify(absent.body)}`);
    assert.equal(absent.body?.ok, false);
    const silent = await http("POST", `/participants/${alice}/request`, { event: "ping-client", data: {}, timeoutMs: 300 });
    assert.equal(silent.status, 504, `no answer: ${JSON.stringify(silent.body)}`);
    assert.equal(silent.body?.ok, false);
    const noKey = await http("POST", `/participants/${alice}/request`, { event: "ping-client", data: {} }, "wrong-key-wrong-key");
    assert.equal(noKey.status, 401, `wrong engine key: ${JSON.stringify(noKey.body)}`);
    await assertStillOpen(socket, alice, "an unanswered request");
  },
};

await runScenarios(scenarios, { mode, timeoutMs: SCENARIO_TIMEOUT_MS });
