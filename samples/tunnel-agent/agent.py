#!/usr/bin/python3
"""A gateway's tunnel agent: it connects with its tunnel id as its token, says what it is in client_meta, and serves
the requests the gateway forwards to it by calling a local service and sending back what it answered.

    /usr/bin/python3 agent.py [URL]       (default ws://localhost:3000/ws)

Environment: TUNNEL_ID (tun_8f3a2c), LOCAL_URL (http://127.0.0.1:9000). Each forwarded request arrives as
{"type":"request","request_id","payload":{"event":"http_request","data":{"method","path","headers"?,"body"?}}}; the
agent answers {"type":"response","request_id","payload":{"status","headers","body"}} (status 502 when the local
service cannot be reached). Every frame is printed, "> json" sent and "< json" received. Runs until the connection
closes or Ctrl-C.
"""

import datetime
import json
import os
import sys
import urllib.error
import urllib.request

import websocket

URL = next((a for a in sys.argv[1:] if not a.startswith("--")), "ws://localhost:3000/ws")
TUNNEL_ID = os.environ.get("TUNNEL_ID", "tun_8f3a2c")
LOCAL_URL = os.environ.get("LOCAL_URL", "http://127.0.0.1:9000").rstrip("/")


def send(ws, frame):
    text = json.dumps(frame, separators=(",", ":"))
    print("> " + text, flush=True)
    ws.send(text)


def forward(request):
    """Calls the local service; its answer (or a 502) as {status, headers, body}."""
    body = request.get("body")
    call = urllib.request.Request(LOCAL_URL + request.get("path", "/"), method=request.get("method", "GET"),
                                  headers=request.get("headers") or {},
                                  data=body.encode("utf-8") if body is not None else None)
    try:
        with urllib.request.urlopen(call, timeout=10) as answer:
            return {"status": answer.status, "headers": {"content-type": answer.headers.get("content-type")},
                    "body": answer.read().decode("utf-8", "replace")}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "headers": {}, "body": e.read().decode("utf-8", "replace")}
    except OSError as e:
        return {"status": 502, "headers": {}, "body": "local service unreachable: %s" % e}


def on_open(ws):
    send(ws, {"type": "hello", "token": TUNNEL_ID,
              "ts": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
              "client_meta": {"agent": "tunnel-agent", "version": "0.3.1", "local": LOCAL_URL}})


def on_message(ws, text):
    print("< " + text, flush=True)
    frame = json.loads(text)
    if frame.get("type") == "hello_ack":
        print("tunnel %s up, session %s" % (TUNNEL_ID, frame.get("session_id")), flush=True)
    elif frame.get("type") == "request":
        payload = frame.get("payload") or {}
        if payload.get("event") == "http_request":
            answer = forward(payload.get("data") or {})
        else:
            answer = {"status": 400, "headers": {}, "body": "unknown request %s" % payload.get("event")}
        send(ws, {"type": "response", "request_id": frame["request_id"], "payload": answer})
    elif frame.get("type") == "error":
        print("error: %s" % frame.get("payload"), flush=True)


def main():
    ws = websocket.WebSocketApp(URL, on_open=on_open, on_message=on_message)
    try:
        ws.run_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
