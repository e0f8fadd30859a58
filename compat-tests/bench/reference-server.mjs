// The reference server of the benchmark: plain Node socket.io 4.x doing the same work as the session server for
// the benchmark's scenarios, so that one load generator can drive both.
//
//   token auth from auth.token (the token is the participant id)  -> socket joins a room named by it
//   emits `session` {participantId, sessionId, channelId, nodeId, proxy} on connect
//   `message` events: field checks as the session server does, then the envelope is "handed to the bus"
//   (built and dropped: the session server benchmarks with ENGINE=discard), ack {ok:true,id} or {ok:false,error}
//   POST /messages (Authorization: Bearer ENGINE_KEY): the Message goes to the rooms of the participants in `to`,
//   and a {"topic":"t"} entry to room t (io.to(room).emit, socket.io's own group)
//   POST /topics/{t}/members {"add":[ids]} (engine key): the sockets of those participants join room t
//   REDIS_URL set: @socket.io/redis-adapter, so several nodes deliver each other's broadcasts (REDIS_ADAPTER=sharded:
//   its sharded adapter, createShardedAdapter with subscriptionMode "dynamic")
//   GET /bench/heap: runs a full GC (node --expose-gc) and answers process.memoryUsage(): the bench's "heap after GC"
//
// Env: PORT (3000), NODE_ID, ENGINE_KEY, REDIS_URL, REDIS_CLUSTER (true: REDIS_URL lists cluster seeds),
// REDIS_ADAPTER (classic|sharded), MAX_MESSAGE_SIZE (65536).
import http from "node:http";
import { Server } from "socket.io";

const PORT = Number(process.env.PORT || 3000);
const NODE_ID = process.env.NODE_ID || `node-ref-${process.pid}`;
const ENGINE_KEY = process.env.ENGINE_KEY || "";
const MAX_MESSAGE_SIZE = Number(process.env.MAX_MESSAGE_SIZE || 65536);
const PARTICIPANT_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const httpServer = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/messages") return postMessages(req, res);
  if (req.method === "POST" && /^\/topics\/[^/]+\/members$/.test(req.url)) return postMembers(req, res);
  if (req.method === "GET" && req.url === "/health") {
    return json(res, 200, { status: "ok", nodeId: NODE_ID, connections: io.engine.clientsCount });
  }
  if (req.method === "GET" && req.url === "/bench/heap") {
    if (typeof global.gc === "function") {
      global.gc();
      global.gc();
    }
    return json(res, 200, { ...process.memoryUsage(), gc: typeof global.gc === "function" });
  }
  json(res, 404, { ok: false, error: { code: "not_found", message: "no such route" } });
});
// Node closes an idle keep-alive connection after 5 s; the generator's POSTs reuse theirs after quiet times of 6 s and
// more (the scale mode's baseline), and one sent just as the server closed it failed the run (ECONNRESET, "socket
// hang up"). Ours keeps them open; so does the reference now.
httpServer.keepAliveTimeout = 120_000;
httpServer.headersTimeout = 121_000;

const io = new Server(httpServer, {
  transports: ["websocket", "polling"],
  cors: { origin: "*" },
  maxHttpBufferSize: Math.max(1e6, 2 * MAX_MESSAGE_SIZE),
});

io.use((socket, next) => {
  const token = socket.handshake.auth && socket.handshake.auth.token;
  if (typeof token !== "string" || !PARTICIPANT_ID.test(token)) {
    const err = new Error("unauthorized");
    err.data = { code: "unauthorized" };
    return next(err);
  }
  socket.data.participantId = token;
  next();
});

io.on("connection", (socket) => {
  const participantId = socket.data.participantId;
  socket.join(participantId);
  socket.emit("session", {
    participantId,
    sessionId: socket.id,
    channelId: socket.conn.id,
    nodeId: NODE_ID,
    proxy: false,
  });
  socket.on("message", (event, ack) => {
    const refusal = check(event, participantId);
    const id = event && typeof event.id === "string" ? event.id : null;
    if (refusal) {
      if (typeof ack === "function") ack({ ok: false, error: refusal });
      else socket.emit("error", { ...refusal, id });
      return;
    }
    handToBus({
      event,
      participantId,
      sessionId: socket.id,
      channelId: socket.conn.id,
      nodeId: NODE_ID,
      receivedAt: new Date().toISOString(),
    });
    if (typeof ack === "function") ack({ ok: true, id });
  });
});

function check(event, participantId) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) return invalid("event must be an object");
  for (const field of ["id", "type"]) {
    const v = event[field];
    if (typeof v !== "string" || v.length === 0 || v.length > 256) return invalid(`${field} must be a string of 1-256 chars`);
  }
  if (!event.source || typeof event.source.id !== "string") return invalid("source.id is required");
  if (typeof event.timestamp !== "string" || !ISO_8601.test(event.timestamp) || Number.isNaN(Date.parse(event.timestamp))) {
    return invalid("timestamp must be ISO-8601");
  }
  for (const field of ["thredId", "patternId"]) {
    if (event[field] !== undefined && typeof event[field] !== "string") return invalid(`${field} must be a string`);
  }
  if (Buffer.byteLength(JSON.stringify(event)) > MAX_MESSAGE_SIZE) {
    return { code: "too_large", message: `event over ${MAX_MESSAGE_SIZE} bytes` };
  }
  if (event.source.id !== participantId) return { code: "forbidden_source", message: "source.id is not you" };
  return null;
}

function invalid(message) {
  return { code: "invalid_event", message };
}

// The session server's embedded bus with ENGINE=discard queues the envelope to a thread that drops it.
let handed = 0;
function handToBus(envelope) {
  if (envelope) handed++;
}

function postMessages(req, res) {
  if (!ENGINE_KEY || req.headers.authorization !== `Bearer ${ENGINE_KEY}`) {
    req.resume();
    return json(res, 401, { ok: false, error: { code: "unauthorized", message: "engine key required" } });
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return json(res, 400, { ok: false, error: { code: "bad_request", message: "body is not JSON" } });
    }
    if (!message || !Array.isArray(message.to) || message.to.length === 0) {
      return json(res, 400, { ok: false, error: { code: "bad_request", message: "message.to must be a non-empty array" } });
    }
    const rooms = new Set();
    for (const entry of message.to) {
      if (entry && typeof entry.topic === "string" && PARTICIPANT_ID.test(entry.topic)) {
        rooms.add(`topic:${entry.topic}`);
        continue;
      }
      if (!entry || typeof entry.participantId !== "string" || !entry.participantId) {
        return json(res, 400, { ok: false, error: { code: "bad_request", message: "each to entry needs a participantId" } });
      }
      rooms.add(entry.participantId);
    }
    io.to([...rooms]).emit("message", message);
    json(res, 202, { ok: true });
  });
}

function postMembers(req, res) {
  if (!ENGINE_KEY || req.headers.authorization !== `Bearer ${ENGINE_KEY}`) {
    req.resume();
    return json(res, 401, { ok: false, error: { code: "unauthorized", message: "engine key required" } });
  }
  const topic = decodeURIComponent(req.url.split("/")[2]);
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return json(res, 400, { ok: false, error: { code: "bad_request", message: "body is not JSON" } });
    }
    const add = Array.isArray(body.add) ? body.add : [];
    io.in(add).socketsJoin(`topic:${topic}`);
    json(res, 200, { ok: true, added: add.length, removed: 0 });
  });
}

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function main() {
  if (process.env.REDIS_URL) {
    const { createClient, createCluster } = await import("redis");
    const { createAdapter, createShardedAdapter } = await import("@socket.io/redis-adapter");
    // REDIS_CLUSTER=true: REDIS_URL lists seed nodes of a Redis Cluster (as our server takes them)
    const pubClient = process.env.REDIS_CLUSTER === "true"
      ? createCluster({ rootNodes: process.env.REDIS_URL.split(",").map((url) => ({ url })) })
      : createClient({ url: process.env.REDIS_URL });
    const subClient = pubClient.duplicate();
    pubClient.on("error", (e) => console.error("redis pub:", e.message));
    subClient.on("error", (e) => console.error("redis sub:", e.message));
    await Promise.all([pubClient.connect(), subClient.connect()]);
    // REDIS_ADAPTER=sharded: its sharded adapter, one SPUBLISH channel per room ("dynamic"), as our routed delivery
    io.adapter(process.env.REDIS_ADAPTER === "sharded"
      ? createShardedAdapter(pubClient, subClient, { subscriptionMode: "dynamic" })
      : createAdapter(pubClient, subClient));
  }
  httpServer.listen(PORT, () => console.log(`reference socket.io server ${NODE_ID} on :${PORT} redis=${!!process.env.REDIS_URL}`
    + ` adapter=${process.env.REDIS_ADAPTER || "classic"}`));
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
