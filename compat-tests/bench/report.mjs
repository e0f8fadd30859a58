// Prints the benchmark's table from the loadgen.mjs results in a folder: figure | ours | Node | ratio, medians of
// the runs; one set of tables per generator client (socket.io-client, raw frames). Usage: node report.mjs DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node report.mjs RESULTS_DIR");
  process.exit(2);
}
const modes = () => ({ single: [], cluster: [], topics: [], scale: [] });
const loaded = [];
for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const text = readFileSync(join(dir, f), "utf8").trim();
  if (!text) continue;
  loaded.push(JSON.parse(text));
}
const clientOf = (r) => r.client || "socket.io"; // results from before the raw client have no `client`
const clients = [...new Set(loaded.map(clientOf))].sort().reverse(); // socket.io (the reference) first

const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const get = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : "-");
const lines = [];
for (const client of clients) {
  const results = { ours: modes(), node: modes(), "node-sharded": modes() };
  for (const r of loaded) if (clientOf(r) === client && results[r.label] && results[r.label][r.mode]) results[r.label][r.mode].push(r);
  if (lines.length) lines.push("");
  tables(results, client);
}

function tables(results, client) {
const fig = (who, mode, path) => median(results[who][mode].map((r) => get(r, path)));

// figure, mode, path, unit, better (lower|higher), target for ours, Node figure measured earlier, digits
const rows = [
  ["RSS per connection (websocket)", "single", "memory.rssPerConnKb", "KB", "lower", "<=10", "13", 2],
  ["  heap after GC per connection", "single", "memory.heapPerConnKb", "KB", "lower", "", "", 2],
  ["  RSS per connection after a full GC", "single", "memory.rssPerConnAfterGcKb", "KB", "lower", "", "", 2],
  ["connection rate, ramp", "single", "ramp.rate", "/s", "higher", ">=1.2x", "1450", 0],
  ["  server CPU per connection (ramp)", "single", "ramp.serverCpuPerConnUs", "us", "lower", "<=0.8x", "", 0],
  ["  connection rate, first ramp (JIT at work)", "single", "rampFirst.rate", "/s", "higher", "", "", 0],
  ["  server CPU per connection, first ramp", "single", "rampFirst.serverCpuPerConnUs", "us", "lower", "", "", 0],
  ["ack round trip p99, 100 clients, 1000 ev/s", "single", "ack.p99Ms", "ms", "lower", "<=5", "7.9", 2],
  ["  ack round trip p50", "single", "ack.p50Ms", "ms", "lower", "", "", 2],
  ["  server CPU per event (ack scenario)", "single", "ack.serverCpuPerEventUs", "us", "lower", "", "", 1],
  ["  the same without what the open connections cost idle", "single", "ack.serverCpuPerEventNetUs", "us", "lower", "<=0.8x", "", 1],
  ["  server CPU idle with N connections open", "single", "ack.serverIdleCpuPerSec", "cores", "lower", "", "", 4],
  ["server CPU per delivered message, one to all", "single", "broadcast.serverCpuPerDeliveryUs", "us", "lower", "<=8", "24", 2],
  ["delivery latency p50, 10 msg/s to all", "single", "latency.latencyMs.p50", "ms", "lower", "<=50", "146", 1],
  ["  delivery latency p99", "single", "latency.latencyMs.p99", "ms", "lower", "", "", 1],
  ["  deliveries/s achieved (latency scenario)", "single", "latency.deliveriesPerSec", "/s", "higher", "", "", 0],
  ["  delivery latency p50, 1 msg/s to all (nothing saturated)", "single", "latencyLight.latencyMs.p50", "ms", "lower", "<=1.0x", "", 1],
  ["  delivery latency p99, 1 msg/s to all", "single", "latencyLight.latencyMs.p99", "ms", "lower", "<=1.0x", "", 1],
  ["server CPU per delivered message, targeted", "single", "targeted.serverCpuPerDeliveryUs", "us", "lower", "<=40", "84", 1],
  ["server CPU per delivered message, 2 nodes + Redis", "cluster", "broadcast.serverCpuPerDeliveryUs", "us", "lower", "<=10", "21", 2],
  ["  Redis CPU per delivered message", "cluster", "broadcast.redisCpuPerDeliveryUs", "us", "lower", "", "", 3],
  ["  RSS per connection, 2 nodes (sum)", "cluster", "memory.rssPerConnKb", "KB", "lower", "", "", 2],
  ["server CPU per delivery, one message to a 1,000-member topic", "topics", "topic.serverCpuPerDeliveryUs", "us", "lower", "<=0.7x", "", 2],
  ["  the same message with a 1,000-entry to list", "topics", "topicList.serverCpuPerDeliveryUs", "us", "lower", "", "", 2],
  ["  Message bytes per delivery, 1,000-member topic", "topics", "topic.bytesPerDelivery", "B", "lower", "", "", 0],
  ["  Message bytes per delivery, 10-member topic", "topics", "topicSmall.bytesPerDelivery", "B", "lower", "= 1,000-member", "", 0],
  ["  Message bytes per delivery, 1,000-entry to list", "topics", "topicList.bytesPerDelivery", "B", "lower", "", "", 0],
  ["overload: offered deliveries/s (fixed POST schedule to all)", "single", "overload.offeredPerSec", "/s", "", "", "", 0],
  ["  deliveries/s achieved", "single", "overload.deliveriesPerSec", "/s", "higher", ">=1.0x", "", 0],
  ["  delivery latency p50 (what was delivered)", "single", "overload.latencyMs.p50", "ms", "lower", "", "", 1],
  ["  delivery latency p99 (what was delivered)", "single", "overload.latencyMs.p99", "ms", "lower", "", "", 1],
  ["  latency p50 counted from the POST's answer", "single", "overload.latencyAfterAnswerMs.p50", "ms", "lower", "", "", 0],
  ["  latency p99 counted from the POST's answer", "single", "overload.latencyAfterAnswerMs.p99", "ms", "lower", "", "", 0],
  ["  p99 / unsaturated p99 (1 msg/s) of the same server", "single", "overload.p99OverUnsaturatedP99", "x", "lower", "<=2", "", 2],
  ["  time in the server p99 (arrival to written, ours only)", "single", "overload.serverWrittenMs.p99", "ms", "lower", "", "", 0],
  ["  the same at 1 msg/s to all (ours only)", "single", "latencyLight.serverWrittenMs.p99", "ms", "lower", "", "", 0],
  ["  time in the server p99 / the same at 1 msg/s", "single", "overload.serverWrittenP99OverUnsaturated", "x", "lower", "<=2", "", 2],
  ["  POSTs accepted (202)", "single", "overload.accepted", "", "", "", "", 0],
  ["  POSTs refused (503, back-pressure)", "single", "overload.refused", "", "", "", "", 0],
  ["  POSTs failed (other status, error, timeout)", "single", "overload.failed", "", "lower", "0", "", 0],
  ["  POST answer time p50 (accepted)", "single", "overload.answerMs.p50", "ms", "lower", "", "", 0],
  ["  POST answer time p99 (accepted)", "single", "overload.answerMs.p99", "ms", "lower", "", "", 0],
  ["  POST answer time p99 (refused)", "single", "overload.refusedAnswerMs.p99", "ms", "lower", "", "", 0],
  ["  connections dropped", "single", "overload.dropped", "", "lower", "0", "", 0],
  ["  accepted messages not delivered to every connection", "single", "overload.acceptedNotFullyDelivered", "", "lower", "0", "", 0],
  ["  seconds from the last POST answer to the last delivery", "single", "overload.drainSeconds", "s", "lower", "", "", 1],
];
const n = (who, mode) => results[who][mode].length;
const connections = median([...results.ours.single, ...results.node.single].map((r) => r.connections));

lines.push(`Client: ${client === "raw" ? "raw Engine.IO/Socket.IO frames over ws" : "socket.io-client 4.8.4"}. ` +
  `Session server (ours) vs Node socket.io 4.8.4 (node), ${connections} connections; medians of ` +
  `${n("ours", "single")}/${n("node", "single")} single-node and ${n("ours", "cluster")}/${n("node", "cluster")} two-node runs`);
lines.push("");
lines.push("| figure | unit | ours | node | ours/node | better | target (ours) | node, measured earlier |");
lines.push("|---|---|---:|---:|---:|---|---|---|");
for (const [name, mode, path, unit, better, target, earlier, d] of rows) {
  const a = fig("ours", mode, path), b = fig("node", mode, path);
  const ratio = Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) : "-";
  lines.push(`| ${name} | ${unit} | ${fmt(a, d)} | ${fmt(b, d)} | ${ratio} | ${better} | ${target} | ${earlier} |`);
}

// Where the generator was the bottleneck: the busiest generator process's CPU share of the window.
lines.push("");
lines.push("Per scenario (medians): the busiest generator process's CPU (1.00 = one core: the generator is the bottleneck), the server's CPU in cores, the kernel's share of the server's CPU (stime/(utime+stime)), the generator's CPU per delivery or event, and the share of our server's CPU its JIT compilers took (near 0 when the warm-up did its job):");
lines.push("");
lines.push("| scenario | ours: gen max proc util | node: gen max proc util | ours: server util (cores) | node: server util (cores) | ours: server kernel share | node: server kernel share | ours: gen CPU/unit us | node: gen CPU/unit us | ours: JIT share |");
lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const [name, mode, key, unitKey] of [
  ["first ramp", "single", "rampFirst", null],
  ["ramp", "single", "ramp", null],
  ["targeted", "single", "targeted", "genCpuPerDeliveryUs"],
  ["ack", "single", "ack", "genCpuPerEventUs"],
  ["broadcast", "single", "broadcast", "genCpuPerDeliveryUs"],
  ["latency", "single", "latency", "genCpuPerDeliveryUs"],
  ["latency, 1 msg/s", "single", "latencyLight", "genCpuPerDeliveryUs"],
  ["overload", "single", "overload", "genCpuPerDeliveryUs"],
  ["broadcast, 2 nodes", "cluster", "broadcast", "genCpuPerDeliveryUs"],
]) {
  const u = (who) => fig(who, mode, `${key}.genMaxProcUtil`);
  const s = (who) => fig(who, mode, `${key}.serverUtil`);
  const c = (who) => (unitKey ? fig(who, mode, `${key}.${unitKey}`) : NaN);
  const k = (who) => fig(who, mode, `${key}.serverSysShare`);
  lines.push(`| ${name} | ${fmt(u("ours"), 2)} | ${fmt(u("node"), 2)} | ${fmt(s("ours"), 2)} | ${fmt(s("node"), 2)} | ` +
    `${fmt(k("ours"), 2)} | ${fmt(k("node"), 2)} | ${fmt(c("ours"), 1)} | ${fmt(c("node"), 1)} | ` +
    `${fmt(fig("ours", mode, `${key}.serverJitShare`), 2)} |`);
}

// Routed delivery: CPU per targeted message against the number of nodes holding connections, and a node that holds
// none (socket.io: its classic adapter, every node receives every message; its sharded adapter, per-room channels).
for (const deployment of ["standalone", "cluster"]) {
  const runs = (who) => results[who].scale.filter((r) => r.scale && (r.scale.deployment || "standalone") === deployment);
  if (!Object.keys(results).some((who) => runs(who).length)) continue;
  const scale = (who, nodes, path) => median(runs(who).filter((r) => r.scale.nodes === nodes).map((r) => get(r, path)));
  lines.push("");
  lines.push(`Routed delivery over ${deployment === "cluster" ? "a Redis Cluster of 3 masters" : "one Redis"}: ` +
    "targeted messages (one participant each, posted on the active nodes in turn" +
    (Object.keys(results).some((who) => runs(who).some((r) => r.scale.perNode)) ? ", at a rate per active node" : "") +
    "), server CPU per message summed " +
    "over the active nodes (raw, and above what the same nodes spend in as long a time without messages), and the " +
    "idle node's CPU per cluster message, raw and above its own idle baseline (us):");
  lines.push("");
  lines.push("| active nodes | ours | node classic | node sharded | ours / best node | ours vs 1 node | " +
    "above baseline: ours | node classic | node sharded | ours vs 1 node | ours idle | " +
    "node classic idle | node sharded idle | ours idle above baseline | ours: JIT share of the window |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const one = scale("ours", 1, "scale.cpuPerMessageUs"), oneNet = scale("ours", 1, "scale.cpuAboveBaselinePerMessageUs");
  for (const nodes of [1, 2, 4]) {
    const a = scale("ours", nodes, "scale.cpuPerMessageUs");
    const c = scale("node", nodes, "scale.cpuPerMessageUs"), h = scale("node-sharded", nodes, "scale.cpuPerMessageUs");
    const best = [c, h].some(Number.isFinite) ? Math.min(...[c, h].filter(Number.isFinite)) : NaN;
    const net = (who) => scale(who, nodes, "scale.cpuAboveBaselinePerMessageUs");
    lines.push(`| ${nodes} | ${fmt(a, 1)} | ${fmt(c, 1)} | ${fmt(h, 1)} | ${fmt(a / best, 2)} | ${fmt(a / one, 2)} | ` +
      `${fmt(net("ours"), 1)} | ${fmt(net("node"), 1)} | ${fmt(net("node-sharded"), 1)} | ${fmt(net("ours") / oneNet, 2)} | ` +
      `${fmt(scale("ours", nodes, "scale.idleCpuPerMessageUs"), 1)} | ` +
      `${fmt(scale("node", nodes, "scale.idleCpuPerMessageUs"), 1)} | ` +
      `${fmt(scale("node-sharded", nodes, "scale.idleCpuPerMessageUs"), 1)} | ` +
      `${fmt(scale("ours", nodes, "scale.idleAboveBaselinePerMessageUs"), 1)} | ` +
      `${fmt(scale("ours", nodes, "scale.serverJitShare"), 2)} |`);
  }
}

}

const all = loaded;
const problems = [];
for (const r of all) {
  for (const k of ["rampFirst", "ramp", "rampGroup"]) if (r[k] && r[k].failed) problems.push(`${r.label} ${r.mode}: ${r[k].failed} connections failed in ${k} ${JSON.stringify(r[k].reasons)}`);
  for (const k of ["targeted", "broadcast", "latency", "latencyLight", "topic", "topicList", "topicSmall", "scale"]) {
    const x = r[k];
    const expected = x && (x.expected ?? x.messages);
    if (x && x.received < expected) problems.push(`${r.label} ${r.mode}: ${k} received ${x.received} of ${expected}`);
  }
  if (r.ack && (r.ack.errors || r.ack.lost)) problems.push(`${r.label}: ack errors ${r.ack.errors}, lost ${r.ack.lost}`);
  const o = r.overload;
  if (o && o.capWaits) problems.push(`${r.label} ${clientOf(r)}: overload: the in-flight cap (${o.inflightCap}) bound ${o.capWaits} times: the schedule was not kept`);
  if (o && o.maxLateMs > 100) problems.push(`${r.label} ${clientOf(r)}: overload: a POST left ${o.maxLateMs.toFixed(0)} ms late (generator busy)`);
  if (o && o.acceptedNotFullyDelivered) problems.push(`${r.label} ${clientOf(r)}: overload: ${o.acceptedNotFullyDelivered} accepted messages did not reach every connection within the drain (${o.received} of ${o.expected} deliveries)`);
  if (o && o.dropped) problems.push(`${r.label} ${clientOf(r)}: overload: ${o.dropped} connections dropped ${JSON.stringify(o.dropReasons)}`);
  if (o && o.notAcceptedButDelivered) problems.push(`${r.label} ${clientOf(r)}: overload: ${o.notAcceptedButDelivered} messages not accepted were delivered`);
  if (o && o.offeredPerSec && o.deliveriesPerSec > 0.9 * o.offeredPerSec) problems.push(`${r.label} ${clientOf(r)}: overload: ${o.deliveriesPerSec.toFixed(0)} of ${o.offeredPerSec} deliveries/s offered: not an overload`);
}
const loads = all.flatMap((r) => [r.loadavgStart && r.loadavgStart[0], r.loadavgEnd && r.loadavgEnd[0]]).filter(Number.isFinite);
lines.push("");
lines.push(`Load average (1 min) seen at the scenarios' starts and ends: min ${fmt(Math.min(...loads), 2)}, ` +
  `median ${fmt(median(loads), 2)}, max ${fmt(Math.max(...loads), 2)}`);
if (problems.length) {
  lines.push("");
  lines.push("Problems (figures from these runs are suspect):");
  for (const p of problems) lines.push(`- ${p}`);
}
console.log(lines.join("\n"));
