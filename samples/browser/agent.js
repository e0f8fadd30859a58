// The agent page: invokes a run with the named client event `agent_invoke` and renders what the engine pushes back
// as named events: `run_started`, a `delta` per word (appended as it comes), `approval_required` (asks the user,
// answered with `approval_decision`), then `done`. Query parameters prefill the form: ?server=URL&token=ID
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let socket = null;
  let runId = null;

  $("server").value = params.get("server") || `http://${location.hostname || "localhost"}:3000`;
  if (params.has("token")) $("token").value = params.get("token");

  function log(name, data) {
    const li = document.createElement("li");
    li.textContent = `${name} ${JSON.stringify(data)}`;
    $("log").appendChild(li);
  }

  $("connect").onclick = () => {
    if (socket) return;
    socket = io($("server").value.trim(), { auth: { token: $("token").value.trim() } });
    socket.on("connect", () => { $("status").textContent = "connected"; $("run").disabled = false; });
    socket.on("disconnect", () => { $("status").textContent = "disconnected"; $("run").disabled = true; });
    socket.on("connect_error", (err) => { $("status").textContent = `connect_error: ${err.message}`; });
    socket.on("run_started", (data) => { log("run_started", data); runId = data.runId; $("runId").textContent = runId; });
    socket.on("delta", (data) => {
      log("delta", data);
      if (data.runId !== runId) return;
      const word = document.createElement("span");
      word.textContent = ($("answer").childElementCount ? " " : "") + data.text;
      $("answer").appendChild(word);
    });
    socket.on("approval_required", (data) => {
      log("approval_required", data);
      $("tool").textContent = data.tool;
      $("approval").hidden = false;
    });
    socket.on("done", (data) => {
      log("done", data);
      $("approval").hidden = true;
      $("done").textContent = data.approved ? `approved: ${data.text}` : data.cancelled ? "cancelled" : data.text;
    });
  };

  $("run").onclick = () => {
    $("answer").textContent = "";
    $("done").textContent = "-";
    // acked once the bus holds it; the engine answers with named pushes to this session
    socket.emit("agent_invoke", { prompt: $("prompt").value }, (ack) => log("ack", ack));
  };

  function decide(approved) {
    $("approval").hidden = true;
    socket.emit("approval_decision", { runId, approved }, (ack) => log("ack", ack));
  }
  $("approve").onclick = () => decide(true);
  $("deny").onclick = () => decide(false);
})();
