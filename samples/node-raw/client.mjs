#!/usr/bin/env node
// A client of the session server's raw WebSocket endpoint (/ws): JSON text frames {type, request_id, payload, ts}.
// It says hello, sends one Event, prints every frame, and reconnects with exponential backoff (1 s doubling up to
// 60 s, reset after a hello_ack) whenever the connection closes or fails.
//
//   node client.mjs [URL] [TOKEN] [--once]
//   URL=ws://localhost:3000/ws TOKEN=alice ONCE=1 node client.mjs
//
// --once (or ONCE=1): exit 0 after the echo of our event arrives (the embedded echo engine sends it back).

import WebSocket from "ws";
import { randomUUID } from "node:crypto";
import { nextDelay } from "./backoff.mjs";

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith("--"));
const url = positional[0] ?? process.env.URL ?? "ws://localhost:3000/ws";
const token = positional[1] ?? process.env.TOKEN ?? "alice";
const once = args.includes("--once") || process.env.ONCE === "1";

let attempt = 0; // failed connections since the last hello_ack
let sent = 0; // events sent, for request ids
let stopping = false;

function log(line) {
  console.log(`${new Date().toISOString()} ${line}`);
}

function connect() {
  log(`connecting to ${url}`);
  const ws = new WebSocket(url);
  let eventId = null;

  const send = (frame) => {
    const text = JSON.stringify(frame);
    log(`> ${text}`);
    ws.send(text);
  };

  ws.on("open", () => {
    send({ type: "hello", request_id: "hello-1", payload: { token, proxy: false, client_meta: { client: "node-raw-sample" } } });
  });

  ws.on("message", (data, isBinary) => {
    if (isBinary) {
      log(`< (binary frame, ${data.length} bytes, ignored)`);
      return;
    }
    const text = data.toString("utf8");
    log(`< ${text}`);
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      log("  (not JSON, ignored)");
      return;
    }
    switch (frame.type) {
      case "hello_ack": {
        attempt = 0; // a good connection: the next drop starts the backoff over at 1 s
        const s = frame.payload;
        log(`hello_ack: participant ${s.participantId}, session ${s.sessionId}, channel ${s.channelId}, node ${s.nodeId}, proxy ${s.proxy}`);
        eventId = `evt_${randomUUID()}`;
        sent += 1;
        send({
          type: "message",
          request_id: `req-${sent}`,
          payload: {
            id: eventId,
            type: "user.action",
            source: { id: s.participantId },
            timestamp: new Date().toISOString(),
            data: { text: "hello from the node raw sample" },
          },
        });
        break;
      }
      case "ack":
        if (frame.payload?.ok) {
          log(`ack ${frame.request_id}: accepted as ${frame.payload.id}`);
        } else {
          log(`ack ${frame.request_id}: refused ${frame.payload?.error?.code}: ${frame.payload?.error?.message}`);
        }
        break;
      case "message":
        log(`message from the engine: event ${frame.payload?.event?.id ?? "-"}, data ${JSON.stringify(frame.payload?.data)}`);
        if (once && frame.payload?.event?.id === eventId) {
          log("got the echo of our event; --once: done");
          stopping = true;
          ws.close(1000, "done");
        }
        break;
      case "error":
        log(`error ${frame.payload?.code}: ${frame.payload?.message}`);
        break;
      default:
        break;
    }
  });

  ws.on("error", (err) => {
    log(`connection error: ${err.message}`); // "close" follows
  });

  ws.on("close", (code, reason) => {
    log(`closed: ${code}${reason.length ? ` ${reason.toString()}` : ""}`);
    if (stopping) {
      process.exit(0);
    }
    const delay = nextDelay(attempt);
    attempt += 1;
    log(`reconnecting in ${delay} ms (attempt ${attempt})`);
    setTimeout(connect, delay);
  });
}

process.on("SIGINT", () => {
  stopping = true;
  process.exit(0);
});

connect();
