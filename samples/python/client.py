#!/usr/bin/python3
"""A Python client of the session server, with python-socketio 5.x (Debian: apt-get install python3-socketio).

    /usr/bin/python3 client.py [URL] [TOKEN] [--once] [--proxy]      (defaults: http://localhost:3000 alice)

It connects as the participant TOKEN (AUTH_MODE=token: the token is the participant id), prints the `session` event,
sends one Event with an ack, and prints the ack and every `message` (the echo engine sends the event back to every
connection of the participant, on every device). Then each line typed on stdin is sent as another event.
--once: exit 0 as soon as the ack and the echo of the first event are in (exit 1 after 10 s, or when refused).
--proxy: connect in proxy mode (receive every message addressed to the participant, whatever session it names).
Output lines: `session <json>`, `send <json>`, `ack <json>`, `message <json>`, `error <json>`, `connect_error <json>`.
"""

import datetime
import json
import sys
import threading
import uuid

import socketio


_out_lock = threading.Lock()


def out(what, value=None):
    """One whole line: acks arrive on the main thread, messages on the client's, sometimes in the same instant."""
    line = what if value is None else "%s %s" % (what, json.dumps(value, separators=(",", ":")))
    with _out_lock:
        print(line, flush=True)


def new_event(participant_id, text):
    """An Event as DESIGN.md has it; source.id must be the authenticated participant."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"id": "evt_" + uuid.uuid4().hex[:16], "type": "user.action", "source": {"id": participant_id},
            "timestamp": now, "data": {"text": text}}


def main(argv):
    flags = {a for a in argv if a.startswith("--")}
    unknown = flags - {"--once", "--proxy"}
    if unknown:
        print(__doc__, file=sys.stderr)
        return 2
    positional = [a for a in argv if not a.startswith("--")]
    url = positional[0] if len(positional) > 0 else "http://localhost:3000"
    token = positional[1] if len(positional) > 1 else "alice"
    once = "--once" in flags
    proxy = "--proxy" in flags

    sio = socketio.Client(reconnection=not once)
    state = {"participant": token, "first": None, "acked": False, "echoed": False, "failed": False}
    done = threading.Event()

    def send(event):
        out("send", event)

        def on_ack(ack):
            out("ack", ack)  # {"ok": true, "id"} or {"ok": false, "error": {code, message}}
            if event["id"] == state["first"]:
                state["acked"] = True
                if not ack.get("ok"):
                    state["failed"] = True
                    done.set()
                elif state["echoed"]:
                    done.set()

        sio.emit("message", event, callback=on_ack)

    @sio.on("session")
    def on_session(session):
        out("session", session)  # {participantId, sessionId, channelId, nodeId, proxy}
        state["participant"] = session["participantId"]
        if state["first"] is None:
            event = new_event(state["participant"], "hello from Python")
            state["first"] = event["id"]
            # not from inside the handler's thread: emit with a callback from a background task
            sio.start_background_task(send, event)

    @sio.on("message")
    def on_message(message):
        out("message", message)  # {event, to, data}: the echo engine's reply, from this or another device
        if (message.get("event") or {}).get("id") == state["first"]:
            state["echoed"] = True
            if state["acked"]:
                done.set()

    @sio.on("error")
    def on_error(error):
        out("error", error)  # a refused event sent without an ack: {id, code, message}

    ready = threading.Event()  # set by the CONNECT reply or its refusal

    @sio.event
    def connect():
        ready.set()

    @sio.event
    def connect_error(data):
        out("connect_error", data)  # {"message": "unauthorized", "data": {"code": "unauthorized"}}
        if not ready.is_set():  # refused at the start: give up (later, while reconnecting, keep trying)
            state["failed"] = True
            ready.set()
            done.set()

    @sio.event
    def disconnect():
        out("disconnected")

    try:
        # wait=False, then our own wait: python-socketio 5.7 would otherwise sit out wait_timeout after a refusal
        sio.connect(url, auth={"token": token, "proxy": proxy}, wait=False)
    except socketio.exceptions.ConnectionError as e:  # no server there (refusals come to connect_error)
        if not state["failed"]:
            out("connect_error", {"message": str(e)})
        return 1
    if not ready.wait(10) or state["failed"]:
        if not ready.is_set():
            out("no CONNECT reply within 10 s")
        sio.disconnect()
        return 1
    try:
        if once:
            finished = done.wait(10)
            if not finished:
                out("no ack and echo within 10 s")
            return 0 if finished and not state["failed"] else 1
        for line in sys.stdin:  # stays connected; each line is an event
            if line.strip() and sio.connected:
                send(new_event(state["participant"], line.rstrip("\n")))
        sio.wait()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        sio.disconnect()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
