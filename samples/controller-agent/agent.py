#!/usr/bin/python3
"""A cluster agent written for a controller-style agent gateway: it dials /api/v1/clusters/agent/ws with its cluster
token, registers (register -> register_success, matched by request_id), then sends a heartbeat every interval and a
status update, each JSON frame {type, request_id, payload, timestamp} with an ISO-8601 timestamp. It answers the
gateway's WebSocket pings (websocket-client does) and sends an application-level ping too.

    /usr/bin/python3 agent.py [BASE_URL]       (default ws://localhost:3000)

Environment: CLUSTER_TOKEN (ct-demo-cluster), HEARTBEAT_INTERVAL_S (30), AUTH (query: ?token=, the gateway's
recommended way; header: Authorization: Bearer), HEARTBEATS (0 = forever; n: exit 0 once n heartbeats were
acknowledged). Every frame is printed, "> json" sent and "< json" received.
"""

import datetime
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
import uuid

import websocket

BASE = next((a for a in sys.argv[1:] if not a.startswith("--")), "ws://localhost:3000")
TOKEN = os.environ.get("CLUSTER_TOKEN", "ct-demo-cluster")
INTERVAL_S = float(os.environ.get("HEARTBEAT_INTERVAL_S", "30"))
AUTH = os.environ.get("AUTH", "query")
HEARTBEATS = int(os.environ.get("HEARTBEATS", "0"))

state = {"acks": 0, "exit": 1, "stop": threading.Event()}


def timestamp():
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def request_id():
    return "req_%d_%s" % (int(time.time() * 1000), uuid.uuid4().hex[:6])


def send(ws, kind, payload, with_request_id=True):
    frame = {"type": kind, "payload": payload, "timestamp": timestamp()}
    if with_request_id:
        frame["request_id"] = request_id()
    text = json.dumps(frame, separators=(",", ":"))
    print("> " + text, flush=True)
    ws.send(text)


def metrics():
    return {"tunnel_status": "connected", "status": "available",
            "metadata": {"version": "1.0.0", "k8s_nodes": 3, "k8s_pods": 25}}


def heartbeat(ws):
    while not state["stop"].wait(INTERVAL_S):
        send(ws, "heartbeat", metrics(), with_request_id=False)


def on_open(ws):
    print("connected to the controller", flush=True)
    send(ws, "register", {"agent_id": "my-agent-123", "name": "my-cluster", "k8s_version": "1.27.0",
                          "hostname": socket.gethostname(), "agent_version": "1.0.0",
                          "labels": {"environment": "staging"}})


def on_message(ws, text):
    print("< " + text, flush=True)
    message = json.loads(text)
    kind = message.get("type")
    payload = message.get("payload") or {}
    if kind == "register_success":
        print("registration successful: %s" % json.dumps(payload), flush=True)
        send(ws, "status", metrics())
        send(ws, "ping", {})
        threading.Thread(target=heartbeat, args=(ws,), daemon=True).start()
    elif kind == "heartbeat_ack":
        state["acks"] += 1
        print("heartbeat acknowledged", flush=True)
        if HEARTBEATS and state["acks"] >= HEARTBEATS + 1:  # the status update's ack, then the heartbeats'
            state["exit"] = 0
            state["stop"].set()
            ws.close()
    elif kind == "pong":
        print("pong received", flush=True)
    elif kind == "error":
        print("error from controller: %s" % payload, flush=True)
    else:
        print("unknown message type: %s" % kind, flush=True)


def main():
    url = BASE.rstrip("/") + "/api/v1/clusters/agent/ws"
    headers = []
    if AUTH == "header":
        headers.append("Authorization: Bearer " + TOKEN)
    else:
        url += "?token=" + urllib.parse.quote(TOKEN)
    ws = websocket.WebSocketApp(url, header=headers, on_open=on_open, on_message=on_message,
                                on_close=lambda *_: state["stop"].set())
    ws.run_forever()
    return state["exit"] if HEARTBEATS else 0


if __name__ == "__main__":
    sys.exit(main())
