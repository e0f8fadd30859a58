#!/usr/bin/python3
"""End-to-end scenarios for python-socketio (Debian's 5.7.2, python-engineio 4.3.4) against the real session server.

The server runs the embedded default (in-memory bus, built-in echo engine, AUTH_MODE=token: the token is the
participant id) with MAX_MESSAGE_SIZE=2048 and an ENGINE_KEY (PythonSessionIT does that). See DESIGN.md, "Socket.IO
endpoint" and "HTTP routes".

Usage: /usr/bin/python3 session_scenarios.py <baseUrl> <websocket|polling|upgrade> <engineKey> <nodeId>
  (always /usr/bin/python3: that is where the Debian packages python3-socketio, -requests, -websocket live)
  websocket: transports=['websocket']; polling: transports=['polling']; upgrade: the default (polling, then upgrade
  to websocket; python-engineio upgrades inside connect(), the upgrade is asserted).
Each scenario uses participant ids of its own (alice.py-<mode>.<run>.<n>), so that runs over different transports against
the same server, and connections of earlier scenarios still closing, cannot interfere.
Prints one line per scenario ("ok <name>" / "FAIL <name>: <reason>"); exits 0 only if all passed.
SCENARIOS=a,b runs only those.
"""
import datetime
import itertools
import json
import random
import sys
import threading
import time

import requests
import socketio

from scenario_runner import opened, run_scenarios

SCENARIO_TIMEOUT = 8.0
WAIT = 3.0  # how long a single expected event or answer may take
MAX_MESSAGE_SIZE = 2048

TRANSPORTS = {'websocket': ['websocket'], 'polling': ['polling'], 'upgrade': None}

if len(sys.argv) != 5 or sys.argv[2] not in TRANSPORTS:
    print('usage: session_scenarios.py <baseUrl> <websocket|polling|upgrade> <engineKey> <nodeId>', file=sys.stderr)
    sys.exit(2)
BASE = sys.argv[1].rstrip('/')
MODE = sys.argv[2]
ENGINE_KEY = sys.argv[3]
NODE_ID = sys.argv[4]

# ---------------------------------------------------------------------------------------------------------------
# helpers

_counter = itertools.count(1)
RUN = '%04x' % random.randrange(0x10000)  # repeated runs against one server must not reuse participant ids


def participant(name='alice'):
    """A participant id of its own for this run (all chars allowed by AUTH_MODE=token)."""
    return '%s.py-%s.%s.%d' % (name, MODE, RUN, next(_counter))


class Recorder:
    """Records every occurrence of some events of a client (handlers registered before connect) and waits on them."""

    def __init__(self, client, events):
        self.lock = threading.Condition()
        self.seen = {e: [] for e in events}
        for event in events:
            client.on(event, self._handler(event))

    def _handler(self, event):
        def handler(*args):
            with self.lock:
                self.seen[event].append(args[0] if len(args) == 1 else args)
                self.lock.notify_all()
        return handler

    def wait_for(self, event, predicate=lambda _: True, what=None, timeout=WAIT):
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for item in self.seen[event]:
                    if predicate(item):
                        return item
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError('no %s within %.1f s; %s seen: %s'
                                         % (what or event, timeout, event, short(self.seen[event])))
                self.lock.wait(left)

    def count(self, event, predicate):
        with self.lock:
            return len([item for item in self.seen[event] if predicate(item)])


RECORDED = ['session', 'message', 'error', 'connect_error', 'disconnect']


def new_client():
    client = socketio.Client(reconnection=False, handle_sigint=False)
    opened.append(client)
    return client, Recorder(client, RECORDED)


def open_session(auth=None, headers=None, query=None, handlers=None):
    """A connected client, its recorder and its `session` payload. `handlers`: {event: handler} set before connect."""
    client, recorder = new_client()
    for event, handler in (handlers or {}).items():
        client.on(event, handler)
    url = BASE + ('?' + query if query else '')
    client.connect(url, auth=auth, headers=headers or {}, transports=TRANSPORTS[MODE], wait_timeout=WAIT)
    session = recorder.wait_for('session', what='session event')
    return client, recorder, session


def assert_refused(what, auth=None, headers=None, query=None):
    client, recorder = new_client()
    url = BASE + ('?' + query if query else '')
    # wait=False: with wait=True, connect() would only give up (ConnectionError) after wait_timeout.
    client.connect(url, auth=auth, headers=headers or {}, transports=TRANSPORTS[MODE], wait=False)
    data = recorder.wait_for('connect_error', what='connect_error (%s)' % what)
    # python-socketio 5.7.2 hands the CONNECT_ERROR payload over as it is: one dict argument.
    assert_equal(data, {'message': 'unauthorized', 'data': {'code': 'unauthorized'}}, '%s: connect_error' % what)
    assert client.get_sid('/') is None, '%s: namespace / still registered' % what
    assert recorder.seen['session'] == [], '%s: session event after a refusal' % what


def assert_equal(actual, expected, what=''):
    if actual != expected or not same_types(actual, expected):
        raise AssertionError('%s: got %s, expected %s' % (what or 'values differ', short(actual), short(expected)))


def same_types(a, b):
    """Stricter than ==: 1 vs True vs 1.0 would compare equal."""
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


def assert_session(session, participant_id, proxy):
    assert isinstance(session, dict), 'session payload %r' % (session,)
    assert_equal(sorted(session), ['channelId', 'nodeId', 'participantId', 'proxy', 'sessionId'], 'session fields')
    assert_equal(session['participantId'], participant_id, 'session.participantId')
    for field in ('sessionId', 'channelId'):
        assert isinstance(session[field], str) and session[field], 'session.%s: %r' % (field, session[field])
    assert_equal(session['nodeId'], NODE_ID, 'session.nodeId')
    assert_equal(session['proxy'], proxy, 'session.proxy')


def assert_transport(client):
    expected = 'polling' if MODE == 'polling' else 'websocket'
    actual = client.transport()
    assert actual == expected, 'transport is %r, expected %r' % (actual, expected)


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def event(participant_id, **extra):
    evt = {'id': 'evt_py_%s_%d' % (MODE, next(_counter)), 'type': 'user.action', 'source': {'id': participant_id},
           'timestamp': now_iso(), 'data': {}}
    evt.update(extra)
    return evt


def compact_size(value):
    return len(json.dumps(value, separators=(',', ':'), ensure_ascii=False).encode('utf-8'))


def event_of_size(participant_id, size):
    """An event of exactly `size` bytes of compact JSON (ASCII only)."""
    evt = event(participant_id, data={'pad': ''})
    missing = size - compact_size(evt)
    assert missing >= 0, 'event skeleton too large'
    evt['data']['pad'] = 'x' * missing
    assert compact_size(evt) == size
    return evt


def send_with_ack(client, evt):
    # call() waits for the ack and returns its single argument
    return client.call('message', evt, timeout=WAIT)


def assert_still_open(client, participant_id, after):
    assert client.connected, 'disconnected after %s' % after
    evt = event(participant_id)
    assert_equal(send_with_ack(client, evt), {'ok': True, 'id': evt['id']}, 'valid event after %s' % after)


def assert_refusal(ack, code, what):
    assert isinstance(ack, dict), '%s: ack %r' % (what, ack)
    assert_equal(sorted(ack), ['error', 'ok'], '%s: ack fields' % what)
    assert_equal(ack['ok'], False, '%s: ack.ok' % what)
    assert_equal(sorted(ack['error']), ['code', 'message'], '%s: error fields' % what)
    assert_equal(ack['error']['code'], code, '%s: error code' % what)
    assert isinstance(ack['error']['message'], str) and ack['error']['message'], '%s: error message' % what


def http(method, path, body=None, key=ENGINE_KEY):
    headers = {'Authorization': 'Bearer ' + key} if key else {}
    res = requests.request(method, BASE + path, json=body, headers=headers, timeout=WAIT + 2)
    try:
        payload = res.json()
    except ValueError:
        payload = res.text
    return res.status_code, payload


def post_message(message):
    status, body = http('POST', '/messages', message)
    assert status == 202, 'POST /messages answered %d %s' % (status, short(body))


def connections_of(participant_id):
    status, body = http('GET', '/connections')
    assert status == 200, 'GET /connections answered %d %s' % (status, short(body))
    return [c for c in body['connections'] if c['participantId'] == participant_id]


def until(condition, what, timeout=WAIT):
    """Polls a condition on server-side state every 25 ms (there is no event to wait on for it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %.1f s waiting for %s' % (timeout, what))
        time.sleep(0.025)


# ---------------------------------------------------------------------------------------------------------------
# scenarios

def session_auth_token():
    alice = participant()
    client, _, session = open_session(auth={'token': alice})
    assert_session(session, alice, False)
    assert_transport(client)
    _, _, second = open_session(auth={'token': alice})
    assert_session(second, alice, False)
    assert second['sessionId'] != session['sessionId'], 'two connections share a sessionId'
    assert second['channelId'] != session['channelId'], 'two connections share a channelId'


def session_proxy_auth():
    alice = participant()
    _, _, session = open_session(auth={'token': alice, 'proxy': True})
    assert_session(session, alice, True)


def session_proxy_header():
    alice = participant()
    client, _, session = open_session(auth={'token': alice}, headers={'x-proxy-message': 'true'})
    assert_session(session, alice, True)
    assert_transport(client)


def token_query():
    alice = participant()
    _, _, session = open_session(query='token=' + alice)
    assert_session(session, alice, False)


def token_bearer_header():
    alice = participant()
    client, _, session = open_session(headers={'Authorization': 'Bearer ' + alice})
    assert_session(session, alice, False)
    assert_transport(client)


def token_precedence():
    alice, bob, carol = participant('alice'), participant('bob'), participant('carol')
    _, _, session = open_session(auth={'token': alice}, query='token=' + bob,
                                 headers={'Authorization': 'Bearer ' + carol})
    assert_equal(session['participantId'], alice, 'auth.token wins')
    _, _, session = open_session(query='token=' + bob, headers={'Authorization': 'Bearer ' + carol})
    assert_equal(session['participantId'], bob, 'query token wins over the header')


def refused_no_token():
    assert_refused('no auth at all')
    assert_refused('empty token', auth={'token': ''})


def refused_bad_token():
    assert_refused('token with spaces', auth={'token': 'not a plain id'})
    assert_refused('129-char token', auth={'token': 'x' * 129})
    assert_refused('bad bearer token', headers={'Authorization': 'Bearer bad<token>'})


def event_ack():
    alice = participant()
    client, _, _ = open_session(auth={'token': alice})
    evt = event(alice, data={'n': 1, 'nested': {'list': [1, 'two', 2.5, None, True]}}, thredId='t1', patternId='p1')
    assert_equal(send_with_ack(client, evt), {'ok': True, 'id': evt['id']}, 'ack')


def refusals_with_ack():
    alice = participant()
    client, _, _ = open_session(auth={'token': alice})
    missing_type = event(alice)
    del missing_type['type']
    cases = [
        ('invalid_event', 'missing type', missing_type),
        ('invalid_event', 'bad timestamp', event(alice, timestamp='yesterday')),
        ('invalid_event', 'not an object', 'just a string'),
        ('forbidden_source', "someone else's source", event(alice, source={'id': participant('mallory')})),
        ('too_large', 'one byte over MAX_MESSAGE_SIZE', event_of_size(alice, MAX_MESSAGE_SIZE + 1)),
    ]
    for code, what, evt in cases:
        assert_refusal(send_with_ack(client, evt), code, what)
        assert_still_open(client, alice, what)
    exact = event_of_size(alice, MAX_MESSAGE_SIZE)
    assert_equal(send_with_ack(client, exact), {'ok': True, 'id': exact['id']}, 'event of exactly MAX_MESSAGE_SIZE')


def refusals_without_ack():
    alice = participant()
    client, recorder, _ = open_session(auth={'token': alice})
    cases = [
        ('invalid_event', 'bad timestamp', event(alice, timestamp='not a date')),
        ('forbidden_source', "someone else's source", event(alice, source={'id': participant('mallory')})),
        ('too_large', 'one byte over MAX_MESSAGE_SIZE', event_of_size(alice, MAX_MESSAGE_SIZE + 1)),
    ]
    for code, what, evt in cases:
        client.emit('message', evt)
        error = recorder.wait_for('error', lambda e, i=evt['id']: isinstance(e, dict) and e.get('id') == i,
                                  'error event for %s' % what)
        assert_equal(sorted(error), ['code', 'id', 'message'], '%s: error fields' % what)
        assert_equal(error['code'], code, '%s: error code' % what)
        assert isinstance(error['message'], str) and error['message'], '%s: error message' % what
        assert_still_open(client, alice, what)
    # an event that is not an object has no id to quote: the error event then carries just {code, message}
    client.emit('message', ['not', 'an', 'object'])
    anonymous = recorder.wait_for('error', lambda e: isinstance(e, dict) and 'id' not in e, 'error for a non-object')
    assert_equal(anonymous, {'code': 'invalid_event', 'message': anonymous.get('message')}, 'non-object: error')
    assert isinstance(anonymous['message'], str) and anonymous['message'], 'non-object: error message'
    assert_still_open(client, alice, 'a non-object event')
    ids = {evt['id'] for _, _, evt in cases}
    assert_equal(recorder.count('message', lambda m: isinstance(m, dict) and m.get('event', {}).get('id') in ids), 0,
                 'echoes of refused events')


def echo_id(message):
    return message.get('event', {}).get('id') if isinstance(message, dict) else None


def echo_every_connection():
    alice = participant()
    a, a_rec, _ = open_session(auth={'token': alice})
    b, b_rec, _ = open_session(auth={'token': alice})
    assert_transport(a)
    first = event(alice, data={'n': 1})
    assert_equal(send_with_ack(a, first), {'ok': True, 'id': first['id']}, 'ack')
    for name, rec in (('sender', a_rec), ('other connection', b_rec)):
        msg = rec.wait_for('message', lambda m: echo_id(m) == first['id'], 'echo on the %s' % name)
        assert_equal(msg['event'], first, 'echoed event on the %s' % name)
        assert_equal(msg['to'], [{'participantId': alice}], 'echo to, on the %s' % name)
        assert msg.get('data', {}).get('echo') is True, 'echo data on the %s: %r' % (name, msg.get('data'))
    # exactly once: a second echo arrives after any duplicate of the first would have
    second = event(alice, data={'n': 2})
    assert_equal(send_with_ack(b, second), {'ok': True, 'id': second['id']}, 'ack')
    for name, rec in (('first connection', a_rec), ('second connection', b_rec)):
        rec.wait_for('message', lambda m: echo_id(m) == second['id'], 'second echo on the %s' % name)
        assert_equal(rec.count('message', lambda m: echo_id(m) == first['id']), 1, 'first echo count on the %s' % name)
        assert_equal(rec.count('message', lambda m: echo_id(m) == second['id']), 1,
                     'second echo count on the %s' % name)


def data_n(message):
    return message.get('data', {}).get('n') if isinstance(message, dict) and isinstance(message.get('data'), dict) \
        else None


def engine_message_to_session():
    alice, bob = participant(), participant('bob')
    target, target_rec, target_session = open_session(auth={'token': alice})
    _, sibling_rec, _ = open_session(auth={'token': alice})
    _, proxy_rec, proxy_session = open_session(auth={'token': alice}, headers={'x-proxy-message': 'true'})
    assert_equal(proxy_session['proxy'], True, 'proxy by header')
    _, stranger_rec, _ = open_session(auth={'token': bob})
    assert_transport(target)

    to_session = {
        'event': {'id': 'engine_py_%d' % next(_counter), 'type': 'engine.note', 'source': {'id': 'engine'},
                  'timestamp': now_iso(), 'data': {'text': 'h\u00e9llo \u2603 \U0001F600',
                                                   'list': [1, 2.5, None, True, {'k': 'v'}]}},
        'to': [{'participantId': alice, 'sessionId': target_session['sessionId']}],
        'data': {'n': 1, 'nested': {'deep': []}},
    }
    post_message(to_session)
    got = target_rec.wait_for('message', lambda m: data_n(m) == 1, 'the message on the named session')
    assert_equal(got, to_session, 'the named session receives exactly the posted message')
    via_proxy = proxy_rec.wait_for('message', lambda m: data_n(m) == 1, 'the message on the proxy')
    assert_equal(via_proxy, to_session, 'the proxy connection receives exactly the posted message')

    # a second message that reaches everyone (twice-matching entries for the named session); messages arrive in
    # order, so once it is in, any copy of the first would have been too
    to_all = {'to': [{'participantId': alice}, {'participantId': alice, 'sessionId': target_session['sessionId']},
                     {'participantId': bob}],
              'data': {'n': 2}}
    post_message(to_all)
    for name, rec, expect_first in (('named session', target_rec, 1), ('sibling', sibling_rec, 0),
                                    ('proxy', proxy_rec, 1), ('bob', stranger_rec, 0)):
        msg = rec.wait_for('message', lambda m: data_n(m) == 2, 'the broadcast on the %s' % name)
        assert_equal(msg, to_all, 'broadcast as posted on the %s' % name)
        assert_equal(rec.count('message', lambda m: data_n(m) == 1), expect_first,
                     'session message count on the %s' % name)
        assert_equal(rec.count('message', lambda m: data_n(m) == 2), 1, 'broadcast count on the %s' % name)


def engine_request():
    alice = participant()
    received = []

    def ping(data):
        received.append(data)
        return {'pong': data['x']}  # the handler's return value is the ack

    client, _, session = open_session(auth={'token': alice}, handlers={'ping-client': ping})
    assert_transport(client)
    status, body = http('POST', '/participants/%s/request' % alice,
                        {'event': 'ping-client', 'data': {'x': 1}, 'timeoutMs': 2000})
    assert status == 200, 'request answered %d %s' % (status, short(body))
    assert_equal(body, {'ok': True, 'sessionId': session['sessionId'], 'data': {'pong': 1}}, 'request answer')
    assert_equal(received, [{'x': 1}], 'what the client handler got')


def engine_request_to_session():
    alice = participant()
    open_session(auth={'token': alice}, handlers={'ping-client': lambda data: {'who': 'first', 'x': data['x']}})
    _, _, second = open_session(auth={'token': alice},
                                handlers={'ping-client': lambda data: {'who': 'second', 'x': data['x']}})
    status, body = http('POST', '/participants/%s/request' % alice,
                        {'sessionId': second['sessionId'], 'event': 'ping-client', 'data': {'x': 7}, 'timeoutMs': 2000})
    assert status == 200, 'request answered %d %s' % (status, short(body))
    assert_equal(body, {'ok': True, 'sessionId': second['sessionId'], 'data': {'who': 'second', 'x': 7}},
                 'request answer')


def disconnect_then_request():
    alice = participant()
    gone, _, gone_session = open_session(auth={'token': alice})
    _, _, stays_session = open_session(auth={'token': alice}, handlers={'ping-client': lambda d: {'pong': d['x']}})
    listed = connections_of(alice)
    assert_equal(sorted(c['sessionId'] for c in listed), sorted([gone_session['sessionId'], stays_session['sessionId']]),
                 'GET /connections lists both sessions')
    for c in listed:
        assert_equal(c['nodeId'], NODE_ID, 'connection nodeId')
    gone.disconnect()
    until(lambda: all(c['sessionId'] != gone_session['sessionId'] for c in connections_of(alice)),
          'the closed session to leave GET /connections')
    status, body = http('POST', '/participants/%s/request' % alice,
                        {'event': 'ping-client', 'data': {'x': 3}, 'timeoutMs': 2000})
    assert status == 200, 'request answered %d %s' % (status, short(body))
    assert_equal(body, {'ok': True, 'sessionId': stays_session['sessionId'], 'data': {'pong': 3}}, 'request answer')


def engine_request_errors():
    alice = participant()
    client, _, _ = open_session(auth={'token': alice}, handlers={'ping-client': lambda data: None})
    status, body = http('POST', '/participants/%s/request' % participant('nobody'),
                        {'event': 'ping-client', 'data': {}, 'timeoutMs': 2000})
    assert status == 404, 'not connected: %d %s' % (status, short(body))
    # python-socketio acks every event that asked for one, even when the handler returns None: the answer is
    # then an ACK without arguments, which the server hands back as data null.
    status, body = http('POST', '/participants/%s/request' % alice,
                        {'event': 'ping-client', 'data': {}, 'timeoutMs': 2000})
    assert status == 200, 'answered by None: %d %s' % (status, short(body))
    assert_equal(body, {'ok': True, 'sessionId': body.get('sessionId'), 'data': None}, 'answered by None')
    status, body = http('POST', '/participants/%s/request' % alice,
                        {'event': 'no-handler-for-this', 'data': {}, 'timeoutMs': 300})
    # the same without any handler for the event: python-socketio still sends an empty ACK
    assert status == 200, 'no handler: %d %s' % (status, short(body))
    assert_equal(body, {'ok': True, 'sessionId': body.get('sessionId'), 'data': None}, 'no handler')
    assert_still_open(client, alice, 'requests')


SCENARIOS = [session_auth_token, session_proxy_auth, session_proxy_header, token_query, token_bearer_header,
             token_precedence, refused_no_token, refused_bad_token, event_ack, refusals_with_ack, refusals_without_ack,
             echo_every_connection, engine_message_to_session, engine_request, engine_request_to_session,
             disconnect_then_request, engine_request_errors]


if __name__ == '__main__':
    run_scenarios(SCENARIOS, MODE, SCENARIO_TIMEOUT)
