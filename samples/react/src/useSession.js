// useSession: one connection to the session server (socket.io-client 4.x) as React state.
//
//   const { status, session, messages, error, send, disconnect } =
//       useSession(url, { token, proxy, enabled, ackTimeoutMs, maxMessages, socketOptions });
//
// - status: "connecting" | "connected" | "reconnecting" | "disconnected". socket.io-client reconnects by itself after
//   a network drop ("reconnecting"); a refused CONNECT (bad token) or a server-side disconnect is final
//   ("disconnected", with `error`).
// - session: the last `session` event, {participantId, sessionId, channelId, nodeId, proxy}; null until it came. A
//   reconnection gets a new session (and a new `session` event).
// - messages: every `message` the engine sent to this connection ({event, to, data}), oldest first, at most
//   maxMessages (default 200).
// - error: the last connect_error {message, code} or refused event {id, code, message}; null when none.
// - send(event): emits `message` with the Event and resolves with the server's ack, {ok:true,id} or
//   {ok:false,error:{code,message}}; rejects when not connected or without an ack within ackTimeoutMs (default
//   10000). Missing `id`, `timestamp` and `source` are filled in (source.id: this session's participant).
// A new url, token or proxy flag closes the connection and opens another; unmounting closes it.
import { useCallback, useEffect, useRef, useState } from "react";
import { io } from "socket.io-client";

export function newEventId() {
  return "evt_" + Date.now().toString(36) + "_" + Math.random().toString(36).slice(2, 10);
}

/** An Event of DESIGN.md: {id, type, source: {id}, timestamp, data}. */
export function makeEvent(type, data, participantId) {
  return { id: newEventId(), type, source: { id: participantId }, timestamp: new Date().toISOString(), data };
}

export function useSession(url, options = {}) {
  const { token, proxy = false, enabled = true, ackTimeoutMs = 10000, maxMessages = 200, socketOptions } = options;
  const [status, setStatus] = useState(enabled ? "connecting" : "disconnected");
  const [session, setSession] = useState(null);
  const [messages, setMessages] = useState([]);
  const [error, setError] = useState(null);
  const socketRef = useRef(null);
  const sessionRef = useRef(null);
  const extra = useRef(socketOptions);
  extra.current = socketOptions;

  useEffect(() => {
    if (!enabled || !url) {
      setStatus("disconnected");
      return undefined;
    }
    setStatus("connecting");
    setSession(null);
    setMessages([]);
    setError(null);
    sessionRef.current = null;
    // auth.token: the participant's credential (AUTH_MODE=token: the participant id itself).
    // auth.proxy: a proxy-mode connection receives every message addressed to its participant.
    const socket = io(url, { ...extra.current, auth: { token, proxy } });
    socketRef.current = socket;
    const settle = () => setStatus(socket.active ? "reconnecting" : "disconnected");

    socket.on("connect", () => {
      setStatus("connected");
      setError(null);
    });
    socket.on("session", (s) => {
      sessionRef.current = s;
      setSession(s);
    });
    socket.on("message", (m) => setMessages((list) => [...list, m].slice(-maxMessages)));
    socket.on("error", (e) => setError(e)); // a refused event sent without an ack: {id, code, message}
    socket.on("connect_error", (e) => {
      setError({ message: e.message, code: e.data && e.data.code });
      settle();
    });
    socket.on("disconnect", () => {
      sessionRef.current = null;
      settle();
    });
    const onAttempt = () => setStatus("reconnecting");
    const onFailed = () => setStatus("disconnected");
    socket.io.on("reconnect_attempt", onAttempt);
    socket.io.on("reconnect_failed", onFailed);

    return () => {
      socket.removeAllListeners();
      socket.io.off("reconnect_attempt", onAttempt); // the Manager may be shared: only our listeners
      socket.io.off("reconnect_failed", onFailed);
      socket.disconnect();
      if (socketRef.current === socket) socketRef.current = null;
    };
  }, [url, token, proxy, enabled, maxMessages]);

  const send = useCallback((event) => new Promise((resolve, reject) => {
    const socket = socketRef.current;
    if (!socket || !socket.connected) {
      reject(new Error("not connected"));
      return;
    }
    const participantId = sessionRef.current && sessionRef.current.participantId;
    const { id, type, source, timestamp, ...rest } = event;
    const full = {
      id: id || newEventId(),
      type,
      source: source || { id: participantId },
      timestamp: timestamp || new Date().toISOString(),
      ...rest,
    };
    socket.timeout(ackTimeoutMs).emit("message", full, (err, ack) => {
      if (err) reject(new Error(`no ack for ${full.id} within ${ackTimeoutMs} ms`));
      else resolve(ack);
    });
  }), [ackTimeoutMs]);

  const disconnect = useCallback(() => {
    const socket = socketRef.current;
    if (socket) socket.disconnect();
    setStatus("disconnected");
  }, []);

  return { status, session, messages, error, send, disconnect };
}
