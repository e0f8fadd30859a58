// Topic scenarios for socket.io-client 4.x against one node or several (DESIGN.md "Topics"): members on every node,
// membership made through one node and used through another, before or after connecting, at most once across mixed
// entries, exclude, leave. Members connect to node i % n, engine calls go to other nodes.
//
// Usage: node topic-scenarios.js <baseUrl[,baseUrl...]> <websocket|polling|upgrade> <engineKey>
// Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { opened, runScenarios } from "./scenario-runner.js";

const [urls, mode, ENGINE_KEY] = process.argv.slice(2);
const TRANSPORT_OPTIONS = { websocket: { transports: ["websocket"] }, polling: { transports: ["polling"] }, upgrade: {} };
if (!urls || !(mode in TRANSPORT_OPTIONS) || !ENGINE_KEY) {
  console.error("usage: node topic-scenarios.js <baseUrl[,baseUrl...]> <websocket|polling|upgrade> <engineKey>");
  process.exit(2);
}
const nodes = urls.split(",").map((url) => url.replace(/\/+$/, ""));
const WAIT_MS = 5000;
const SETTLE_MS = 400; // long enough for a duplicate to arrive
const RUN = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
let counter = 0;
const id = (name) => `${name}.js-${mode}.${RUN}.${++counter}`;
const node = (i) => nodes[i % nodes.length];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connected socket of `participant` on node i, recording the tags of the messages it receives. */
async function member(i, participant) {
  const socket = io(node(i), { forceNew: true, reconnection: false, timeout: WAIT_MS, auth: { token: participant },
    ...TRANSPORT_OPTIONS[mode] });
  opened.push(socket);
  const tags = [];
  socket.on("message", (message) => tags.push(message.data.tag));
  const session = await new Promise((resolve, reject) => {
    socket.once("session", resolve);
    socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
  });
  return { socket, tags, session };
}

async function engine(i, method, path, body) {
  const response = await fetch(node(i) + path, {
    method,
    headers: { Authorization: `Bearer ${ENGINE_KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function join(i, topic, ...participants) {
  for (const participant of participants) {
    const { status, body } = await engine(i, "PUT", `/topics/${topic}/members/${participant}`);
    assert.equal(status, 200, JSON.stringify(body));
  }
}

async function publish(i, to, tag, extra = {}) {
  const { status, body } = await engine(i, "POST", "/messages", { event: { id: tag, type: "engine.note" }, to,
    data: { tag }, ...extra });
  assert.equal(status, 202, JSON.stringify(body));
}

/** Waits until `tags` holds as many as expected, lets duplicates arrive, then compares. */
async function received(tags, expected, who) {
  const deadline = Date.now() + WAIT_MS;
  while (tags.length < expected.length && Date.now() < deadline) await sleep(20);
  await sleep(SETTLE_MS);
  assert.deepEqual(tags, expected, who);
}

await runScenarios({
  "member-on-every-node": async () => {
    const topic = id("room");
    const members = [];
    for (let i = 0; i < 3; i++) members.push(await member(i, id("m")));
    const outsider = await member(0, id("outsider"));
    for (let i = 0; i < 3; i++) await join(i + 1, topic, members[i].session.participantId);
    await publish(2, [{ topic }], "t1");
    await publish(1, [{ topic }], "t2");
    for (const m of members) await received(m.tags, ["t1", "t2"], m.session.nodeId);
    assert.deepEqual(outsider.tags, []);
  },
  "joined-before-connecting": async () => {
    const topic = id("room");
    const participant = id("late");
    await join(0, topic, participant);
    const m = await member(1, participant);
    await publish(2, [{ topic }], "right-after-connect");
    await received(m.tags, ["right-after-connect"], "late member");
  },
  "mixed-entries-once": async () => {
    const [t, u, participant] = [id("t"), id("u"), id("both")];
    const phone = await member(0, participant);
    const laptop = await member(1, participant);
    await join(2, t, participant);
    await join(2, u, participant);
    await publish(0, [{ topic: t }, { topic: u }, { participantId: participant },
      { participantId: participant, sessionId: phone.session.sessionId }], "mixed");
    await received(phone.tags, ["mixed"], "phone");
    await received(laptop.tags, ["mixed"], "laptop");
  },
  "exclude-the-sender": async () => {
    const [topic, sender, other] = [id("room"), id("sender"), id("other")];
    const senderPhone = await member(0, sender);
    const senderLaptop = await member(1, sender);
    const otherPhone = await member(2, other);
    await join(0, topic, sender, other);
    await publish(1, [{ topic }], "not-to-myself", { exclude: [{ sessionId: senderPhone.session.sessionId }] });
    await received(otherPhone.tags, ["not-to-myself"], "other");
    await received(senderLaptop.tags, ["not-to-myself"], "sender's laptop");
    assert.deepEqual(senderPhone.tags, []);
  },
  "leave-stops-delivery": async () => {
    const [topic, participant] = [id("room"), id("leaver")];
    const m = await member(1, participant);
    await join(0, topic, participant);
    const left = await engine(2, "DELETE", `/topics/${topic}/members/${participant}`);
    assert.deepEqual(left.body, { ok: true, left: true });
    await publish(0, [{ topic }], "after-leave");
    await publish(0, [{ participantId: participant }], "marker");
    await received(m.tags, ["marker"], "left member");
  },
}, { mode: `${mode}, ${nodes.length} node(s)`, timeoutMs: 20000 });
