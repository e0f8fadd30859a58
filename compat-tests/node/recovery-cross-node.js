// Connection state recovery across nodes: the client reconnects to another node (as behind a load balancer) and
// gets the messages it missed, through Redis. Usage: node recovery-cross-node.js <node1Url> <node2Url> <engineKey> <transport>
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const [node1, node2, engineKey, transport] = process.argv.slice(2);
const participant = `roam-${transport}-${Math.random().toString(36).slice(2, 8)}`;

async function post(base, n) {
  const response = await fetch(`${base}/messages`, {
    method: "POST", headers: { authorization: `Bearer ${engineKey}` },
    body: JSON.stringify({ to: [{ participantId: participant }], data: { n } }),
  });
  assert.equal(response.status, 202);
}
const next = (socket, event) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no ${event}`)), 8000);
  socket.once(event, (...args) => { clearTimeout(timer); resolve(args); });
});
async function until(condition, what) {
  const deadline = Date.now() + 8000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
function client(url, autoConnect) {
  const socket = io(url, { auth: { token: participant, recovery: true }, transports: [transport], forceNew: true,
    reconnection: false, autoConnect });
  socket.received = [];
  socket.on("message", (m) => socket.received.push(m.data.n));
  return socket;
}

const first = client(node1, true);
await next(first, "connect");
const firstId = first.id; // socket.io-client forgets it on disconnect
await post(node1, 1);
await until(() => first.received.length === 1, "message 1 on node 1");
const gone = next(first, "disconnect");
first.io.engine.close();
await gone;
await post(node2, 2);
await post(node1, 3);

// What socket.io-client does when it reconnects, but to the other node.
const second = client(node2, false);
second._pid = first._pid;
second._lastOffset = first._lastOffset;
const back = next(second, "connect");
second.connect();
await back;
assert.equal(second.recovered, true, "socket.recovered on the other node");
assert.equal(second.id, firstId, "the same session id");
await post(node1, 4);
await until(() => second.received.length === 3, "messages 2, 3, 4 on node 2");
assert.deepEqual(second.received, [2, 3, 4]);
second.close();
console.log("ok recovered on the other node with the missed messages in order");
