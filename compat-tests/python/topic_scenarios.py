#!/usr/bin/python3
"""Topic scenarios for python-socketio (Debian's 5.x) against one node or several (DESIGN.md "Topics"): members on
every node, membership made through one node and used through another, before or after connecting, at most once
across mixed entries, exclude, leave. Members connect to node i % n, engine calls go to other nodes.

Usage: /usr/bin/python3 topic_scenarios.py <baseUrl[,baseUrl...]> <websocket|polling|upgrade> <engineKey>
Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
"""
import itertools
import random
import sys
import threading
import time

import requests
import socketio

from scenario_runner import opened, run_scenarios

TRANSPORTS = {'websocket': ['websocket'], 'polling': ['polling'], 'upgrade': None}
if len(sys.argv) != 4 or sys.argv[2] not in TRANSPORTS:
    print('usage: topic_scenarios.py <baseUrl[,baseUrl...]> <websocket|polling|upgrade> <engineKey>', file=sys.stderr)
    sys.exit(2)
NODES = [url.rstrip('/') for url in sys.argv[1].split(',')]
MODE = sys.argv[2]
ENGINE_KEY = sys.argv[3]
WAIT = 5.0
SETTLE = 0.4  # long enough for a duplicate to arrive
RUN = '%04x' % random.randrange(0x10000)
_counter = itertools.count(1)


def pid(name):
    return '%s.py-%s.%s.%d' % (name, MODE, RUN, next(_counter))


def node(i):
    return NODES[i % len(NODES)]


class Member:
    """A connected client of a participant on node i, recording the tags of the messages it receives."""

    def __init__(self, i, participant):
        self.tags = []
        self.session = None
        got_session = threading.Event()
        self.client = socketio.Client(reconnection=False)
        opened.append(self.client)

        @self.client.on('session')
        def on_session(data):
            self.session = data
            got_session.set()

        @self.client.on('message')
        def on_message(message):
            self.tags.append(message['data']['tag'])

        self.client.connect(node(i), auth={'token': participant}, transports=TRANSPORTS[MODE], wait_timeout=WAIT)
        assert got_session.wait(WAIT), 'no session event'


def engine(i, method, path, body=None):
    response = requests.request(method, node(i) + path, json=body, timeout=WAIT,
                                headers={'Authorization': 'Bearer ' + ENGINE_KEY})
    return response.status_code, response.json()


def join(i, topic, *participants):
    for participant in participants:
        status, body = engine(i, 'PUT', '/topics/%s/members/%s' % (topic, participant))
        assert status == 200, body


def publish(i, to, tag, **extra):
    message = {'event': {'id': tag, 'type': 'engine.note'}, 'to': to, 'data': {'tag': tag}}
    message.update(extra)
    status, body = engine(i, 'POST', '/messages', message)
    assert status == 202, body


def received(member, expected, who):
    deadline = time.monotonic() + WAIT
    while len(member.tags) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(SETTLE)
    assert member.tags == expected, '%s received %s, expected %s' % (who, member.tags, expected)


def member_on_every_node():
    topic = pid('room')
    members = [Member(i, pid('m')) for i in range(3)]
    outsider = Member(0, pid('outsider'))
    for i, m in enumerate(members):
        join(i + 1, topic, m.session['participantId'])
    publish(2, [{'topic': topic}], 't1')
    publish(1, [{'topic': topic}], 't2')
    for m in members:
        received(m, ['t1', 't2'], m.session['nodeId'])
    assert outsider.tags == [], outsider.tags


def joined_before_connecting():
    topic, participant = pid('room'), pid('late')
    join(0, topic, participant)
    m = Member(1, participant)
    publish(2, [{'topic': topic}], 'right-after-connect')
    received(m, ['right-after-connect'], 'late member')


def mixed_entries_once():
    t, u, participant = pid('t'), pid('u'), pid('both')
    phone, laptop = Member(0, participant), Member(1, participant)
    join(2, t, participant)
    join(2, u, participant)
    publish(0, [{'topic': t}, {'topic': u}, {'participantId': participant},
                {'participantId': participant, 'sessionId': phone.session['sessionId']}], 'mixed')
    received(phone, ['mixed'], 'phone')
    received(laptop, ['mixed'], 'laptop')


def exclude_the_sender():
    topic, sender, other = pid('room'), pid('sender'), pid('other')
    sender_phone, sender_laptop, other_phone = Member(0, sender), Member(1, sender), Member(2, other)
    join(0, topic, sender, other)
    publish(1, [{'topic': topic}], 'not-to-myself', exclude=[{'sessionId': sender_phone.session['sessionId']}])
    received(other_phone, ['not-to-myself'], 'other')
    received(sender_laptop, ['not-to-myself'], "sender's laptop")
    assert sender_phone.tags == [], sender_phone.tags


def leave_stops_delivery():
    topic, participant = pid('room'), pid('leaver')
    m = Member(1, participant)
    join(0, topic, participant)
    status, body = engine(2, 'DELETE', '/topics/%s/members/%s' % (topic, participant))
    assert body == {'ok': True, 'left': True}, body
    publish(0, [{'topic': topic}], 'after-leave')
    publish(0, [{'participantId': participant}], 'marker')
    received(m, ['marker'], 'left member')


run_scenarios([member_on_every_node, joined_before_connecting, mixed_entries_once, exclude_the_sender,
               leave_stops_delivery], '%s, %d node(s)' % (MODE, len(NODES)), 20.0)
