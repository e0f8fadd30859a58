#!/usr/bin/env python3
"""An engine of an agent gateway in Python, over Redis only (Debian's python3-redis): what
`java -jar samples.jar agent-engine` does, for engine authors who start from Python.

It reads the session server's inbound stream with a consumer group (at least once: an entry is XACKed after it was
handled) and answers on the routed channels of the Redis contract: a Message is SPUBLISHed once on the sharded
channel of each participant (and topic) it names. With a server started with CLIENT_EVENTS='*':
  register           -> register_success, with the frame's request_id
  heartbeat, status  -> heartbeat_ack (a cluster agent's)
  agent_invoke       -> run_started, a delta per word, approval_required
  approval_decision  -> done
  a `message` Event  -> a Message per word to the session it came from, the last one "final" (POST /event?wait)

    REDIS_URL=redis://localhost:6379 /usr/bin/python3 samples/python-engine/engine.py

Environment: REDIS_URL (redis://localhost:6379), REDIS_PREFIX (sio:), ENGINE_GROUP (py-engine), ENGINE_CONSUMER
(py-1). Stops on SIGTERM or Ctrl-C.
"""
import datetime
import json
import os
import signal
import sys

import redis

ANSWER = "the answer is forty-two"

url = os.environ.get("REDIS_URL", "redis://localhost:6379")
prefix = os.environ.get("REDIS_PREFIX", "sio:")
group = os.environ.get("ENGINE_GROUP", "py-engine")
consumer = os.environ.get("ENGINE_CONSUMER", "py-1")
stream = prefix + "engine:in"
r = redis.Redis.from_url(url, decode_responses=True)
runs = {}  # run id -> the envelope that started it, while its approval is awaited
running = True


def channel_of(entry):
    """The sharded channel of a `to` entry: its topic's, or its participant's whatever session it names."""
    if "topic" in entry:
        return f"{prefix}topic:{{{entry['topic']}}}:out"
    return f"{prefix}participant:{{{entry['participantId']}}}:out"


def publish(message):
    """Once on the channel of each audience the message names (SPUBLISH: python3-redis 4.3 has no spublish)."""
    text = json.dumps(message)
    for channel in dict.fromkeys(channel_of(entry) for entry in message["to"]):
        r.execute_command("SPUBLISH", channel, text)


def to_session(envelope):
    return [{"participantId": envelope["participantId"], "sessionId": envelope["sessionId"]}]


def push(envelope, name, data, answering=False):
    """A named push to the session the envelope came from; `answering` gives it the frame's request_id back."""
    message = {"name": name, "to": to_session(envelope), "data": data}
    if answering and envelope.get("requestId") is not None:
        message["requestId"] = envelope["requestId"]
    publish(message)


def handle(envelope):
    name = envelope.get("name")
    payload = envelope.get("payload") or {}
    if name is None:  # a `message` Event: answer word by word, the last Message final
        words = ANSWER.split(" ")
        for i, word in enumerate(words):
            message = {"event": envelope["event"], "to": to_session(envelope), "data": {"delta": word}}
            if i == len(words) - 1:
                message["final"] = True
            publish(message)
    elif name == "register":
        push(envelope, "register_success", {"agentId": payload.get("name", envelope["participantId"])}, True)
    elif name in ("heartbeat", "status"):
        push(envelope, "heartbeat_ack", {"received_at": datetime.datetime.now(datetime.timezone.utc).isoformat()},
             True)
    elif name == "agent_invoke":
        run_id = f"py-run-{len(runs) + 1}"
        push(envelope, "run_started", {"runId": run_id}, True)
        for word in ANSWER.split(" "):
            push(envelope, "delta", {"runId": run_id, "text": word})
        runs[run_id] = envelope
        push(envelope, "approval_required", {"runId": run_id, "tool": "search"})
    elif name == "approval_decision":
        started = runs.pop(payload.get("runId"), None)
        if started is not None:
            approved = bool(payload.get("approved"))
            push(started, "done", {"runId": payload["runId"], "approved": approved,
                                   "text": ANSWER if approved else "no tool, no answer"})


def stop(*_):
    global running
    running = False


def main():
    signal.signal(signal.SIGTERM, stop)
    try:
        r.xgroup_create(stream, group, id="$", mkstream=True)
    except redis.ResponseError as e:
        if "BUSYGROUP" not in str(e):
            raise
    print(f"python engine reading {stream} as {group}/{consumer}", flush=True)
    while running:
        for _, entries in r.xreadgroup(group, consumer, {stream: ">"}, count=100, block=500) or []:
            for entry_id, fields in entries:
                handle(json.loads(fields["envelope"]))
                r.xack(stream, group, entry_id)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
