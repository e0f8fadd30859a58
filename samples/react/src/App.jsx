// The React sample app: the same page as samples/browser (same element ids), built on the useSession hook.
import { useState } from "react";
import { useSession } from "./useSession.js";

const params = new URLSearchParams(globalThis.location ? location.search : "");
const defaultServer = params.get("server") || `http://${globalThis.location?.hostname || "localhost"}:3000`;

export function App() {
  const [server, setServer] = useState(defaultServer);
  const [token, setToken] = useState(params.get("token") || "alice");
  const [proxy, setProxy] = useState(params.get("proxy") === "1" || params.get("proxy") === "true");
  // What we are connected to: set by Connect, so that typing in the fields does not reconnect at each key.
  const [target, setTarget] = useState(params.get("connect") === "1" ? { server, token, proxy } : null);
  const { status, session, messages, error, send } = useSession(target?.server, {
    token: target?.token, proxy: target?.proxy, enabled: target !== null,
  });
  const [type, setType] = useState("user.action");
  const [text, setText] = useState("hello");
  const [ack, setAck] = useState("-");

  const onSend = () => {
    setAck("waiting for the ack...");
    send({ type: type.trim() || "user.action", data: { text } })
      .then((a) => setAck(JSON.stringify(a, null, 2)))
      .catch((e) => setAck(`no ack: ${e.message}`));
  };

  return (
    <>
      <h1>Session server: React sample</h1>
      <fieldset>
        <legend>Connection</legend>
        <label>Server URL <input id="server" type="text" value={server}
          onChange={(e) => setServer(e.target.value)} /></label>
        <label>Token <input id="token" type="text" value={token} onChange={(e) => setToken(e.target.value)} /></label>
        <label><input id="proxy" type="checkbox" checked={proxy} onChange={(e) => setProxy(e.target.checked)} /> proxy
          mode</label>
        <button id="connect" disabled={target !== null}
          onClick={() => setTarget({ server: server.trim(), token: token.trim(), proxy })}>Connect</button>
        <button id="disconnect" disabled={target === null} onClick={() => setTarget(null)}>Disconnect</button>
        <div>Status: <span id="status" className={status}>{status}</span>{" "}
          <span id="error" className="error">{error ? `${error.code || ""} ${error.message || ""}`.trim() : ""}</span>
        </div>
        <div>Session (the <code>session</code> event):</div>
        <pre id="session">{session ? JSON.stringify(session, null, 2) : "-"}</pre>
      </fieldset>
      <fieldset>
        <legend>Send an event</legend>
        <label>Type <input id="type" type="text" value={type} onChange={(e) => setType(e.target.value)} /></label>
        <label>Text <input id="text" type="text" value={text} onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter" && status === "connected") onSend(); }} /></label>
        <button id="send" disabled={status !== "connected"} onClick={onSend}>Send</button>
        <div>Last ack:</div>
        <pre id="ack">{ack}</pre>
      </fieldset>
      <fieldset>
        <legend>Received messages (<span id="count">{messages.length}</span>)</legend>
        <ul id="messages">
          {messages.slice().reverse().map((m, i) => <Message key={messages.length - i} message={m} session={session} />)}
        </ul>
      </fieldset>
    </>
  );
}

function Message({ message, session }) {
  const event = message.event || {};
  const data = event.data || {};
  const from = message.data?.sessionId;
  return (
    <li data-event-id={event.id || ""} data-message={JSON.stringify(message)}>
      <div className="text">{event.type || "?"}: {data.text !== undefined ? String(data.text) : JSON.stringify(data)}</div>
      <div className="meta">
        from {event.source?.id || "?"}
        {from ? ` (session ${from}${session && from === session.sessionId ? ", this page" : ""})` : ""}
        {` · event ${event.id || "?"} · to ${JSON.stringify(message.to || [])}`}
      </div>
    </li>
  );
}
