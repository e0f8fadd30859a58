#!/usr/bin/env node
// An agent of an agent gateway on the raw WebSocket endpoint (/ws), against `java -jar samples.jar agent-engine` and
// a server started with CLIENT_EVENTS=*: it registers (register -> register_success, matched by request_id), invokes
// a run (agent_invoke -> run_started, delta..., approval_required), approves the tool (approval_decision) and prints
// the run's end (done). Every frame it sends or receives is printed as "> json" or "< json".
//
//   node agent.mjs [URL] [TOKEN]      (defaults ws://localhost:3000/ws and agent-7)
//
// Exits 0 after done and the ack of every frame it sent (an ack comes once the engine bus holds the frame, which may
// be after the engine's answer to it), 1 on an error frame or a close before that.

import WebSocket from "ws";

const [url = "ws://localhost:3000/ws", token = "agent-7"] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
let text = "";
let done = false;
const unacked = new Set();

const finishOnceAcked = () => {
  if (done && unacked.size === 0) {
    ws.close(1000);
    process.exitCode = 0;
  }
};

const send = (type, requestId, payload) => {
  const frame = JSON.stringify({ type, request_id: requestId, payload });
  console.log(`> ${frame}`);
  unacked.add(requestId);
  ws.send(frame);
};

ws.on("message", (data) => {
  const frame = JSON.parse(data.toString());
  console.log(`< ${JSON.stringify(frame)}`);
  switch (frame.type) {
    case "hello_ack":
      send("register", "reg-1", { name: token, capabilities: ["search"] });
      break;
    case "register_success":
      send("agent_invoke", "inv-1", { prompt: "what is the answer?" });
      break;
    case "delta":
      text += (text ? " " : "") + frame.payload.text;
      break;
    case "approval_required":
      send("approval_decision", "dec-1", { runId: frame.payload.runId, approved: true });
      break;
    case "done":
      console.log(`run ${frame.payload.runId} done: streamed "${text}", final "${frame.payload.text}"`);
      done = true;
      finishOnceAcked();
      break;
    case "ack":
      unacked.delete(frame.request_id);
      finishOnceAcked();
      break;
    case "error":
      process.exitCode = 1;
      ws.close(1000);
      break;
    default: // run_started
  }
});
ws.on("close", () => {
  if (process.exitCode === undefined) process.exitCode = 1;
});
ws.on("error", (error) => {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
});
