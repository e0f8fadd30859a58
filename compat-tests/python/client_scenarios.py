#!/usr/bin/python3
"""End-to-end scenarios for python-socketio (Debian's 5.7.2, python-engineio 4.3.4) against the conformance fixture.

See DESIGN.md, "Conformance fixture", plus the compat-test extensions implemented by
compat-tests/node/reference-fixture.js: refused CONNECT on auth.reject, request-client-ack -> client-ack-request ->
client-ack-result, disconnect-me.

Usage: /usr/bin/python3 client_scenarios.py <baseUrl> <websocket|polling|upgrade>
  (always /usr/bin/python3: that is where the Debian packages python3-socketio, -requests, -websocket live)
  websocket: transports=['websocket']; polling: transports=['polling']; upgrade: the default (polling, then upgrade
  to websocket; python-engineio upgrades inside connect(), the upgrade is asserted).
Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
"""
import queue
import sys
import time

import socketio

from scenario_runner import opened, run_scenarios

SCENARIO_TIMEOUT = 6.0
WAIT = 3.0  # how long a single expected event may take

TRANSPORTS = {'websocket': ['websocket'], 'polling': ['polling'], 'upgrade': None}

if len(sys.argv) != 3 or sys.argv[2] not in TRANSPORTS:
    print('usage: client_scenarios.py <baseUrl> <websocket|polling|upgrade>', file=sys.stderr)
    sys.exit(2)
BASE = sys.argv[1].rstrip('/')
MODE = sys.argv[2]


# ---------------------------------------------------------------------------------------------------------------
# helpers



class Events:
    """Collects the arguments of every occurrence of some events, for waiting on them in order."""

    def __init__(self, client, namespace='/'):
        self.client = client
        self.namespace = namespace
        self.queues = {}

    def watch(self, event, reply=None):
        """Records each `event`; `reply(*args)` (if given) is the handler's return value, i.e. the ack."""
        q = self.queues.setdefault(event, queue.Queue())

        def handler(*args):
            q.put(args)
            return reply(*args) if reply else None

        self.client.on(event, handler, namespace=self.namespace)
        return self

    def next(self, event, timeout=WAIT):
        try:
            return self.queues[event].get(timeout=timeout)
        except queue.Empty:
            raise AssertionError('no "%s" on %s within %.1f s' % (event, self.namespace, timeout)) from None

    def seen(self, event):
        return list(self.queues[event].queue)


def new_client():
    client = socketio.Client(reconnection=False, handle_sigint=False)
    opened.append(client)
    return client


def connect(client, namespaces=('/',), auth=None, wait=True):
    client.connect(BASE, auth=auth, transports=TRANSPORTS[MODE], namespaces=list(namespaces), wait=wait,
                   wait_timeout=WAIT)


def assert_transport(client):
    expected = 'polling' if MODE == 'polling' else 'websocket'
    actual = client.transport()
    assert actual == expected, 'transport is %r, expected %r' % (actual, expected)


def open_and_auth(namespace='/', auth=None, extra_events=()):
    """A connected client on `namespace` and the payload of the `auth` event the fixture emits on connect."""
    client = new_client()
    events = Events(client, namespace).watch('auth').watch('disconnect').watch('connect_error')
    for event in extra_events:
        events.watch(*event) if isinstance(event, tuple) else events.watch(event)
    connect(client, [namespace], auth)
    (payload,) = events.next('auth')
    return client, events, payload


def assert_equal(actual, expected, what=''):
    if actual != expected or not same_types(actual, expected):
        raise AssertionError('%s: got %s, expected %s' % (what or 'values differ', short(actual), short(expected)))


def same_types(a, b):
    """Stricter than ==: 1 vs True vs 1.0, or bytes vs str, would compare equal or be easy to confuse."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_types(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_types(a[k], b[k]) for k in a)
    return True


def short(value):
    text = repr(value)
    return text if len(text) < 600 else text[:600] + '...'


def round_trip(client, events, *args, namespace='/'):
    client.emit('message', tuple(args), namespace=namespace)
    assert_equal(list(events.next('message-back')), list(args), 'message-back arguments')


def emit_with_ack(client, event, *args, namespace='/'):
    acked = queue.Queue()
    client.emit(event, tuple(args), namespace=namespace, callback=lambda *ack: acked.put(ack))
    try:
        return list(acked.get(timeout=WAIT))
    except queue.Empty:
        raise AssertionError('no ack for "%s" within %.1f s' % (event, WAIT)) from None


ALL_BYTES = bytes(range(256))
SMALL = bytes([0xff, 0x00, 0x7f, 0x80, 0x0a, 0x0d])
MIXED_ARGS = [1, 'two', {'three': [3, None, True], '4': {'five': -5.25}}, [False, 0, ''], None,
              'h\u00e9llo \u2603 \U0001F600 \u0000\n"\'\\']
BINARY_ARGS = ['before', ALL_BYTES, {'nested': {'bin': SMALL, 'n': 1}, 'list': [1, 'x']}, [SMALL, 'after'], 42]


# ---------------------------------------------------------------------------------------------------------------
# scenarios

def connect_auth():
    auth = {'token': 'abc', 'n': 1, 'nested': {'list': [1, 2]}}
    client, _, payload = open_and_auth('/', auth)
    assert_equal(payload, auth, 'auth payload')
    sid = client.get_sid('/')
    assert isinstance(sid, str) and sid, 'socket id %r' % (sid,)


def connect_without_auth():
    # python-socketio always sends a payload: {} when no auth is given.
    _, _, payload = open_and_auth('/', None)
    assert_equal(payload, {}, 'auth payload')


def transport():
    client, events, _ = open_and_auth('/', {'token': 'abc'}, ['message-back'])
    assert_transport(client)
    round_trip(client, events, 'after transport check', 1)


def connect_refused():
    client = new_client()
    events = Events(client).watch('connect_error').watch('connect').watch('auth')
    # wait=False: with wait=True, connect() would only give up (ConnectionError) after wait_timeout.
    connect(client, ['/'], {'reject': True}, wait=False)
    (data,) = events.next('connect_error')
    # python-socketio 5.7.2 hands the CONNECT_ERROR payload over as it is: one dict argument.
    assert_equal(data, {'message': 'unauthorized', 'data': {'code': 'unauthorized'}}, 'connect_error data')
    time.sleep(0.05)
    assert events.seen('connect') == [], 'connected although refused'
    assert events.seen('auth') == [], 'auth event after a refused connect'
    assert client.get_sid('/') is None, 'namespace / still registered'


def unknown_namespace():
    client = new_client()
    events = Events(client, '/random').watch('connect_error').watch('connect')
    connect(client, ['/random'], None, wait=False)
    (data,) = events.next('connect_error')
    assert isinstance(data, dict), 'connect_error data %r' % (data,)
    assert_equal(data.get('message'), 'Invalid namespace', 'connect_error message')
    assert events.seen('connect') == [], 'connected to an unknown namespace'


def custom_namespace():
    client, _, payload = open_and_auth('/custom', {'token': 'custom', 'n': 2})
    assert_equal(payload, {'token': 'custom', 'n': 2}, 'auth payload')
    assert client.get_sid('/custom'), 'no sid for /custom'


def multiplexed_namespaces():
    # python-socketio sends the same auth to every namespace of one connection.
    client = new_client()
    root = Events(client, '/').watch('auth').watch('message-back')
    custom = Events(client, '/custom').watch('auth')
    connect(client, ['/', '/custom'], {'which': 'both'})
    assert_equal(root.next('auth'), ({'which': 'both'},), 'auth on /')
    assert_equal(custom.next('auth'), ({'which': 'both'},), 'auth on /custom')
    assert client.get_sid('/') != client.get_sid('/custom'), 'one socket id per namespace'
    round_trip(client, root, 'root', 1)


def event_round_trip():
    client, events, _ = open_and_auth('/', {'token': 'abc'}, ['message-back'])
    round_trip(client, events, *MIXED_ARGS)
    round_trip(client, events)  # no arguments at all
    round_trip(client, events, 'single')
    # A list is one argument (only tuples spread into several).
    client.emit('message', [1, 2, 3])
    assert_equal(list(events.next('message-back')), [[1, 2, 3]], 'list argument')


def ack_client_to_server():
    client, _, _ = open_and_auth('/', {'token': 'abc'})
    assert_equal(emit_with_ack(client, 'message-with-ack', *MIXED_ARGS), MIXED_ARGS, 'ack arguments')
    assert_equal(emit_with_ack(client, 'message-with-ack', 'one'), ['one'], 'ack arguments')


def ack_server_to_client():
    reply = ('ack-value', {'ok': True, 'list': [1, '2']}, None)
    client, events, _ = open_and_auth('/', {'token': 'abc'},
                                      [('client-ack-request', lambda *args: reply), 'client-ack-result'])
    client.emit('request-client-ack', tuple(MIXED_ARGS))
    assert_equal(list(events.next('client-ack-request')), MIXED_ARGS, 'client-ack-request arguments')
    assert_equal(list(events.next('client-ack-result')), list(reply), 'client-ack-result arguments')


def binary_event():
    client, events, _ = open_and_auth('/', {'token': 'abc'}, ['message-back'])
    round_trip(client, events, *BINARY_ARGS)
    round_trip(client, events, ALL_BYTES)


def binary_empty_attachment():
    client, events, _ = open_and_auth('/', {'token': 'abc'}, ['message-back'])
    round_trip(client, events, b'', 'x', b'\x01')


def binary_ack_client_to_server():
    client, _, _ = open_and_auth('/', {'token': 'abc'})
    assert_equal(emit_with_ack(client, 'message-with-ack', *BINARY_ARGS), BINARY_ARGS, 'binary ack arguments')


def binary_ack_server_to_client():
    reply = (ALL_BYTES[::-1], {'json': 'around', 'bin': SMALL}, 'tail')
    client, events, _ = open_and_auth('/', {'token': 'abc'},
                                      [('client-ack-request', lambda *args: reply), 'client-ack-result'])
    client.emit('request-client-ack', tuple(BINARY_ARGS))
    assert_equal(list(events.next('client-ack-request')), BINARY_ARGS, 'binary client-ack-request arguments')
    assert_equal(list(events.next('client-ack-result')), list(reply), 'binary client-ack-result arguments')


def large_payload():
    client, events, _ = open_and_auth('/', {'token': 'abc'}, ['message-back'])
    big = bytes((i * 7 + 3) & 0xff for i in range(300_000))
    text = '\u00e9\u2603' * 30_000
    round_trip(client, events, text, big)


def heartbeat():
    # pingInterval 300, pingTimeout 200. python-engineio's websocket read times out after pingInterval +
    # pingTimeout (0.5 s) without any frame, so the server's pings must be on time.
    client, events, _ = open_and_auth('/', {'token': 'abc'}, ['message-back'])
    sid = client.get_sid('/')
    eio_sid = client.eio.sid
    time.sleep(1.5)
    assert events.seen('disconnect') == [], 'disconnected while idle'
    assert client.connected, 'not connected any more'
    assert_equal(client.get_sid('/'), sid, 'socket id')
    assert_equal(client.eio.sid, eio_sid, 'engine.io session id')
    round_trip(client, events, 'still alive', 1)
    assert_transport(client)


def client_disconnect_and_reconnect():
    client, events, _ = open_and_auth('/', {'token': 'again'}, ['message-back'])
    first_sid = client.get_sid('/')
    tasks = [t for t in (client.eio.read_loop_task, client.eio.write_loop_task) if t is not None]
    client.disconnect()
    events.next('disconnect')
    assert not client.connected, 'still connected after disconnect()'
    # python-engineio 4.3.4 quirk: disconnect() does not wait for its read/write loop threads, and those keep
    # using the client's (replaced) queue and URL, so a connect() right away races them (polling: the old write
    # loop steals packets of the new session). Let them end first; for polling this needs the server to answer
    # the pending long-poll GET once the client's CLOSE arrived.
    for task in tasks:
        task.join(WAIT)
        assert not task.is_alive(), 'engine.io loop of the old session still running after %.1f s' % WAIT
    connect(client, ['/'], {'token': 'again'})
    assert_equal(events.next('auth'), ({'token': 'again'},), 'auth after reconnecting')
    assert client.get_sid('/') != first_sid, 'same socket id after reconnecting'
    round_trip(client, events, 'after reconnect', 2)


def server_disconnect():
    client, events, _ = open_and_auth('/', {'token': 'abc'})
    client.emit('disconnect-me')
    events.next('disconnect')
    deadline = time.time() + WAIT
    while client.connected and time.time() < deadline:
        time.sleep(0.01)
    assert not client.connected, 'still connected after the server disconnected'


SCENARIOS = [connect_auth, connect_without_auth, transport, connect_refused, unknown_namespace, custom_namespace,
             multiplexed_namespaces, event_round_trip, ack_client_to_server, ack_server_to_client, binary_event,
             binary_empty_attachment, binary_ack_client_to_server, binary_ack_server_to_client, large_payload,
             heartbeat, client_disconnect_and_reconnect, server_disconnect]


if __name__ == '__main__':
    run_scenarios(SCENARIOS, MODE, SCENARIO_TIMEOUT)
