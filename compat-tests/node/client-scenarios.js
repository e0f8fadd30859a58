// End-to-end scenarios for socket.io-client 4.x against the conformance fixture (see DESIGN.md, "Conformance
// fixture", plus the compat-test extensions implemented by reference-fixture.js: refused CONNECT on auth.reject,
// request-client-ack -> client-ack-request -> client-ack-result, disconnect-me).
//
// Usage: node client-scenarios.js <baseUrl> <websocket|polling|upgrade>
//   websocket: transports ["websocket"]; polling: transports ["polling"]; upgrade: the default (polling, then
//   upgrade to websocket; the upgrade is asserted).
// Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
import assert from "node:assert/strict";
import { io, Manager } from "socket.io-client";
import { opened, runScenarios } from "./scenario-runner.js";

const [baseUrl, mode] = process.argv.slice(2);
const TRANSPORT_OPTIONS = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: {},
};
if (!baseUrl || !(mode in TRANSPORT_OPTIONS)) {
  console.error("usage: node client-scenarios.js <baseUrl> <websocket|polling|upgrade>");
  process.exit(2);
}
const SCENARIO_TIMEOUT_MS = 5000;
const base = baseUrl.replace(/\/+$/, "");

// ---------------------------------------------------------------------------------------------------------------
// helpers


function options(extra = {}) {
  return { forceNew: true, reconnection: false, timeout: 3000, ...TRANSPORT_OPTIONS[mode], ...extra };
}

function open(nsp = "/", extra = {}) {
  const socket = io(base + nsp, options(extra));
  opened.push(socket);
  return socket;
}

/** Resolves with the arguments of the next `event` (listener registered now, so call it before the event can fire). */
function next(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

/** Resolves on "connect"; rejects on "connect_error" with the error's message. */
function connected(socket) {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const onConnect = () => {
      socket.off("connect_error", onError);
      resolve();
    };
    const onError = (err) => {
      socket.off("connect", onConnect);
      reject(new Error(`connect_error: ${err.message} ${JSON.stringify(err.data ?? null)}`));
    };
    socket.once("connect", onConnect);
    socket.once("connect_error", onError);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a socket on `nsp` (auth null: no auth option at all), waits for the connection and the `auth` event the fixture emits on connect. */
async function openAndAuth(nsp = "/", auth = { token: "abc", n: 1 }) {
  const socket = open(nsp, auth === null ? {} : { auth });
  const authEvent = next(socket, "auth");
  await connected(socket);
  const [payload] = await authEvent;
  return { socket, payload };
}

/**
 * Turns every binary value (Buffer, ArrayBuffer, typed array) into {binary: <hex>} so that structures can be
 * compared byte-exactly whatever binary type the client hands out.
 */
function normalize(value) {
  if (Buffer.isBuffer(value)) return { binary: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { binary: Buffer.from(value).toString("hex") };
  if (ArrayBuffer.isView(value)) return { binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

function assertSameArgs(actual, expected, what) {
  assert.deepStrictEqual(normalize(actual), normalize(expected), what);
}

/** Asserts the engine.io transport matches the mode (for "upgrade", waits for the upgrade to websocket). */
async function assertTransport(socket) {
  const engine = socket.io.engine;
  if (mode === "upgrade") {
    if (engine.transport.name !== "websocket") {
      await next(engine, "upgrade");
    }
    assert.equal(engine.transport.name, "websocket", "transport after upgrade");
  } else {
    assert.equal(engine.transport.name, mode, "transport");
  }
}

async function roundTrip(socket, ...args) {
  const back = next(socket, "message-back");
  socket.emit("message", ...args);
  assertSameArgs(await back, args, "message-back arguments");
}

function emitWithAckArgs(socket, event, ...args) {
  return new Promise((resolve) => socket.emit(event, ...args, (...ackArgs) => resolve(ackArgs)));
}

/** Every byte value, in order. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const SMALL = Buffer.from([0xff, 0x00, 0x7f, 0x80, 0x0a, 0x0d]);
/** JSON of mixed types, a unicode string included (multi-byte UTF-8 and a surrogate pair). */
const MIXED_ARGS = [1, "two", { three: [3, null, true], "4": { five: -5.25 } }, [false, 0, ""], null, "héllo ☃ 😀 \u0000\n\"'\\"];
const BINARY_ARGS = ["before", ALL_BYTES, { nested: { bin: SMALL, n: 1 }, list: [1, "x"] }, [SMALL, "after"], 42];

// ---------------------------------------------------------------------------------------------------------------
// scenarios

const scenarios = {
  async "connect-auth"() {
    const { socket, payload } = await openAndAuth("/", { token: "abc", n: 1, nested: { list: [1, 2] } });
    assert.deepStrictEqual(payload, { token: "abc", n: 1, nested: { list: [1, 2] } });
    assert.equal(typeof socket.id, "string");
    assert.ok(socket.id.length > 0, "socket id");
  },

  async "connect-without-auth"() {
    // socket.io-client sends a CONNECT without payload; the fixture emits {} then.
    const { payload } = await openAndAuth("/", null);
    assert.deepStrictEqual(payload, {});
  },

  async "transport"() {
    const { socket } = await openAndAuth();
    await assertTransport(socket);
    await roundTrip(socket, "after transport check", 1);
  },

  async "connect-refused"() {
    const socket = open("/", { auth: { reject: true } });
    let authSeen = false;
    socket.on("auth", () => (authSeen = true));
    socket.on("connect", () => assert.fail("connected although refused"));
    const [err] = await next(socket, "connect_error");
    assert.ok(err instanceof Error, "connect_error gives an Error");
    assert.equal(err.message, "unauthorized");
    assert.deepStrictEqual(err.data, { code: "unauthorized" });
    await sleep(50);
    assert.equal(socket.connected, false);
    assert.equal(authSeen, false, "auth event after a refused connect");
  },

  async "unknown-namespace"() {
    const socket = open("/random");
    socket.on("connect", () => assert.fail("connected to an unknown namespace"));
    const [err] = await next(socket, "connect_error");
    assert.equal(err.message, "Invalid namespace");
    assert.equal(socket.connected, false);
  },

  async "custom-namespace"() {
    const { socket, payload } = await openAndAuth("/custom", { token: "custom", n: 2 });
    assert.deepStrictEqual(payload, { token: "custom", n: 2 });
    assert.equal(socket.nsp, "/custom");
  },

  async "multiplexed-namespaces"() {
    // Two namespaces over one engine.io connection.
    const manager = new Manager(base, options());
    const root = manager.socket("/", { auth: { which: "root" } });
    const custom = manager.socket("/custom", { auth: { which: "custom" } });
    opened.push(root, custom);
    const rootAuth = next(root, "auth");
    const customAuth = next(custom, "auth");
    root.connect();
    custom.connect();
    await Promise.all([connected(root), connected(custom)]);
    assert.deepStrictEqual(await rootAuth, [{ which: "root" }]);
    assert.deepStrictEqual(await customAuth, [{ which: "custom" }]);
    assert.equal(root.io.engine, custom.io.engine, "one engine.io connection");
    assert.notEqual(root.id, custom.id, "one socket id per namespace");
    await roundTrip(root, "root", 1);
  },

  async "event-round-trip"() {
    const { socket } = await openAndAuth();
    await roundTrip(socket, ...MIXED_ARGS);
    await roundTrip(socket); // no arguments at all
    await roundTrip(socket, "single");
  },

  async "events-in-order"() {
    const { socket } = await openAndAuth();
    const received = [];
    const done = new Promise((resolve) =>
      socket.on("message-back", (i) => {
        received.push(i);
        if (received.length === 10) resolve();
      }),
    );
    for (let i = 0; i < 10; i++) socket.emit("message", i);
    await done;
    assert.deepStrictEqual(received, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  },

  async "ack-client-to-server"() {
    const { socket } = await openAndAuth();
    assertSameArgs(await emitWithAckArgs(socket, "message-with-ack", ...MIXED_ARGS), MIXED_ARGS, "ack arguments");
    // Several acks in flight at once, each answered to its own callback.
    const results = await Promise.all([1, 2, 3].map((i) => emitWithAckArgs(socket, "message-with-ack", i, `n${i}`)));
    assert.deepStrictEqual(results, [[1, "n1"], [2, "n2"], [3, "n3"]]);
  },

  async "ack-server-to-client"() {
    const { socket } = await openAndAuth();
    const request = next(socket, "client-ack-request");
    const result = next(socket, "client-ack-result");
    socket.emit("request-client-ack", ...MIXED_ARGS);
    const args = await request;
    const ack = args.pop();
    assert.equal(typeof ack, "function", "client-ack-request carries an ack callback");
    assertSameArgs(args, MIXED_ARGS, "client-ack-request arguments");
    ack("ack-value", { ok: true, list: [1, "2"] }, null);
    assertSameArgs(await result, ["ack-value", { ok: true, list: [1, "2"] }, null], "client-ack-result arguments");
  },

  async "binary-event"() {
    const { socket } = await openAndAuth();
    await roundTrip(socket, ...BINARY_ARGS);
    await roundTrip(socket, ALL_BYTES);
    // A Uint8Array view into a larger buffer: only the viewed bytes travel.
    const backing = new ArrayBuffer(64);
    new Uint8Array(backing).set(ALL_BYTES.subarray(0, 64));
    const view = new Uint8Array(backing, 10, 20);
    const back = next(socket, "message-back");
    socket.emit("message", view);
    assertSameArgs(await back, [ALL_BYTES.subarray(10, 30)], "typed array view");
  },

  async "binary-empty-attachment"() {
    const { socket } = await openAndAuth();
    await roundTrip(socket, Buffer.alloc(0), "x", Buffer.from([1]));
  },

  async "binary-ack-client-to-server"() {
    const { socket } = await openAndAuth();
    assertSameArgs(await emitWithAckArgs(socket, "message-with-ack", ...BINARY_ARGS), BINARY_ARGS, "binary ack arguments");
  },

  async "binary-ack-server-to-client"() {
    const { socket } = await openAndAuth();
    const request = next(socket, "client-ack-request");
    const result = next(socket, "client-ack-result");
    socket.emit("request-client-ack", ...BINARY_ARGS);
    const args = await request;
    const ack = args.pop();
    assert.equal(typeof ack, "function", "client-ack-request carries an ack callback");
    assertSameArgs(args, BINARY_ARGS, "binary client-ack-request arguments");
    const reversed = Buffer.from(ALL_BYTES).reverse();
    const ackArgs = [reversed, { json: "around", bin: SMALL }, "tail"];
    ack(...ackArgs);
    assertSameArgs(await result, ackArgs, "binary client-ack-result arguments");
  },

  async "large-payload"() {
    const { socket } = await openAndAuth();
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
    const text = "é☃".repeat(30_000);
    await roundTrip(socket, text, big);
  },

  async "heartbeat"() {
    // pingInterval 300, pingTimeout 200: stay for several intervals.
    const { socket } = await openAndAuth();
    const id = socket.id;
    const engineId = socket.io.engine.id;
    const disconnects = [];
    socket.on("disconnect", (reason) => disconnects.push(reason));
    let pings = 0;
    socket.io.on("ping", () => pings++);
    await sleep(1500);
    assert.deepStrictEqual(disconnects, [], "disconnects while idle");
    assert.equal(socket.connected, true);
    assert.equal(socket.id, id, "socket id unchanged");
    assert.equal(socket.io.engine.id, engineId, "engine.io session unchanged");
    assert.ok(pings >= 3, `expected at least 3 pings in 1.5 s, got ${pings}`);
    await roundTrip(socket, "still alive", 1);
    if (mode !== "upgrade") await assertTransport(socket);
  },

  async "client-disconnect-and-reconnect"() {
    const { socket } = await openAndAuth("/", { token: "again" });
    const firstId = socket.id;
    const disconnect = next(socket, "disconnect");
    socket.disconnect();
    const [reason] = await disconnect;
    assert.equal(reason, "io client disconnect");
    assert.equal(socket.connected, false);
    const authAgain = next(socket, "auth");
    socket.connect();
    await connected(socket);
    assert.deepStrictEqual(await authAgain, [{ token: "again" }]);
    assert.notEqual(socket.id, firstId, "a new socket id after reconnecting");
    await roundTrip(socket, "after reconnect", 2);
  },

  async "server-disconnect"() {
    const { socket } = await openAndAuth();
    const disconnect = next(socket, "disconnect");
    socket.emit("disconnect-me");
    const [reason] = await disconnect;
    assert.equal(reason, "io server disconnect");
    assert.equal(socket.connected, false);
  },
};

await runScenarios(scenarios, { mode, timeoutMs: SCENARIO_TIMEOUT_MS });
