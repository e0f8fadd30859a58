#!/usr/bin/python3
"""A client of the session server's raw WebSocket endpoint (/ws), with Debian's python3-websocket (websocket-client).

JSON text frames {type, request_id, payload, ts}. It says hello, sends one Event, prints every frame, and reconnects
with exponential backoff (1 s doubling up to 60 s, reset after a hello_ack) whenever the connection closes or fails.

    /usr/bin/python3 client.py [URL] [TOKEN] [--once]
    URL=ws://localhost:3000/ws TOKEN=alice ONCE=1 /usr/bin/python3 client.py

--once (or ONCE=1): exit 0 after the echo of our event arrives (the embedded echo engine sends it back).
"""

import datetime
import json
import os
import sys
import time
import uuid

BASE_DELAY_S = 1.0
MAX_DELAY_S = 60.0


def next_delay(attempt):
    """The delay in seconds before reconnection attempt number `attempt` (0 for the first retry after a drop):
    1 * 2**attempt, at most 60. The client resets `attempt` to 0 once a connection got its hello_ack."""
    if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 0:
        raise ValueError("attempt must be a non-negative integer, got %r" % (attempt,))
    if attempt >= 6:  # 2**6 s = 64 s is already over the cap
        return MAX_DELAY_S
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** attempt)


def log(line):
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
    print("%s %s" % (now, line), flush=True)


class Client:
    def __init__(self, url, token, once):
        self.url = url
        self.token = token
        self.once = once
        self.attempt = 0  # failed connections since the last hello_ack
        self.sent = 0
        self.event_id = None
        self.done = False

    def send(self, ws, frame):
        text = json.dumps(frame, separators=(",", ":"))
        log("> " + text)
        ws.send(text)

    def on_open(self, ws):
        self.send(ws, {"type": "hello", "request_id": "hello-1",
                       "payload": {"token": self.token, "proxy": False,
                                   "client_meta": {"client": "python-raw-sample"}}})

    def on_message(self, ws, text):
        if isinstance(text, bytes):
            log("< (binary frame, %d bytes, ignored)" % len(text))
            return
        log("< " + text)
        try:
            frame = json.loads(text)
        except ValueError:
            log("  (not JSON, ignored)")
            return
        kind = frame.get("type")
        payload = frame.get("payload") or {}
        if kind == "hello_ack":
            self.attempt = 0  # a good connection: the next drop starts the backoff over at 1 s
            log("hello_ack: participant %s, session %s, channel %s, node %s, proxy %s" % (
                payload.get("participantId"), payload.get("sessionId"), payload.get("channelId"),
                payload.get("nodeId"), payload.get("proxy")))
            self.event_id = "evt_" + str(uuid.uuid4())
            self.sent += 1
            now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
            self.send(ws, {"type": "message", "request_id": "req-%d" % self.sent,
                           "payload": {"id": self.event_id, "type": "user.action",
                                       "source": {"id": payload.get("participantId")},
                                       "timestamp": now.replace("+00:00", "Z"),
                                       "data": {"text": "hello from the python raw sample"}}})
        elif kind == "ack":
            if payload.get("ok"):
                log("ack %s: accepted as %s" % (frame.get("request_id"), payload.get("id")))
            else:
                error = payload.get("error") or {}
                log("ack %s: refused %s: %s" % (frame.get("request_id"), error.get("code"), error.get("message")))
        elif kind == "message":
            event = payload.get("event") or {}
            log("message from the engine: event %s, data %s" % (
                event.get("id", "-"), json.dumps(payload.get("data"), separators=(",", ":"))))
            if self.once and event.get("id") == self.event_id:
                log("got the echo of our event; --once: done")
                self.done = True
                ws.close(status=1000)
        elif kind == "error":
            log("error %s: %s" % (payload.get("code"), payload.get("message")))

    def on_error(self, ws, error):
        log("connection error: %s" % (error,))

    def on_close(self, ws, code=None, reason=None):
        log("closed: %s%s" % (code, (" " + reason) if reason else ""))

    def run(self):
        import websocket  # Debian: python3-websocket

        while True:
            log("connecting to " + self.url)
            ws = websocket.WebSocketApp(self.url, on_open=self.on_open, on_message=self.on_message,
                                        on_error=self.on_error, on_close=self.on_close)
            # the server sends WebSocket pings; websocket-client answers them with pongs by itself
            ws.run_forever()
            if self.done:
                return 0
            delay = next_delay(self.attempt)
            self.attempt += 1
            log("reconnecting in %d ms (attempt %d)" % (delay * 1000, self.attempt))
            time.sleep(delay)


def main(argv):
    positional = [a for a in argv if not a.startswith("--")]
    url = positional[0] if len(positional) > 0 else os.environ.get("URL", "ws://localhost:3000/ws")
    token = positional[1] if len(positional) > 1 else os.environ.get("TOKEN", "alice")
    once = "--once" in argv or os.environ.get("ONCE") == "1"
    try:
        return Client(url, token, once).run()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
