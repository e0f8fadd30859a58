// Unit tests of useSession against a fake socket.io-client: the fake records what the hook emits and lets a test play
// the server (connect, session, message, ack, drop, refusal).
import { act, cleanup, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeEvent, useSession } from "./useSession.js";

const { sockets, FakeSocket } = vi.hoisted(() => {
  class Emitter {
    constructor() { this.handlers = new Map(); }
    on(name, fn) { (this.handlers.get(name) || this.handlers.set(name, []).get(name)).push(fn); return this; }
    off(name, fn) {
      if (!name) this.handlers.clear();
      else if (!fn) this.handlers.delete(name);
      else this.handlers.set(name, (this.handlers.get(name) || []).filter((f) => f !== fn));
      return this;
    }
    removeAllListeners() { this.handlers.clear(); return this; }
    count(name) { return (this.handlers.get(name) || []).length; }
    fire(name, ...args) { for (const fn of [...(this.handlers.get(name) || [])]) fn(...args); }
  }
  const sockets = [];
  class FakeSocket extends Emitter {
    constructor(url, options) {
      super();
      this.url = url;
      this.options = options;
      this.io = new Emitter(); // the Manager
      this.connected = false;
      this.active = true; // socket.io-client: true while it is connected or will (re)connect by itself
      this.emitted = [];
      this.closed = false;
      sockets.push(this);
    }
    timeout(ms) { return { emit: (name, payload, ack) => this.emitted.push({ name, payload, ack, timeoutMs: ms }) }; }
    disconnect() { this.closed = true; this.connected = false; this.active = false; return this; }
    // the server's side
    accept(session) { this.connected = true; this.fire("connect"); if (session) this.fire("session", session); }
    drop(reason = "transport close") { this.connected = false; this.fire("disconnect", reason); }
  }
  return { sockets, FakeSocket };
});

vi.mock("socket.io-client", () => ({ io: vi.fn((url, options) => new FakeSocket(url, options)) }));

const URL = "http://localhost:3000";
const SESSION = { participantId: "alice", sessionId: "s1", channelId: "c1", nodeId: "n1", proxy: false };
const last = () => sockets.at(-1);

afterEach(() => {
  cleanup();
  sockets.length = 0;
});

describe("useSession", () => {
  it("connects with the token and proxy flag, then shows the session", () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice", proxy: true }));
    expect(sockets).toHaveLength(1);
    expect(last().url).toBe(URL);
    expect(last().options.auth).toEqual({ token: "alice", proxy: true });
    expect(result.current.status).toBe("connecting");
    expect(result.current.session).toBeNull();

    act(() => last().accept(SESSION));
    expect(result.current.status).toBe("connected");
    expect(result.current.session).toEqual(SESSION);
  });

  it("does not connect while disabled", () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice", enabled: false }));
    expect(sockets).toHaveLength(0);
    expect(result.current.status).toBe("disconnected");
  });

  it("send emits the event and resolves with the ack", async () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice", ackTimeoutMs: 1234 }));
    act(() => last().accept(SESSION));
    const event = makeEvent("user.action", { text: "hi" }, "alice");
    const sent = result.current.send(event);

    expect(last().emitted).toHaveLength(1);
    const { name, payload, ack, timeoutMs } = last().emitted[0];
    expect(name).toBe("message");
    expect(payload).toEqual(event);
    expect(timeoutMs).toBe(1234);
    ack(null, { ok: true, id: event.id });
    await expect(sent).resolves.toEqual({ ok: true, id: event.id });
  });

  it("send fills in id, timestamp and source from the session", async () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice" }));
    act(() => last().accept(SESSION));
    const sent = result.current.send({ type: "user.action", data: { n: 1 } });
    const { payload, ack } = last().emitted[0];
    expect(payload.id).toMatch(/^evt_/);
    expect(payload.source).toEqual({ id: "alice" });
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(payload).toMatchObject({ type: "user.action", data: { n: 1 } });
    expect(Object.keys(payload)).toEqual(["id", "type", "source", "timestamp", "data"]);
    ack(null, { ok: false, error: { code: "invalid_event", message: "bad" } });
    await expect(sent).resolves.toEqual({ ok: false, error: { code: "invalid_event", message: "bad" } });
  });

  it("send rejects when not connected, and when the ack does not come in time", async () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice" }));
    await expect(result.current.send({ type: "t" })).rejects.toThrow("not connected");
    expect(last().emitted).toHaveLength(0);

    act(() => last().accept(SESSION));
    const sent = result.current.send({ type: "t" });
    last().emitted[0].ack(new Error("operation has timed out"));
    await expect(sent).rejects.toThrow(/no ack for evt_/);
  });

  it("keeps the messages in order", () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice", maxMessages: 2 }));
    act(() => last().accept(SESSION));
    const m = (id) => ({ event: { id }, to: [{ participantId: "alice" }], data: {} });
    act(() => last().fire("message", m("e1")));
    act(() => last().fire("message", m("e2")));
    expect(result.current.messages.map((x) => x.event.id)).toEqual(["e1", "e2"]);
    act(() => last().fire("message", m("e3")));
    expect(result.current.messages.map((x) => x.event.id)).toEqual(["e2", "e3"]);
  });

  it("goes reconnecting on a network drop, and connected with a new session after", () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice" }));
    act(() => last().accept(SESSION));
    act(() => last().drop("transport close"));
    expect(result.current.status).toBe("reconnecting");
    act(() => last().io.fire("reconnect_attempt", 1));
    act(() => last().fire("connect_error", new Error("xhr poll error")));
    expect(result.current.status).toBe("reconnecting");
    expect(result.current.error).toEqual({ message: "xhr poll error", code: undefined });

    const again = { ...SESSION, sessionId: "s2" };
    act(() => last().accept(again));
    expect(result.current.status).toBe("connected");
    expect(result.current.session).toEqual(again);
    expect(result.current.error).toBeNull();
    expect(sockets).toHaveLength(1); // socket.io-client reconnected the same socket
  });

  it("is disconnected for good when the server refuses the token or gives up", () => {
    const { result } = renderHook(() => useSession(URL, { token: "bad token" }));
    act(() => {
      last().active = false; // a CONNECT_ERROR from the server is final
      last().fire("connect_error", Object.assign(new Error("unauthorized"), { data: { code: "unauthorized" } }));
    });
    expect(result.current.status).toBe("disconnected");
    expect(result.current.error).toEqual({ message: "unauthorized", code: "unauthorized" });

    const { result: other } = renderHook(() => useSession(URL, { token: "alice" }));
    act(() => last().drop("transport close"));
    act(() => last().io.fire("reconnect_failed"));
    expect(other.current.status).toBe("disconnected");
  });

  it("is disconnected when the server disconnects it", () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice" }));
    act(() => last().accept(SESSION));
    act(() => {
      last().active = false; // "io server disconnect": socket.io-client does not reconnect
      last().drop("io server disconnect");
    });
    expect(result.current.status).toBe("disconnected");
  });

  it("reports a refused event sent without an ack", () => {
    const { result } = renderHook(() => useSession(URL, { token: "alice" }));
    act(() => last().accept(SESSION));
    act(() => last().fire("error", { id: "e1", code: "rate_limited", message: "slow down" }));
    expect(result.current.error).toEqual({ id: "e1", code: "rate_limited", message: "slow down" });
  });

  it("opens a new connection for a new token, and closes it on unmount", () => {
    const { result, rerender, unmount } = renderHook(({ token }) => useSession(URL, { token }),
      { initialProps: { token: "alice" } });
    const first = last();
    act(() => first.accept(SESSION));
    act(() => first.fire("message", { event: { id: "e1" }, to: [], data: {} }));

    rerender({ token: "bob" });
    expect(first.closed).toBe(true);
    expect(first.count("message")).toBe(0);
    expect(first.io.count("reconnect_attempt")).toBe(0);
    expect(sockets).toHaveLength(2);
    expect(last().options.auth).toEqual({ token: "bob", proxy: false });
    expect(result.current.status).toBe("connecting");
    expect(result.current.session).toBeNull();
    expect(result.current.messages).toEqual([]);

    const second = last();
    unmount();
    expect(second.closed).toBe(true);
  });
});
