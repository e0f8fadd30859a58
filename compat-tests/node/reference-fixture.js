// The conformance fixture of DESIGN.md on the reference Node.js socket.io server.
// Tests can be pointed at it to check that an expectation is socket.io's behaviour, not ours.
// Usage: node reference-fixture.js [port]   (prints "listening <port>" when ready)
import { createServer } from "node:http";
import { Server } from "socket.io";
import { Server as EngineServer } from "engine.io";

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);
const httpServer = createServer();
const io = new Server(httpServer, {
  pingInterval: 300,
  pingTimeout: 200,
  maxHttpBufferSize: 1e6,
  connectTimeout: 1000,
  cors: { origin: "*" },
});

function fixture(nsp) {
  // Extension for our compat tests (the public suites never send it): a refused CONNECT.
  nsp.use((socket, next) => {
    if (socket.handshake.auth && socket.handshake.auth.reject) {
      const err = new Error("unauthorized");
      err.data = { code: "unauthorized" };
      return next(err);
    }
    next();
  });
  nsp.on("connection", (socket) => {
    socket.emit("auth", socket.handshake.auth);
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("message-with-ack", (...args) => {
      const ack = args.pop();
      ack(...args);
    });
    // Extensions for our compat tests: an ack asked of the client, and a server-side disconnect.
    socket.on("request-client-ack", (...args) => {
      socket.emit("client-ack-request", ...args, (...ackArgs) => socket.emit("client-ack-result", ...ackArgs));
    });
    socket.on("disconnect-me", () => socket.disconnect());
  });
}
fixture(io.of("/"));
fixture(io.of("/custom"));

// The bare Engine.IO endpoint of the public Engine.IO v4 suite: every message goes back as it came.
const engine = new EngineServer({ pingInterval: 300, pingTimeout: 200, maxHttpBufferSize: 1e6, cors: { origin: "*" } });
engine.attach(httpServer, { path: "/engine.io/" });
engine.on("connection", (socket) => socket.on("message", (data) => socket.send(data)));

httpServer.listen(port, "127.0.0.1", () => console.log(`listening ${httpServer.address().port}`));
