"""The runner of the scenario scripts (client_scenarios.py, session_scenarios.py): each scenario in turn, bounded in
time, its clients disconnected after it whatever happens; a line "ok <name> (<ms> ms)" or "FAIL <name>: <why>" each, a
summary line, and the exit code the Java ITs read. SCENARIOS=a,b runs only those."""
import os
import threading
import time
import traceback

import engineio

opened = []  # clients of the running scenario, disconnected after it: scenarios append theirs here


def _handle_messages_in_order():
    """Works around a defect of python-engineio 4.3.4's client (Debian's): it runs the handler of every message it
    receives on a thread of its own (Client._receive_packet, run_async=True), so the header of a binary packet and its
    attachments may be handled in any order; python-socketio then parses an attachment as a packet (ValueError:
    invalid literal for int() with base 10: b'\\x00') and the packet is lost (CI saw it once, a binary ack over
    upgrade). Here messages are handled on the reading thread, in the order the server sent them; the scenarios'
    handlers only record what they get and return, so that thread never waits on them."""
    trigger = engineio.Client._trigger_event

    def in_order(self, event, *args, **kwargs):
        if event == 'message':
            kwargs['run_async'] = False
        return trigger(self, event, *args, **kwargs)

    engineio.Client._trigger_event = in_order


_handle_messages_in_order()


def _run(scenario, timeout):
    """Runs a scenario in a daemon thread, bounded by timeout; returns None or the failure reason."""
    outcome = []

    def body():
        try:
            scenario()
            outcome.append(None)
        except AssertionError as e:
            outcome.append(str(e) or traceback.format_exc())
        except Exception:
            outcome.append(traceback.format_exc())

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome[0] if outcome else 'timed out after %.1f s' % timeout


def run_scenarios(scenarios, mode, timeout):
    """Runs the scenarios (functions, named by their names with - for _) in order and exits: 0 when all passed."""
    only = set(os.environ['SCENARIOS'].split(',')) if os.environ.get('SCENARIOS') else None
    failures = 0
    for scenario in scenarios:
        name = scenario.__name__.replace('_', '-')
        if only and name not in only:
            continue
        started = time.time()
        failure = _run(scenario, timeout)
        if failure is None:
            print('ok %s (%d ms)' % (name, (time.time() - started) * 1000), flush=True)
        else:
            failures += 1
            print('FAIL %s: %s' % (name, failure), flush=True)
        while opened:
            try:
                opened.pop().disconnect()
            except Exception:
                pass
    print(('all scenarios passed (%s)' % mode) if failures == 0 else '%d scenario(s) failed (%s)' % (failures, mode),
          flush=True)
    # Background threads of python-engineio must not keep the process alive.
    os._exit(0 if failures == 0 else 1)
