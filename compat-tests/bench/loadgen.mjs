// The load generator of the benchmark: one program, used unchanged against the session server and the reference
// Node socket.io server. It forks worker processes that hold the connections (websocket transport; --client
// socket.io: socket.io-client, the default; --client raw: Engine.IO/Socket.IO frames over `ws`), runs the
// scenarios, reads the servers' CPU and RSS from /proc/<pid>, its own CPU from process.cpuUsage() of every one of its
// processes, and prints one JSON object with the results on stdout (progress goes to stderr).
//
//   node loadgen.mjs --label ours --kind java --mode single --nodes http://127.0.0.1:3000=PID \
//        --engine-key KEY --connections 10000 [--workers 2] [--clk-tck 100]
//   node loadgen.mjs --label ours --kind java --mode cluster --nodes URL1=PID1,URL2=PID2 --redis-pid PID ...
//
// mode single: warmup, ramp (unique participants p<i>), targeted, ack, re-ramp as one group, broadcast, latency,
//   overload (a fixed POST schedule to the group, more than the machine delivers; --no-overload skips it).
// mode cluster: ramp as one group split over the nodes, broadcast posted to the first node (through Redis).
// mode scale: the last of --nodes stays idle (no connection, no POST); --connections participants p<i> spread evenly
//   over the others (connected over --scale-connect-seconds, one ping interval), then --scale-messages targeted
//   messages (one participant each) at --scale-rate, posted on the active nodes in turn (--scale-via redis, ours
//   only: SPUBLISHed by the generator on the participants' sharded channels, as an engine does; --scale-per-node:
//   rate and count per active node): CPU of all active nodes per delivered message, and the idle node's per cluster
//   message.
// mode topics: --topic-members connections (participants p<i>), all in topic "members-1000", ten in "members-0010";
//   the same message to the topic, to a `to` list of every member, and to the small topic.
// See README.md for what each figure means.
import { fork, execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const isWorker = process.argv.includes("--worker");
const now = () => performance.timeOrigin + performance.now(); // epoch ms with sub-ms resolution, same in every process
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`${new Date().toISOString()} [loadgen${isWorker ? " w" + process.pid : ""}] ${a.join(" ")}\n`);

if (isWorker) await worker();
else await coordinator();

// ---------------------------------------------------------------------------------------------------- worker
async function worker() {
  // --client socket.io: socket.io-client 4.8.4, the reference; --client raw: Engine.IO v4 / Socket.IO v5 frames
  // written and read over a plain `ws` WebSocket, a lighter client so that the servers' own costs show on 2 cores
  const client = process.env.BENCH_CLIENT || "socket.io";
  const { io } = client === "socket.io" ? await import("socket.io-client") : {};
  const WebSocket = client === "raw" ? (await import("ws")).default : null;
  const transports = (process.env.BENCH_TRANSPORTS || "websocket").split(",");
  const sockets = new Map(); // index -> {participantId, emit(event, ack), close()}
  const received = new Map(); // phase -> count
  const bytes = new Map(); // phase -> Message JSON bytes received, for phases whose messages ask (data.bytes)
  const latency = new Map(); // phase -> Map(bucket 0.1 ms -> count)
  const lastAt = new Map(); // phase -> time of its last delivery (epoch ms)
  // phase -> Map(seq -> {n: deliveries, h: Map(latency bucket 1 ms -> count)}), for the phases the coordinator tracks
  const perSeq = new Map();
  let dropped = 0; // connections closed by the server or the network after their `session` event, not by us
  const dropReasons = {};

  const onDrop = (reason) => {
    dropped++;
    dropReasons[reason] = (dropReasons[reason] || 0) + 1;
  };
  // one delivery: its phase, the generator's stamp (data.sentAt) and seq, if any
  function count(phase, sentAt, seq) {
    received.set(phase, (received.get(phase) || 0) + 1);
    let ms = NaN;
    if (typeof sentAt === "number" && sentAt === sentAt) {
      const t = now();
      lastAt.set(phase, t);
      let h = latency.get(phase);
      if (!h) latency.set(phase, (h = new Map()));
      ms = Math.max(0, t - sentAt);
      const b = Math.round(ms * 10);
      h.set(b, (h.get(b) || 0) + 1);
    }
    const s = perSeq.get(phase);
    if (s) {
      let e = s.get(seq);
      if (!e) s.set(seq, (e = { n: 0, h: new Map() }));
      e.n++;
      if (ms === ms) {
        const b = Math.round(ms);
        e.h.set(b, (e.h.get(b) || 0) + 1);
      }
    }
  }

  // socket.io-client: the Message as the client library hands it over (parsed)
  function onMessage(m) {
    const d = m && m.data;
    if (!d || typeof d.phase !== "string") return;
    if (d.bytes) bytes.set(d.phase, (bytes.get(d.phase) || 0) + Buffer.byteLength(JSON.stringify(m)));
    count(d.phase, d.sentAt, d.seq);
  }

  // raw: the frame 42["message",{...}] as text. Only what is counted is read out of it, without JSON.parse: both
  // servers write compact JSON, so the same few string searches per delivery for both. A phase that measures
  // bytes (topics) parses the Message as socket.io-client does, to measure the same JSON.stringify.
  function onRawMessage(frame) {
    if (frame.includes('"bytes":true')) return onMessage(JSON.parse(frame.slice(2))[1]);
    const p = frame.indexOf('"phase":"');
    if (p < 0) {
      if (frame.includes('"phase"')) onMessage(JSON.parse(frame.slice(2))[1]); // not compact: parse it
      return;
    }
    const phase = frame.slice(p + 9, frame.indexOf('"', p + 9));
    const s = frame.indexOf('"sentAt":');
    const sentAt = s < 0 ? undefined : parseFloat(frame.slice(s + 9, s + 40));
    let seq;
    if (perSeq.has(phase)) {
      const q = frame.indexOf('"seq":');
      if (q >= 0) seq = parseInt(frame.slice(q + 6, q + 20), 10);
    }
    count(phase, sentAt, seq);
  }

  function connectSocketIo(index, url, participantId) {
    return new Promise((resolve) => {
      const socket = io(url, {
        forceNew: true,
        transports, // websocket only by default; "polling,websocket" starts on polling and upgrades, as browsers do
        reconnection: false,
        timeout: 60000,
        auth: { token: participantId },
      });
      let done = false;
      const finish = (ok, why) => {
        if (done) return;
        done = true;
        if (!ok) socket.close();
        resolve({ ok, why });
      };
      socket.on("session", () => {
        sockets.set(index, { participantId, emit: (event, ack) => socket.emit("message", event, ack),
          close: () => socket.close() });
        finish(true);
      });
      socket.on("connect_error", (e) => finish(false, e && e.message));
      socket.on("disconnect", (reason) => {
        if (done && reason !== "io client disconnect") onDrop(reason);
      });
      socket.on("message", onMessage);
    });
  }

  // Engine.IO v4 over the websocket transport, one packet per frame: 0 open, 2 ping (answered 3), 4 message holding
  // a Socket.IO v5 packet: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR. Namespace "/" (no prefix).
  function connectRaw(index, url, participantId) {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`,
        // neither server enables permessage-deflate; both send valid UTF-8: a generator need not check it
        { perMessageDeflate: false, handshakeTimeout: 60000, skipUTF8Validation: true });
      const acks = new Map(); // ack id -> callback
      let nextAck = 0, done = false, closing = false;
      const connection = {
        participantId,
        emit(event, ack) {
          const id = nextAck++;
          acks.set(id, ack);
          ws.send(`42${id}${JSON.stringify(["message", event])}`);
        },
        close() {
          closing = true;
          if (ws.readyState === WebSocket.OPEN) ws.send("41"); // DISCONNECT, as socket.close() does
          ws.close();
        },
      };
      const timer = setTimeout(() => finish(false, "timeout"), 60000);
      const finish = (ok, why) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!ok) {
          closing = true;
          ws.terminate();
        }
        resolve({ ok, why });
      };
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const f = data.toString();
        const eio = f.charCodeAt(0);
        if (eio === 50) return ws.send("3"); // ping -> pong
        if (eio === 48) return ws.send(`40${JSON.stringify({ token: participantId })}`); // open -> CONNECT with auth
        if (eio !== 52) return; // close, noop
        switch (f.charCodeAt(1)) {
          case 50: // EVENT
            if (f.startsWith('42["message",')) return onRawMessage(f);
            if (f.startsWith('42["session",')) {
              sockets.set(index, connection);
              finish(true);
            }
            return;
          case 51: { // ACK: 43<id>[args]
            let j = 2;
            while (f.charCodeAt(j) >= 48 && f.charCodeAt(j) <= 57) j++;
            const id = Number(f.slice(2, j));
            const ack = acks.get(id);
            if (ack) {
              acks.delete(id);
              ack(...JSON.parse(f.slice(j)));
            }
            return;
          }
          case 52: { // CONNECT_ERROR
            let why;
            try { why = JSON.parse(f.slice(2)).message; } catch { why = f; }
            return finish(false, why);
          }
          case 49: // DISCONNECT from the server
            if (done) onDrop("io server disconnect");
            closing = true;
            ws.close();
            return finish(false, "io server disconnect");
          default: // CONNECT reply 40{"sid":..}: the session event follows
        }
      });
      ws.on("close", (code) => {
        if (!done) return finish(false, `closed ${code}`);
        if (!closing) onDrop(`transport close ${code}`);
      });
      ws.on("error", (e) => finish(false, e && e.message));
    });
  }
  const connectOne = client === "raw" ? connectRaw : connectSocketIo;

  // spreadMs > 0: the connections start evenly over that time instead of as fast as the lanes go
  async function connect({ indexes, urls, group, concurrency, spreadMs = 0 }) {
    const t0 = now();
    let next = 0, ok = 0, failed = 0;
    const reasons = {};
    async function lane() {
      while (next < indexes.length) {
        const position = next++;
        const i = indexes[position];
        const due = t0 + (position * spreadMs) / indexes.length;
        if (due > now()) await sleep(due - now());
        const r = await connectOne(i, urls[i % urls.length], group || `p${i}`);
        if (r.ok) ok++;
        else {
          failed++;
          reasons[r.why] = (reasons[r.why] || 0) + 1;
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    return { ok, failed, reasons, ms: now() - t0 };
  }

  async function ack({ indexes, ratePerClient, seconds }) {
    const rtts = [];
    let sent = 0, errors = 0, outstanding = 0;
    const interval = 1000 / ratePerClient;
    const end = now() + seconds * 1000;
    const timers = [];
    await new Promise((resolveAll) => {
      let running = indexes.length;
      indexes.forEach((i, k) => {
        const s = sockets.get(i);
        if (!s) {
          running--;
          return;
        }
        // spread the clients over one interval so that the load is even
        const start = setTimeout(() => {
          const t = setInterval(() => {
            if (now() >= end) {
              clearInterval(t);
              if (--running === 0) resolveAll();
              return;
            }
            const id = `e${i}_${sent++}`;
            const event = {
              id, type: "bench.ping", source: { id: s.participantId },
              timestamp: new Date().toISOString(), data: { n: sent },
            };
            const t0 = performance.now();
            outstanding++;
            s.emit(event, (a) => {
              outstanding--;
              if (a && a.ok === true && a.id === id) rtts.push(performance.now() - t0);
              else errors++;
            });
          }, interval);
          timers.push(t);
        }, (k * interval) / indexes.length);
        timers.push(start);
      });
      if (running === 0) resolveAll();
    });
    const waitUntil = now() + 5000;
    while (outstanding > 0 && now() < waitUntil) await sleep(20);
    return { sent, acked: rtts.length, errors, lost: outstanding, rtts };
  }

  process.on("message", async (msg) => {
    const reply = (body) => process.send({ rid: msg.rid, ...body, cpu: process.cpuUsage() });
    try {
      switch (msg.cmd) {
        case "cpu":
          return reply({});
        case "connect":
          return reply(await connect(msg));
        case "expect": {
          if ((received.get(msg.phase) || 0) < msg.count) await sleep(msg.timeoutMs);
          const h = msg.withHist ? latency.get(msg.phase) : null;
          const q = msg.withHist || msg.withSeq ? perSeq.get(msg.phase) : null;
          const n = received.get(msg.phase) || 0;
          if (msg.withSeq) return reply({ received: n, seqCounts: q ? [...q].map(([seq, e]) => [seq, e.n]) : [] });
          return reply({ received: n, hist: h ? [...h.entries()] : [], bytes: bytes.get(msg.phase) || 0,
            lastAt: lastAt.get(msg.phase) || 0, perSeq: q ? [...q].map(([seq, e]) => [seq, e.n, [...e.h]]) : [] });
        }
        case "track": // count the deliveries of each seq of this phase
          perSeq.set(msg.phase, new Map());
          return reply({});
        case "drops":
          return reply({ dropped, reasons: dropReasons });
        case "ack":
          return reply(await ack(msg));
        case "disconnect": {
          for (const s of sockets.values()) s.close();
          const n = sockets.size;
          sockets.clear();
          return reply({ closed: n });
        }
        case "exit":
          reply({});
          return setTimeout(() => process.exit(0), 50);
        default:
          return reply({ error: `unknown command ${msg.cmd}` });
      }
    } catch (e) {
      reply({ error: String(e && e.stack || e) });
    }
  });
  process.on("disconnect", () => process.exit(0)); // the coordinator is gone
  process.send({ ready: true });
}

// ---------------------------------------------------------------------------------------------------- coordinator
async function coordinator() {
  const opt = parseArgs(process.argv.slice(2), {
    label: "server", kind: "java", mode: "single", nodes: "", "engine-key": "", connections: 1000, workers: 2,
    "clk-tck": 100, warmup: 1000, "warmup-messages": 10000, "warmup-ack-seconds": 2, "idle-seconds": 25, "ramp-concurrency": 200, "ack-clients": 100, "ack-rate": 1000, "ack-seconds": 25,
    "scale-messages": 3000, "scale-rate": 500, "scale-warmup": 40000, "scale-connect-seconds": 25, "scale-window-tries": 3,
    "scale-via": "http", "redis-url": "",
    "topic-members": 1000, "topic-messages": 50, "topic-rate": 10, "topic-warmup": 300, "topic-list-warmup": 20,
    "targeted-concurrency": 32, "broadcast-warm": 3, "broadcast-messages": 20, "broadcast-rate": 5,
    transports: "websocket", client: "socket.io", "overload-rate": 20, "overload-seconds": 5, "overload-inflight": 1000,
    "overload-drain": 120, "overload-post-timeout": 30,
    "latency-messages": 30, "latency-rate": 10, "light-messages": 5, "light-rate": 1, "redis-pid": "", deployment: "standalone", "delivery-timeout": 120, group: "all",
  });
  const N = Number(opt.connections);
  const W = Math.max(1, Number(opt.workers));
  const CLK = Number(opt["clk-tck"]);
  const nodes = String(opt.nodes).split(",").filter(Boolean).map((s) => {
    const [url, pid] = s.split("=");
    return { url, pid: Number(pid) };
  });
  if (nodes.length === 0) throw new Error("--nodes URL=PID[,URL=PID] is required");
  const urls = nodes.map((n) => n.url);
  const pids = nodes.map((n) => n.pid);
  // one redis-server, or the masters of a Redis Cluster (comma-separated): their CPU is summed
  const redisPids = opt["redis-pid"] ? String(opt["redis-pid"]).split(",").map(Number) : [];
  const redisPid = redisPids.length ? redisPids[0] : null;
  const deliveryTimeout = Number(opt["delivery-timeout"]) * 1000;
  const client = String(opt.client);
  if (client !== "socket.io" && client !== "raw") throw new Error("--client is socket.io or raw");
  if (client === "raw" && String(opt.transports) !== "websocket") throw new Error("--client raw speaks websocket only");

  // ---- /proc readings
  const cpuTicks = (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
    return [Number(f[11]), Number(f[12])]; // utime (14), stime (15), in clock ticks
  };
  // A process's threads from their schedstat: name, CPU seconds (nanoseconds in the file: clock ticks, 10 ms, are too
  // coarse for a node that should spend a few microseconds per message of the cluster) and times run; and from their
  // status, how many of those runs began after the scheduler took the CPU away (nonvoluntary context switches: the
  // machine's contention, not a wake-up the code asked for); a thread that ends while being read is left out
  const threadStats = (pid) => readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      const [ns, , runs] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
      const preempted = Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(
        readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))?.[1] ?? 0);
      return [{ name, cpu: ns / 1e9, runs, preempted }];
    } catch {
      return [];
    }
  });
  const threadsCpu = (pid) => threadStats(pid).reduce((sum, t) => sum + t.cpu, 0);
  // CPU seconds of the JVM's JIT compiler threads (0 for Node, whose compilers share its worker threads with the GC)
  const jitCpu = (pid) => opt.kind !== "java" ? 0
    : threadStats(pid).filter((t) => /^C[12] CompilerThre/.test(t.name)).reduce((sum, t) => sum + t.cpu, 0);
  const sumOf = (f, list = pids) => list.reduce((a, pid) => a + f(pid), 0);
  // CPU seconds and times run per kind of thread of the processes; a kind is the thread's name without its numbers
  // (epollEventLoopGroup-#-#, C# CompilerThre)
  const threadKinds = (list) => {
    const kinds = {};
    for (const t of list.flatMap(threadStats)) {
      const k = kinds[t.name.replace(/\d+/g, "#")] ??= { cpu: 0, runs: 0, preempted: 0 };
      k.cpu += t.cpu;
      k.runs += t.runs;
      k.preempted += t.preempted;
    }
    return kinds;
  };
  // What each kind of thread spent per message in a window, above what it spent in a quiet time as long (both
  // windows' before/after threadKinds): CPU in us, runs and preempted runs, the kinds that cost most first
  const threadKindsPerMessage = (w0, w1, q0, q1, messages) => Object.entries(w1).map(([kind, a]) => {
    const delta = (x1, x0, f) => (x1?.[f] ?? 0) - (x0?.[f] ?? 0);
    const perMessage = (f) => (delta(a, w0[kind], f) - delta(q1[kind], q0[kind], f)) / messages;
    return { kind, usPerMessage: perMessage("cpu") * 1e6, runsPerMessage: perMessage("runs"),
      preemptedPerMessage: perMessage("preempted") };
  }).filter((k) => Math.abs(k.usPerMessage) >= 1 || k.runsPerMessage >= 0.05).sort((a, b) => b.usPerMessage - a.usPerMessage);
  // seconds since the process started (its start time, field 22 of stat, in clock ticks since boot)
  const ageSeconds = (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const started = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]) / CLK;
    return Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) - started;
  };
  // utime + stime of the processes, seconds; serverSys: stime alone (the kernel's share: syscalls, loopback TCP)
  const serverCpu = (list = pids) => list.reduce((sum, pid) => sum + (cpuTicks(pid)[0] + cpuTicks(pid)[1]) / CLK, 0);
  const serverSys = (list = pids) => list.reduce((sum, pid) => sum + cpuTicks(pid)[1] / CLK, 0);
  const rssKb = (list = pids) => list.reduce((sum, pid) => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return sum + (m ? Number(m[1]) : NaN);
  }, 0);
  const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  async function heapAfterGcKb(list = pids) {
    let sum = 0;
    for (let k = 0; k < list.length; k++) {
      if (opt.kind === "java") {
        execFileSync("jcmd", [String(list[k]), "GC.run"], { stdio: "ignore" });
        const info = execFileSync("jcmd", [String(list[k]), "GC.heap_info"], { encoding: "utf8" });
        // G1: one "garbage-first heap total ..K, used ..K" line; Serial/Parallel: one line per generation
        const used = [...info.matchAll(/total \d+K, used (\d+)K/g)].map((m) => Number(m[1]));
        sum += used.length ? used.reduce((a, b) => a + b, 0) : NaN;
      } else {
        const r = await httpJson("GET", `${urls[k]}/bench/heap`);
        sum += r.heapUsed / 1024;
      }
    }
    return sum;
  }

  // ---- workers
  const me = fileURLToPath(import.meta.url);
  const workers = [];
  let rid = 0;
  const pending = new Map();
  for (let w = 0; w < W; w++) {
    const child = fork(me, ["--worker"], { stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, BENCH_TRANSPORTS: String(opt.transports), BENCH_CLIENT: client } });
    child.on("message", (m) => {
      if (m.ready) return child.emit("ready");
      const p = pending.get(m.rid);
      if (p) {
        pending.delete(m.rid);
        p(m);
      }
    });
    child.on("exit", (code) => {
      if (code) log(`worker ${w} exited with ${code}`);
    });
    await new Promise((r) => child.once("ready", r));
    workers.push(child);
  }
  const call = (w, cmd, body = {}) => new Promise((resolve) => {
    const id = ++rid;
    pending.set(id, (m) => {
      if (m.error) log(`worker ${w} ${cmd}: ${m.error}`);
      resolve(m);
    });
    workers[w].send({ rid: id, cmd, ...body });
  });
  const all = (cmd, bodyOf = () => ({})) => Promise.all(workers.map((_, w) => call(w, cmd, bodyOf(w))));
  const split = (indexes) => workers.map((_, w) => indexes.filter((_, k) => k % W === w));
  const range = (from, to) => Array.from({ length: to - from }, (_, k) => from + k);

  // CPU of the generator: this process plus every worker, in seconds; per process too (to spot the bottleneck).
  async function genCpu() {
    const replies = await all("cpu");
    const own = process.cpuUsage();
    const per = [own, ...replies.map((r) => r.cpu)].map((c) => (c.user + c.system) / 1e6);
    return { total: per.reduce((a, b) => a + b, 0), per };
  }
  // A measurement window: server CPU (the nodes), Redis CPU, generator CPU and wall time.
  async function window(fn) {
    const g0 = await genCpu(), s0 = serverCpu(), k0 = serverSys(), r0 = redisPid ? serverCpu(redisPids) : 0, t0 = now();
    const j0 = sumOf(jitCpu), a0 = sumOf(threadsCpu);
    const result = await fn();
    const t1 = now(), s1 = serverCpu(), k1 = serverSys(), r1 = redisPid ? serverCpu(redisPids) : 0, g1 = await genCpu();
    const j1 = sumOf(jitCpu), a1 = sumOf(threadsCpu);
    const wall = (t1 - t0) / 1000;
    return {
      // the JVM's JIT compilers' share of its CPU in the window: near 0 once warm (a check on the warm-up)
      serverJitShare: opt.kind === "java" ? (j1 - j0) / Math.max(1e-9, a1 - a0) : undefined,
      result, wall, serverCpu: s1 - s0, redisCpu: r1 - r0, genCpu: g1.total - g0.total,
      genMaxProcUtil: Math.max(...g1.per.map((c, k) => (c - g0.per[k]) / wall)),
      serverUtil: (s1 - s0) / wall, serverSysShare: (k1 - k0) / Math.max(1e-9, s1 - s0),
    };
  }

  // Waits (at most 20 s) until the servers are idle (under 5 % of a core over 500 ms): the JIT compilers of both
  // runtimes work in the background after a phase, and their CPU would otherwise land in the next window.
  async function settle() {
    const until = now() + 20_000;
    for (;;) {
      const c0 = serverCpu(), t0 = now();
      await sleep(500);
      if ((serverCpu() - c0) / ((now() - t0) / 1000) < 0.05 || now() > until) return log("settled: next window starts");
    }
  }

  // Runs unmeasured rounds (roundFn returns how many units it did) until two in a row cost the servers the same CPU
  // per unit within 10 % and (ours) the JIT compilers took under 10 % of it, at most 15; returns how many ran. Both runtimes compile in the background, so a round's
  // compilations land in it or the next.
  async function warmUntilStable(name, roundFn, max = 15) {
    let previous = Infinity;
    for (let round = 0; round < max; round++) {
      const c0 = sumOf(threadsCpu), j0 = sumOf(jitCpu);
      const units = await roundFn(round);
      const cpu = sumOf(threadsCpu) - c0, jitShare = (sumOf(jitCpu) - j0) / Math.max(1e-9, cpu);
      const perUnit = cpu / Math.max(1, units);
      log(`${name}: warm-up round ${round}: ${(perUnit * 1e6).toFixed(0)} us per unit, JIT ${(jitShare * 100).toFixed(0)} %`);
      // the JVM's own check: its compilers have (nearly) stopped; Node's compilers cannot be told from its GC
      if (Math.abs(perUnit - previous) / previous < 0.1 && jitShare < 0.1) return round + 1;
      previous = perUnit;
    }
    return max;
  }

  // The engine's own connection to Redis (--scale-via redis): this server's Redis contract, one Redis or a cluster.
  async function redisPublisher() {
    if (opt.kind !== "java" || !opt["redis-url"]) {
      throw new Error("--scale-via redis: this server only (its sharded channels), with --redis-url");
    }
    const { createClient, createCluster } = await import("redis");
    const urls = String(opt["redis-url"]).split(",");
    const client = opt.deployment === "cluster"
      ? createCluster({ rootNodes: urls.map((url) => ({ url })) }) : createClient({ url: urls[0] });
    await client.connect();
    return client;
  }

  // The servers' CPU per second with nothing to do but hold what is open (after settle), from the threads' schedstat.
  async function idleCpu(seconds) {
    const c0 = pids.reduce((a, pid) => a + threadsCpu(pid), 0), t0 = now();
    await sleep(seconds * 1000);
    return (pids.reduce((a, pid) => a + threadsCpu(pid), 0) - c0) / ((now() - t0) / 1000);
  }

  async function ramp(count, group) {
    await settle();
    const indexes = split(range(0, count));
    const conc = Math.max(1, Math.floor(Number(opt["ramp-concurrency"]) / W));
    const w = await window(() => all("connect", (k) => ({ indexes: indexes[k], urls, group, concurrency: conc })));
    const ok = w.result.reduce((a, r) => a + r.ok, 0);
    const failed = w.result.reduce((a, r) => a + r.failed, 0);
    const reasons = {};
    for (const r of w.result) for (const [k, v] of Object.entries(r.reasons || {})) reasons[k] = (reasons[k] || 0) + v;
    log(`ramp ${group || "unique"}: ${ok}/${count} in ${w.wall.toFixed(2)} s (${(ok / w.wall).toFixed(0)}/s), failed ${failed} ${JSON.stringify(reasons)}`);
    return { ok, failed, reasons, wall: w.wall, rate: ok / w.wall, serverCpuPerConnUs: (w.serverCpu / ok) * 1e6,
      genCpu: w.genCpu, genMaxProcUtil: w.genMaxProcUtil, serverUtil: w.serverUtil, serverSysShare: w.serverSysShare, serverJitShare: w.serverJitShare };
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  function httpJson(method, url, body, headers = {}) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(url, {
        method, agent, headers: { "content-type": "application/json", ...headers,
          ...(data ? { "content-length": Buffer.byteLength(data) } : {}) },
      }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode >= 300) return reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
          try { resolve(text ? JSON.parse(text) : {}); } catch { resolve({ text }); }
        });
      });
      req.on("error", reject);
      if (data) req.write(data);
      req.end();
    });
  }
  const engineAuth = { authorization: `Bearer ${opt["engine-key"]}` };
  const httpText = (url) => new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    }).on("error", reject);
  });
  const post = (to, phase, seq, extraData = {}) => httpJson("POST", `${urls[0]}/messages`,
    { event: { id: `m_${phase}_${seq}`, type: "bench.note" }, to,
      data: { phase, seq, sentAt: now(), text: "hello from the engine", ...extraData } }, engineAuth);

  async function expectAll(phase, total) {
    // each worker's share is unknown (groups, targets), so wait on the sum
    const until = now() + deliveryTimeout;
    let replies;
    for (;;) {
      replies = await all("expect", () => ({ phase, count: Number.MAX_SAFE_INTEGER, timeoutMs: 50 }));
      const got = replies.reduce((a, r) => a + r.received, 0);
      if (got >= total || now() > until) break;
    }
    replies = await all("expect", () => ({ phase, count: 0, timeoutMs: 0, withHist: true }));
    const hist = new Map();
    for (const r of replies) for (const [b, c] of r.hist) hist.set(b, (hist.get(b) || 0) + c);
    const perSeq = new Map(); // seq -> {n, h: Map(latency ms -> count)}
    for (const r of replies) {
      for (const [q, n, h] of r.perSeq || []) {
        let e = perSeq.get(q);
        if (!e) perSeq.set(q, (e = { n: 0, h: new Map() }));
        e.n += n;
        for (const [b, c] of h) e.h.set(b, (e.h.get(b) || 0) + c);
      }
    }
    return { received: replies.reduce((a, r) => a + r.received, 0), hist,
      bytes: replies.reduce((a, r) => a + (r.bytes || 0), 0), lastAt: Math.max(0, ...replies.map((r) => r.lastAt || 0)),
      perSeq };
  }

  // Paced messages to `to`, then wait for `perMessage` deliveries of each; `warm` messages first, not measured (the
  // JITs compile the fan-out path during the first ones).
  async function deliveries(phase, to, count, rate, perMessage, warm = 0, extraData = {}) {
    for (let seq = 0; seq < warm; seq++) await post(to, `${phase}-warm`, seq, extraData);
    if (warm > 0) await expectAll(`${phase}-warm`, warm * perMessage);
    await settle();
    const w = await window(async () => {
      const t0 = now();
      for (let seq = 0; seq < count; seq++) {
        const due = t0 + (seq * 1000) / rate;
        if (due > now()) await sleep(due - now());
        await post(to, phase, seq, extraData);
      }
      return expectAll(phase, count * perMessage);
    });
    const { received, hist, bytes } = w.result;
    log(`${phase}: ${received}/${count * perMessage} deliveries in ${w.wall.toFixed(2)} s, server ${w.serverCpu.toFixed(2)} s CPU`);
    return {
      messages: count, expected: count * perMessage, received, wall: w.wall,
      serverCpuPerDeliveryUs: (w.serverCpu / received) * 1e6,
      redisCpuPerDeliveryUs: redisPid ? (w.redisCpu / received) * 1e6 : undefined,
      genCpuPerDeliveryUs: (w.genCpu / received) * 1e6, genMaxProcUtil: w.genMaxProcUtil, serverUtil: w.serverUtil,
      serverSysShare: w.serverSysShare, serverJitShare: w.serverJitShare, deliveriesPerSec: received / w.wall, latencyMs: percentiles(hist, 0.1),
      bytesPerDelivery: bytes ? bytes / received : undefined,
    };
  }

  // POST /messages that resolves with how it was answered instead of rejecting: 202, 503 (the server refused it:
  // back-pressure) or a failure (another status, an error, no answer within --overload-post-timeout)
  const postAgent = new http.Agent({ keepAlive: true, maxSockets: Number(opt["overload-inflight"]) });
  function postOutcome(body) {
    return new Promise((resolve) => {
      const data = JSON.stringify(body);
      let settled = false;
      const done = (outcome) => {
        if (!settled) resolve((settled = true, outcome));
      };
      const req = http.request(`${urls[0]}/messages`, {
        method: "POST", agent: postAgent, headers: { "content-type": "application/json", ...engineAuth,
          "content-length": Buffer.byteLength(data) },
      }, (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode === 202 ? "accepted" : res.statusCode === 503 ? "refused"
          : `status ${res.statusCode}`));
        res.on("error", (e) => done(e.message));
      });
      req.setTimeout(Number(opt["overload-post-timeout"]) * 1000, () => {
        done("timeout");
        req.destroy();
      });
      req.on("error", (e) => done(e.code || e.message));
      req.end(data);
    });
  }

  // Overload: a fixed schedule of messages to all (--overload-rate per second for --overload-seconds), each POST
  // fired at its time whatever became of the earlier ones (at most --overload-inflight unanswered: if that binds,
  // `capWaits` says so), so that both servers get the same offered load. Then, once every POST is answered, at most
  // --overload-drain seconds for the accepted messages to reach every connection.
  async function overload(perMessage) {
    const rate = Number(opt["overload-rate"]), count = Math.round(rate * Number(opt["overload-seconds"]));
    const cap = Number(opt["overload-inflight"]), drainMs = Number(opt["overload-drain"]) * 1000;
    const phase = "overload";
    await all("track", () => ({ phase }));
    await settle();
    const drops0 = await all("drops");
    const outcomes = new Array(count);
    const answerMs = [], answeredAfter = new Array(count); // ms from firing each POST to its answer
    let inFlight = 0, maxInFlight = 0, capWaits = 0, maxLateMs = 0, t0 = 0, tAnswered = 0, tDrained = 0;
    const w = await window(async () => {
      t0 = now();
      const answers = [];
      for (let seq = 0; seq < count; seq++) {
        const due = t0 + (seq * 1000) / rate;
        if (due > now()) await sleep(due - now());
        if (inFlight >= cap) capWaits++;
        while (inFlight >= cap) await sleep(1);
        const sentAt = now();
        maxLateMs = Math.max(maxLateMs, sentAt - due);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        answers.push(postOutcome({ event: { id: `m_${phase}_${seq}`, type: "bench.note" },
          to: [{ participantId: opt.group }], data: { phase, seq, sentAt, text: "hello from the engine" } })
          .then((outcome) => {
            inFlight--;
            outcomes[seq] = outcome;
            answeredAfter[seq] = now() - sentAt;
            if (outcome === "accepted") answerMs.push(answeredAfter[seq]);
          }));
      }
      await Promise.all(answers);
      tAnswered = now();
      // Drained: every accepted message reached every connection and nothing arrived for a second (a POST that
      // failed, e.g. answered too late, may still be delivered: its deliveries count, and are waited for).
      const acceptedSeqs = outcomes.flatMap((o, seq) => (o === "accepted" ? [seq] : []));
      const until = tAnswered + drainMs;
      let seen = -1, changedAt = now();
      for (;;) {
        const replies = await all("expect",
          () => ({ phase, count: Number.MAX_SAFE_INTEGER, timeoutMs: 50, withSeq: true }));
        const got = replies.reduce((a, r) => a + r.received, 0);
        if (got !== seen) [seen, changedAt] = [got, now()];
        const perSeq = new Map();
        for (const r of replies) for (const [q, n] of r.seqCounts) perSeq.set(q, (perSeq.get(q) || 0) + n);
        const complete = acceptedSeqs.every((q) => (perSeq.get(q) || 0) >= perMessage);
        if ((complete && now() - changedAt >= 1000) || now() > until) break;
      }
      tDrained = now();
      return expectAll(phase, 0);
    });
    const drops1 = await all("drops");
    const { received, hist, perSeq, lastAt } = w.result;
    const reasons = {};
    for (const r of drops1) for (const [k, v] of Object.entries(r.reasons)) reasons[k] = (reasons[k] || 0) + v;
    for (const r of drops0) for (const [k, v] of Object.entries(r.reasons)) reasons[k] -= v;
    for (const k of Object.keys(reasons)) if (!reasons[k]) delete reasons[k];
    const failures = {};
    let accepted = 0, refused = 0, acceptedShort = 0, refusedDelivered = 0, minPerAccepted = Infinity;
    const afterAnswer = new Map(); // latency counted from the POST's answer instead of its firing, 1 ms buckets
    const posts = []; // per message: how its POST was answered and when (ms after firing), its deliveries, when
    outcomes.forEach((o, seq) => {
      const e = perSeq.get(seq);
      const got = e ? e.n : 0;
      let first = Infinity, last = -Infinity;
      if (e) {
        for (const [b, c] of e.h) {
          const k = Math.max(0, Math.round(b - answeredAfter[seq]));
          afterAnswer.set(k, (afterAnswer.get(k) || 0) + c);
          first = Math.min(first, b);
          last = Math.max(last, b);
        }
      }
      posts.push({ seq, outcome: o, answerMs: Math.round(answeredAfter[seq]), deliveries: got,
        firstDeliveryMs: got ? first : null, lastDeliveryMs: got ? last : null });
      if (o === "accepted") {
        accepted++;
        minPerAccepted = Math.min(minPerAccepted, got);
        if (got < perMessage) acceptedShort++;
      } else {
        if (o === "refused") refused++;
        else failures[o] = (failures[o] || 0) + 1;
        if (got > 0) refusedDelivered++;
      }
    });
    const quantiles = (xs) => {
      xs.sort((a, b) => a - b);
      const at = (p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
      return { p50: at(0.5), p99: at(0.99), max: xs.length ? xs[xs.length - 1] : NaN };
    };
    const refusedMs = outcomes.flatMap((o, seq) => (o === "refused" ? [answeredAfter[seq]] : []));
    // ours: its own counts of held and refused publishers and of disconnects, for the record
    let serverMetrics;
    if (opt.kind === "java") {
      serverMetrics = await httpText(`${urls[0]}/metrics`).then((text) => text.split("\n")
        .filter((l) => /^sessions_(publishers_|backlog_|disconnects_total)/.test(l)).join("\n"), (e) => String(e));
    }
    const result = {
      messages: count, rate, offeredPerSec: rate * perMessage, connections: perMessage,
      accepted, refused, failed: count - accepted - refused, failures,
      expected: accepted * perMessage, received, allDelivered: acceptedShort === 0 && received >= accepted * perMessage,
      acceptedNotFullyDelivered: acceptedShort, minDeliveriesOfAccepted: accepted ? minPerAccepted : NaN,
      notAcceptedButDelivered: refusedDelivered,
      dropped: drops1.reduce((a, r) => a + r.dropped, 0) - drops0.reduce((a, r) => a + r.dropped, 0),
      dropReasons: reasons,
      deliveriesPerSec: lastAt > t0 ? received / ((lastAt - t0) / 1000) : 0,
      latencyMs: percentiles(hist, 0.1), latencyAfterAnswerMs: percentiles(afterAnswer, 1),
      answerMs: quantiles(answerMs), refusedAnswerMs: quantiles(refusedMs),
      sendSeconds: (tAnswered - t0) / 1000, drainSeconds: Math.max(0, lastAt - tAnswered) / 1000,
      lastDeliverySeconds: lastAt > t0 ? (lastAt - t0) / 1000 : NaN, drainTimedOut: tDrained - tAnswered >= drainMs,
      inflightCap: cap, maxInFlight, capWaits, maxLateMs,
      serverCpuPerDeliveryUs: (w.serverCpu / received) * 1e6, genCpuPerDeliveryUs: (w.genCpu / received) * 1e6,
      genMaxProcUtil: w.genMaxProcUtil, serverUtil: w.serverUtil, serverSysShare: w.serverSysShare, wall: w.wall,
      serverMetrics, posts,
    };
    log(`overload: ${count} messages at ${rate}/s to ${perMessage}: accepted ${accepted}, refused ${refused}, failed `
      + `${result.failed} ${JSON.stringify(failures)}; ${received}/${result.expected} deliveries, `
      + `${result.deliveriesPerSec.toFixed(0)}/s, p50 ${result.latencyMs.p50.toFixed(1)} ms p99 `
      + `${result.latencyMs.p99.toFixed(1)} ms; dropped ${result.dropped} ${JSON.stringify(reasons)}; max in flight `
      + `${maxInFlight}/${cap}, ${capWaits} waits, late by up to ${maxLateMs.toFixed(1)} ms; all delivered `
      + `${result.allDelivered}; drain ${result.drainSeconds.toFixed(1)} s`);
    return result;
  }

  // Ours only: how long messages waited in the server itself, from their arrival until an event loop had written
  // them to the last of its connections (sessions_message_written_latency, one sample per message and loop), as the
  // cumulative bucket counts of its Prometheus histogram; the client's latency adds the kernel and the generator.
  async function writtenHistogram() {
    if (opt.kind !== "java") return null;
    const text = await httpText(`${urls[0]}/metrics`);
    const buckets = new Map();
    for (const m of text.matchAll(/^sessions_message_written_latency_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) {
      buckets.set(m[1], Number(m[2]));
    }
    return buckets;
  }
  async function writtenSince(before) {
    if (!before) return undefined;
    const after = await writtenHistogram();
    const les = [...after.keys()].filter((le) => le !== "+Inf").sort((a, b) => Number(a) - Number(b));
    const total = (after.get("+Inf") || 0) - (before.get("+Inf") || 0);
    const q = (p) => {
      if (!total) return NaN;
      for (const le of les) {
        if ((after.get(le) || 0) - (before.get(le) || 0) >= p * total) return Number(le) * 1000;
      }
      return Infinity;
    };
    return { n: total, p50: q(0.5), p99: q(0.99) }; // upper bounds of the histogram's buckets
  }

  // If a server dies (or is killed by something else on the machine), stop at once rather than wait for timeouts.
  const watchdog = setInterval(() => {
    for (const pid of [...pids, ...redisPids]) {
      let alive;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        alive = stat[stat.lastIndexOf(")") + 2] !== "Z";
      } catch {
        alive = false;
      }
      if (!alive) {
        log(`process ${pid} (a server or Redis) is gone: stopping`);
        for (const w of workers) w.kill();
        process.exit(3);
      }
    }
  }, 500);
  watchdog.unref();

  const out = { label: opt.label, kind: opt.kind, mode: opt.mode, connections: N, workers: W,
    transports: String(opt.transports), client, loadavgStart: loadavg() };
  const t0 = now();
  try {
    if (opt.mode === "single") {
      // warmup: JIT of both servers, then back to nothing connected
      const warm = Number(opt.warmup);
      const conc = Math.max(1, Math.floor(Number(opt["ramp-concurrency"]) / W));
      if (warm > 0) {
        const idx = split(range(0, warm).map((i) => 1_000_000 + i));
        await all("connect", (k) => ({ indexes: idx[k], urls, concurrency: conc }));
        const acks = idx.map((list) => list.slice(0, 50));
        await all("ack", (k) => ({ indexes: acks[k], ratePerClient: 20, seconds: 5 }));
        // targeted messages as the targeted scenario sends them (same concurrency), until the JITs have settled
        const warmMessages = Number(opt["warmup-messages"]);
        let next = 0;
        const lane = async () => {
          while (next < warmMessages) {
            const i = next++;
            await post([{ participantId: `p${1_000_000 + (i % warm)}` }], "warm", i);
          }
        };
        await Promise.all(Array.from({ length: Number(opt["targeted-concurrency"]) }, lane));
        await expectAll("warm", warmMessages);
        await all("disconnect");
        await sleep(2000);
      }
      // memory: the first ramp to N (what N connections add to a process that never held them)
      const heap0 = await heapAfterGcKb();
      await sleep(1000);
      const rss0 = rssKb();
      out.rampFirst = await ramp(N, null);
      await sleep(2000);
      const rss1 = rssKb();
      const heap1 = await heapAfterGcKb();
      const rss1gc = rssKb();
      out.memory = { rssBeforeKb: rss0, rssAfterKb: rss1, rssAfterGcKb: rss1gc, heapBeforeKb: heap0, heapAfterKb: heap1,
        rssPerConnKb: (rss1 - rss0) / out.rampFirst.ok, rssPerConnAfterGcKb: (rss1gc - rss0) / out.rampFirst.ok,
        heapPerConnKb: (heap1 - heap0) / out.rampFirst.ok };
      log(`memory: RSS ${(out.memory.rssPerConnKb).toFixed(2)} KB/conn, heap ${(out.memory.heapPerConnKb).toFixed(2)} KB/conn`);
      await all("disconnect");
      await sleep(1000);

      // The connection and ack figures after warm-up rounds that last until two in a row cost the server the same CPU
      // per unit and (ours) the JIT took under 10 % of it: with one fixed round, the JIT compilers were 57 % of our CPU
      // in the ramp window and 62 % in the ack window (perf), and a warm-up ramp of 1,000 left 46 % in the ramp of N.
      out.warmRounds = {};
      const full = split(range(0, N).map((i) => 1_000_000 + i));
      out.warmRounds.connect = await warmUntilStable("connect", async () => {
        const r = await all("connect", (k) => ({ indexes: full[k], urls, concurrency: conc }));
        await all("disconnect");
        await sleep(1000);
        return r.reduce((a, x) => a + x.ok, 0);
      }, 6);
      out.ramp = await ramp(N, null);

      // targeted: one message per participant, each to a single participant (one delivery each); a first round,
      // not measured, warms both runtimes up at full scale (10,000 sessions, not the warmup's 1,000)
      {
        const conc = Number(opt["targeted-concurrency"]);
        const round = async (phase) => {
          let next = 0;
          const lane = async () => {
            while (next < N) {
              const i = next++;
              await post([{ participantId: `p${i}` }], phase, i);
            }
          };
          await Promise.all(Array.from({ length: conc }, lane));
          return expectAll(phase, N);
        };
        await round("targeted-warm");
        await settle();
        const w = await window(() => round("targeted"));
        out.targeted = { messages: N, received: w.result.received, wall: w.wall,
          serverCpuPerDeliveryUs: (w.serverCpu / w.result.received) * 1e6,
          genCpuPerDeliveryUs: (w.genCpu / w.result.received) * 1e6, genMaxProcUtil: w.genMaxProcUtil,
          serverUtil: w.serverUtil, serverSysShare: w.serverSysShare, serverJitShare: w.serverJitShare, latencyMs: percentiles(w.result.hist, 0.1) };
        log(`targeted: ${w.result.received}/${N} in ${w.wall.toFixed(2)} s, ${out.targeted.serverCpuPerDeliveryUs.toFixed(1)} us/delivery`);
      }

      // ack round trip: the first ack-clients connections, ack-rate events/s in total
      {
        const clients = Math.min(Number(opt["ack-clients"]), N);
        const perClient = Number(opt["ack-rate"]) / clients;
        const idx = split(range(0, clients));
        // what the N open connections cost by themselves, to take out of the per-event figure: both servers ping
        // every connection once per 25 s, so this and the window each span one ping interval (one heartbeat per
        // connection in each; a 5 s reading and a 10 s window held 0 or 1 of them, and the first ping burst, with
        // its JIT, landed in the window)
        const idleCpuPerSec = await idleCpu(Number(opt["idle-seconds"]));
        // right before the window: the targeted scenario's code shares paths with this one and its compilations
        // undid part of an earlier warm-up (JIT 21 % of the window)
        out.warmRounds.ack = await warmUntilStable("ack", async () => {
          const r = await all("ack", (k) => ({ indexes: idx[k], ratePerClient: perClient,
            seconds: Number(opt["warmup-ack-seconds"]) }));
          return r.reduce((a, x) => a + x.acked, 0);
        }, 12);
        await settle();
        const w = await window(() => all("ack", (k) => ({ indexes: idx[k], ratePerClient: perClient, seconds: Number(opt["ack-seconds"]) })));
        const rtts = w.result.flatMap((r) => r.rtts).sort((a, b) => a - b);
        const q = (p) => rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] : NaN;
        const sent = w.result.reduce((a, r) => a + r.sent, 0);
        out.ack = { clients, rate: Number(opt["ack-rate"]), sent, acked: rtts.length,
          errors: w.result.reduce((a, r) => a + r.errors, 0), lost: w.result.reduce((a, r) => a + r.lost, 0),
          achievedRate: rtts.length / w.wall, p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), maxMs: rtts[rtts.length - 1],
          serverCpuPerEventUs: (w.serverCpu / rtts.length) * 1e6, serverIdleCpuPerSec: idleCpuPerSec,
          serverCpuPerEventNetUs: ((w.serverCpu - idleCpuPerSec * w.wall) / rtts.length) * 1e6, genCpuPerEventUs: (w.genCpu / rtts.length) * 1e6,
          genMaxProcUtil: w.genMaxProcUtil, serverUtil: w.serverUtil, serverSysShare: w.serverSysShare, serverJitShare: w.serverJitShare };
        log(`ack: ${rtts.length}/${sent} p50 ${q(0.5).toFixed(2)} ms p99 ${q(0.99).toFixed(2)} ms errors ${out.ack.errors}`);
      }

      await all("disconnect");
      await sleep(3000);
      // one group: every connection is participant `group`, so one message reaches all of them
      out.rampGroup = await ramp(N, opt.group);
      await sleep(1000);
      out.broadcast = await deliveries("broadcast", [{ participantId: opt.group }], Number(opt["broadcast-messages"]),
        Number(opt["broadcast-rate"]), out.rampGroup.ok, Number(opt["broadcast-warm"]));
      await sleep(1000);
      out.latency = await deliveries("latency", [{ participantId: opt.group }], Number(opt["latency-messages"]),
        Number(opt["latency-rate"]), out.rampGroup.ok);
      await sleep(1000);
      // the same at a rate that neither server nor generator saturates: the fan-out time itself
      let written = await writtenHistogram();
      out.latencyLight = await deliveries("latency-light", [{ participantId: opt.group }],
        Number(opt["light-messages"]), Number(opt["light-rate"]), out.rampGroup.ok);
      out.latencyLight.serverWrittenMs = await writtenSince(written);
      if (!opt["no-overload"] && Number(opt["overload-rate"]) > 0) {
        await sleep(1000);
        written = await writtenHistogram();
        out.overload = await overload(out.rampGroup.ok);
        out.overload.serverWrittenMs = await writtenSince(written);
        const light = out.latencyLight.latencyMs.p99;
        out.overload.p99OverUnsaturatedP99 = light > 0 ? out.overload.latencyMs.p99 / light : NaN;
        const lightWritten = out.latencyLight.serverWrittenMs?.p99;
        if (lightWritten > 0) out.overload.serverWrittenP99OverUnsaturated = out.overload.serverWrittenMs.p99 / lightWritten;
      }
      await all("disconnect");
    } else if (opt.mode === "scale") {
      // routed delivery: does a node pay for messages it holds no recipient of?
      const idleNode = nodes[nodes.length - 1], active = nodes.slice(0, -1);
      const activeUrls = active.map((n) => n.url);
      const indexes = split(range(0, N));
      await settle();
      // Spread over one ping interval (25 s, both servers' default), as connections that come and go at random times
      // are: each connection's heartbeat keeps the phase of its connect, and 2,000 connections opened in 2 s pinged in
      // one burst every 25 s (~100 ms of a node's CPU), which landed in the 6 s baseline or the 6 s window or neither,
      // and moved a run's figure by up to a third.
      const r = await all("connect", (k) => ({ indexes: indexes[k], urls: activeUrls, group: null,
        concurrency: Math.max(1, Math.floor(Number(opt["ramp-concurrency"]) / W)),
        spreadMs: Number(opt["scale-connect-seconds"]) * 1000 }));
      out.ramp = { ok: r.reduce((a, x) => a + x.ok, 0) };
      log(`scale: ${out.ramp.ok}/${N} connected over ${active.length} node(s), one idle node`);
      // --scale-per-node: the window's rate and count are per active node (weak scaling: each node carries what one
      // node carries alone, as when nodes are added for load); without it the same total spreads over more nodes
      const perNode = Boolean(opt["scale-per-node"]);
      const rate = Number(opt["scale-rate"]) * (perNode ? active.length : 1);
      // --scale-via redis (ours only): the generator is the engine and SPUBLISHes each Message on its participant's
      // sharded channel itself, as EngineClient.publishMessage does, so the servers only route and deliver (no POST)
      const publisher = opt["scale-via"] === "redis" ? await redisPublisher() : null;
      const send = async (phase, count, paced, pace = rate) => {
        const t0 = now();
        const inFlight = [];
        for (let seq = 0; seq < count; seq++) {
          if (paced) {
            const due = t0 + (seq * 1000) / pace;
            if (due > now()) await sleep(due - now());
          }
          const url = activeUrls[seq % activeUrls.length];
          const participantId = `p${(seq * 7919) % N}`;
          const message = { event: { id: `m_${phase}_${seq}`, type: "bench.note" }, to: [{ participantId }],
            data: { phase, seq, sentAt: now(), text: "hello from the engine" } };
          inFlight.push(publisher
            ? publisher.sPublish(`sio:participant:{${participantId}}:out`, JSON.stringify(message))
            : httpJson("POST", `${url}/messages`, message, engineAuth));
          if (inFlight.length >= 64) await Promise.all(inFlight.splice(0));
        }
        await Promise.all(inFlight);
        return expectAll(phase, count);
      };
      // Warm-up. Every node must compile its own code, and the JIT compiles a method for good only after some 10,000
      // calls, later while five JVMs' compilers share 2 cores (a compilation log of 4-node windows after 15,000 per
      // node: the message path still reaching C2 in the window, at ~9,700 calls, 55-233 ms of compiling per node in
      // 6 s, and only 3 deoptimizations): so first --scale-warmup messages per active node (paced at 4x the window's
      // rate, not flooded: a flood batches differently), then rounds of 1,000 at the window's rate until two rounds
      // in a row cost the nodes the same CPU within 10 % and (ours) the JIT took under 10 % of it. A fixed 3,000 or
      // 15,000 left 2 and 4 nodes compiling, and so did the CPU check alone over a Redis Cluster (C2 was a third of a
      // 4-node window).
      const activePids = active.map((n) => n.pid);
      await send("scale-warm", Number(opt["scale-warmup"]) * active.length, true, Number(opt["scale-rate"]) * 4);
      out.scaleWarmRounds = await warmUntilStable("scale", async (round) => {
        await send(`scale-warm-${round}`, 1000, true);
        return 1000;
      });
      // Over a Redis Cluster each of our nodes reloads the topology every 60 s (RedisLink.TOPOLOGY_REFRESH): a cost
      // per node and minute, not per message, and the first reload compiles its code (C2 was a third of a 4-node
      // window that met it). Warm on until every node has passed its first reload and is 10-35 s past its latest,
      // so that the window (and its baseline) fall between two reloads.
      if (opt.kind === "java" && opt.deployment === "cluster") {
        const betweenReloads = (pid) => {
          const age = ageSeconds(pid);
          return age >= 70 && age % 60 >= 10 && age % 60 <= 35;
        };
        for (let round = 0; !pids.every(betweenReloads) && round < 60; round++) await send(`scale-reload-${round}`, 1000, true);
        if (!pids.every(betweenReloads)) log("scale: warning: the window may meet a node's topology reload");
      }
      const count = Number(opt["scale-messages"]) * (perNode ? active.length : 1);
      // The baseline and the window. The JIT still comes back in bursts long after the warm-up (with five JVMs on 2
      // cores C2's queue grows, and HotSpot then delays profiling and promotion: `Tier3DelayOn`, `Tier4LoadFeedback`),
      // and a burst in the window (up to 25 % of it, 75 us per message) is not the cost of a message, nor one in the
      // baseline (which the figure above it subtracts): ours goes again, at most --scale-window-tries times in all,
      // while its JIT took more than 10 % of the window's CPU in the window or in the baseline. Every try is logged;
      // Node's compilers cannot be told apart from its other threads, so its first window counts.
      let idleBaseline, activeBaseline, quiet, q0, q1, i0, k0, w, activeCpu, i1, k1;
      for (let attempt = 1; ; attempt++) {
        await settle();
        // what every node spends with no message at all (timers, heartbeats, its JVM), over as long as the window: a
        // cost per node and second, not per message, which a window of 500 messages/s spreads over its messages
        const b0 = threadsCpu(idleNode.pid), ba0 = serverCpu(activePids), bt0 = now(), j0 = sumOf(jitCpu, activePids);
        q0 = threadKinds(activePids);
        await sleep((count * 1000) / rate);
        quiet = (now() - bt0) / 1000;
        q1 = threadKinds(activePids);
        const baselineJit = sumOf(jitCpu, activePids) - j0;
        idleBaseline = (threadsCpu(idleNode.pid) - b0) / quiet;
        activeBaseline = (serverCpu(activePids) - ba0) / quiet;
        const c0 = serverCpu(activePids);
        i0 = threadsCpu(idleNode.pid);
        k0 = threadKinds(activePids);
        w = await window(() => send(`scale-${attempt}`, count, true));
        activeCpu = serverCpu(activePids) - c0;
        i1 = threadsCpu(idleNode.pid);
        k1 = threadKinds(activePids);
        out.scaleWindowTries = attempt;
        const baselineJitShare = activeCpu > 0 ? baselineJit / activeCpu : 0;
        if (opt.kind !== "java" || (w.serverJitShare <= 0.1 && baselineJitShare <= 0.1)
            || attempt >= Number(opt["scale-window-tries"])) break;
        log(`scale: window ${attempt}: JIT ${(w.serverJitShare * 100).toFixed(0)} % of it, in the baseline`
          + ` ${(baselineJitShare * 100).toFixed(0)} % of the window's CPU; going again`);
      }
      await publisher?.disconnect();
      out.scale = { nodes: active.length, deployment: opt.deployment || "standalone", via: opt["scale-via"], perNode, rate, messages: count, received: w.result.received, wall: w.wall,
        cpuPerMessageUs: (activeCpu / w.result.received) * 1e6,
        cpuAboveBaselinePerMessageUs: (Math.max(0, activeCpu - activeBaseline * w.wall) / w.result.received) * 1e6,
        activeBaselineCpuPerSec: activeBaseline,
        idleCpuPerMessageUs: ((i1 - i0) / count) * 1e6,
        idleAboveBaselinePerMessageUs: (Math.max(0, i1 - i0 - idleBaseline * w.wall) / count) * 1e6,
        redisCpuPerMessageUs: redisPid ? (w.redisCpu / count) * 1e6 : undefined, serverJitShare: w.serverJitShare,
        latencyMs: percentiles(w.result.hist, 0.1),
        // where the active nodes' CPU per message goes, by kind of thread, above the quiet time (the baseline)
        threads: threadKindsPerMessage(k0, k1, q0, q1, w.result.received) };
      log(`scale, ${active.length} node(s): ${w.result.received}/${count}, ${out.scale.cpuPerMessageUs.toFixed(1)} us per`
        + ` message on the active nodes (${out.scale.cpuAboveBaselinePerMessageUs.toFixed(1)} us above their idle baseline`
        + ` of ${(activeBaseline * 1000).toFixed(1)} ms/s), idle node ${out.scale.idleCpuPerMessageUs.toFixed(1)} us`
        + ` (${out.scale.idleAboveBaselinePerMessageUs.toFixed(1)} us above its own idle baseline)`
        + (w.serverJitShare !== undefined ? `, JIT ${(w.serverJitShare * 100).toFixed(0)} % of the window` : ""));
      log(`scale, ${active.length} node(s), per message above the baseline, by thread: ` + out.scale.threads.slice(0, 10)
        .map((k) => `${k.kind} ${k.usPerMessage.toFixed(0)} us / ${k.runsPerMessage.toFixed(2)} runs`
          + ` (${k.preemptedPerMessage.toFixed(2)} preempted)`).join("; "));
      const quietKinds = Object.entries(q1).map(([kind, a]) => [kind, (a.cpu - (q0[kind]?.cpu ?? 0)) / quiet * 1e3])
        .filter(([, ms]) => ms >= 0.1).sort((a, b) => b[1] - a[1]);
      log(`scale, ${active.length} node(s), the baseline by thread (ms/s): `
        + quietKinds.slice(0, 10).map(([kind, ms]) => `${kind} ${ms.toFixed(1)}`).join("; "));
      await all("disconnect");
    } else if (opt.mode === "topics") {
      // groups the engine manages: one message to a topic, against the same message listing every member in `to`
      const M = Math.min(N, Number(opt["topic-members"]));
      out.ramp = await ramp(M, null);
      const members = range(0, M).map((i) => `p${i}`);
      await httpJson("POST", `${urls[0]}/topics/members-1000/members`, { add: members }, engineAuth);
      await httpJson("POST", `${urls[0]}/topics/members-0010/members`, { add: members.slice(0, 10) }, engineAuth);
      // phase names of one length: the phase travels in each message, and the bytes of the three must compare
      // Unmeasured messages first, until both runtimes have compiled the fan-out (after 20, JFR and perf still showed
      // both JITs at work); the 1,000-entry lists are 25 MB a message, so that phase warms with fewer.
      const count = Number(opt["topic-messages"]), rate = Number(opt["topic-rate"]), measured = { bytes: true };
      const warm = Number(opt["topic-warmup"]), warmList = Number(opt["topic-list-warmup"]);
      out.topic = await deliveries("topic-1000", [{ topic: "members-1000" }], count, rate, M, warm, measured);
      await sleep(500);
      out.topicList = await deliveries("topic-list", members.map((participantId) => ({ participantId })), count, rate,
        M, warmList, measured);
      await sleep(500);
      out.topicSmall = await deliveries("topic-0010", [{ topic: "members-0010" }], count, rate, 10, warm, measured);
      await all("disconnect");
    } else {
      const rss0 = rssKb();
      out.ramp = await ramp(N, opt.group);
      await sleep(2000);
      out.memory = { rssPerConnKb: (rssKb() - rss0) / out.ramp.ok };
      out.broadcast = await deliveries("broadcast", [{ participantId: opt.group }], Number(opt["broadcast-messages"]),
        Number(opt["broadcast-rate"]), out.ramp.ok, Number(opt["broadcast-warm"]));
      await all("disconnect");
    }
  } finally {
    out.loadavgEnd = loadavg();
    out.seconds = (now() - t0) / 1000;
    await all("exit").catch(() => {});
    agent.destroy();
    postAgent.destroy();
  }
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0);
}

function percentiles(hist, unit) {
  const entries = [...hist.entries()].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((a, [, c]) => a + c, 0);
  const q = (p) => {
    if (!total) return NaN;
    let seen = 0;
    for (const [b, c] of entries) {
      seen += c;
      if (seen >= p * total) return b * unit;
    }
    return entries[entries.length - 1][0] * unit;
  };
  return { n: total, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: total ? entries[entries.length - 1][0] * unit : NaN };
}

function parseArgs(argv, defaults) {
  const o = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const key = argv[i].slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) o[key] = true;
    else { o[key] = next; i++; }
  }
  return o;
}
