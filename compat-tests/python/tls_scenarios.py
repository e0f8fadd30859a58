#!/usr/bin/python3
"""python-socketio (Debian's 5.7.2, python-engineio 4.3.4) over TLS against the real session server started with
TLS_CERT_FILE and TLS_KEY_FILE (TlsClientsIT). The client trusts the test's certificate authority through a requests
session whose `verify` is the CA file (python-engineio uses it for polling and for the WebSocket's ca_certs), with
verification on: a client without it is refused.

Usage: /usr/bin/python3 tls_scenarios.py <https baseUrl> <websocket|polling|upgrade> <caFile>
Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
"""
import datetime
import itertools
import random
import sys
import threading

import requests
import socketio

from scenario_runner import opened, run_scenarios

WAIT = 4.0
TRANSPORTS = {'websocket': ['websocket'], 'polling': ['polling'], 'upgrade': None}

if len(sys.argv) != 4 or sys.argv[2] not in TRANSPORTS or not sys.argv[1].startswith('https://'):
    print('usage: tls_scenarios.py <https baseUrl> <websocket|polling|upgrade> <caFile>', file=sys.stderr)
    sys.exit(2)
BASE, MODE, CA_FILE = sys.argv[1].rstrip('/'), sys.argv[2], sys.argv[3]
RUN = '%04x' % random.randrange(0x10000)
_counter = itertools.count(1)


def participant(name):
    return '%s.py-tls-%s.%s.%d' % (name, MODE, RUN, next(_counter))


def trusted_session():
    session = requests.Session()
    session.verify = CA_FILE
    # requests prefers REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE from the environment over session.verify when it reads the
    # environment (psf/requests#4726), and CI machines set them: read none of it (no proxies either: loopback).
    session.trust_env = False
    return session


def session_ack_and_echo():
    pid = participant('alice')
    client = socketio.Client(reconnection=False, http_session=trusted_session())
    opened.append(client)
    got = {'session': threading.Event(), 'echo': threading.Event()}
    seen = {}

    @client.on('session')
    def on_session(s):
        seen['session'] = s
        got['session'].set()

    @client.on('message')
    def on_message(m):
        seen['echo'] = m
        got['echo'].set()

    client.connect(BASE, auth={'token': pid}, transports=TRANSPORTS[MODE], wait_timeout=WAIT)
    assert got['session'].wait(WAIT), 'no session event'
    assert seen['session']['participantId'] == pid, seen['session']
    expected = 'polling' if MODE == 'polling' else 'websocket'
    assert client.transport() == expected, 'transport %s, expected %s' % (client.transport(), expected)
    event = {'id': 'evt_tls', 'type': 'user.action', 'source': {'id': pid},
             'timestamp': datetime.datetime.now(datetime.timezone.utc).isoformat(), 'data': {}}
    ack = client.call('message', event, timeout=WAIT)
    assert ack == {'ok': True, 'id': 'evt_tls'}, ack
    assert got['echo'].wait(WAIT), 'no echo'
    assert seen['echo']['event']['id'] == 'evt_tls', seen['echo']


def untrusted_certificate_refused():
    client = socketio.Client(reconnection=False)  # the system's CAs only: the test CA is not among them
    opened.append(client)
    try:
        client.connect(BASE, auth={'token': participant('mallory')}, transports=TRANSPORTS[MODE], wait_timeout=WAIT)
    except socketio.exceptions.ConnectionError:
        return
    raise AssertionError('connected although the certificate is not trusted')


run_scenarios([session_ack_and_echo, untrusted_certificate_refused], 'tls %s' % MODE, 10.0)
