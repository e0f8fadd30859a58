#!/usr/bin/python3
"""An Ingress-style client, as written for an agent-platform ingress gateway: it says hello with an api_key, its own
session_id, client_meta and an epoch-millisecond ts, reads hello_ack's session_id, invokes an agent and follows the
run: run_started, a delta per chunk of text, approval_required (answered with approval_decision), done.

    /usr/bin/python3 client.py [URL]       (default ws://localhost:3000/ws)

Environment: API_KEY (sk-ingress-demo), SESSION_ID (sess_001). Uses Debian's python3-websocket (websocket-client).
Every frame is printed as it goes, "> json" sent and "< json" received. Exits 0 after done, 1 on an error frame or a
close before it.
"""

import json
import os
import sys
import time

import websocket

URL = next((a for a in sys.argv[1:] if not a.startswith("--")), "ws://localhost:3000/ws")
API_KEY = os.environ.get("API_KEY", "sk-ingress-demo")
SESSION_ID = os.environ.get("SESSION_ID", "sess_001")

state = {"session_id": None, "text": [], "exit": 1, "requests": 0}


def now_ms():
    return int(time.time() * 1000)


def send(ws, frame):
    frame["ts"] = now_ms()
    text = json.dumps(frame, separators=(",", ":"))
    print("> " + text, flush=True)
    ws.send(text)


def request_id():
    state["requests"] += 1
    return "r%d" % state["requests"]


def on_open(ws):
    send(ws, {"type": "hello", "api_key": API_KEY, "session_id": SESSION_ID,
              "client_meta": {"app": "cli", "sdk": "ingress-client-sample", "version": "1.0.0"}})


def on_message(ws, text):
    print("< " + text, flush=True)
    frame = json.loads(text)
    kind = frame.get("type")
    payload = frame.get("payload") or {}
    if "ts" in frame:  # the gateway stamps epoch milliseconds, as this client does
        lag = now_ms() - int(frame["ts"])
        if abs(lag) > 60000:
            print("clock skew of %d ms?" % lag, flush=True)
    if kind == "hello_ack":
        state["session_id"] = frame["session_id"]
        print("session %s" % state["session_id"], flush=True)
        send(ws, {"type": "agent_invoke", "request_id": request_id(), "session_id": state["session_id"],
                  "payload": {"agent_id": "agentA", "message": {"role": "user", "content": "what is the answer?"}}})
    elif kind == "run_started":
        print("run %s started" % payload.get("runId"), flush=True)
    elif kind == "delta":
        state["text"].append(payload.get("text", ""))
    elif kind == "approval_required":
        print("approving tool %s of run %s" % (payload.get("tool"), payload.get("runId")), flush=True)
        send(ws, {"type": "approval_decision", "request_id": request_id(), "session_id": state["session_id"],
                  "payload": {"runId": payload.get("runId"), "approved": True}})
    elif kind == "done":
        print('run %s done: streamed "%s", final "%s"' % (payload.get("runId"), " ".join(state["text"]),
                                                          payload.get("text")), flush=True)
        state["exit"] = 0
        ws.close()
    elif kind == "error":
        print("error: %s" % payload, flush=True)
        ws.close()
    elif kind == "ack" and not payload.get("ok", False):
        print("refused: %s" % payload, flush=True)
        ws.close()


def on_error(ws, error):
    print("error: %s" % error, flush=True)


def main():
    ws = websocket.WebSocketApp(URL, on_open=on_open, on_message=on_message, on_error=on_error)
    ws.run_forever()
    return state["exit"]


if __name__ == "__main__":
    sys.exit(main())
