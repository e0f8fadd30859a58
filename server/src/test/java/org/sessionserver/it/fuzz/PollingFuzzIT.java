package org.sessionserver.it.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.sessionserver.it.support.RawHttp;
import org.sessionserver.it.support.TestServer;

/** {@link WireFuzzSuite} on Engine.IO over long-polling: random packets in POSTs, and bad queries. */
class PollingFuzzIT extends WireFuzzSuite {
    @Override
    String fuzz(Random random, long seed) throws IOException {
        if (random.nextInt(28) < 20) {
            pollingCase(random, seed);
            return "eio-polling";
        }
        queryCase(random, seed);
        return "eio-query";
    }

    // ---- Engine.IO over long-polling

    private static String pollBase(String sid) {
        return "/socket.io/?EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid);
    }

    private static RawHttp.Response http(String method, String pathAndQuery, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] request = concat((method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8), bytes);
        return RawHttp.exchange(server.port(), request, false, ANSWER);
    }

    /** A POST of random packets: 200, or 400 and the session gone; bad methods: 400. */
    private static void pollingCase(Random random, long seed) throws IOException {
        RawHttp.Response open = http("GET", pollBase(null), "");
        if (open.status() != 200 || !open.text().startsWith("0{")) {
            problem(seed, "polling handshake: " + open);
            return;
        }
        String sid = TestServer.json(open.text().substring(1)).get("sid").asText();
        if (random.nextBoolean()) {
            RawHttp.Response connect = http("POST", pollBase(sid), "40{\"token\":\"fuzzer\"}");
            if (connect.status() != 200) {
                problem(seed, "polling connect: " + connect);
            }
        }
        if (random.nextInt(6) == 0) {
            String method = pick(random, List.of("PUT", "DELETE", "PATCH", "FOO", "HEAD"));
            RawHttp.Response bad = http(method, pollBase(sid), "");
            if (bad.status() != 400) {
                problem(seed, method + " on a polling session: " + bad);
            }
        }
        int packets = 1 + random.nextInt(4);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < packets; i++) {
            body.append(i == 0 ? "" : RS).append(enginePacket(random));
        }
        String payload = random.nextInt(20) == 0 ? Mutations.randomString(random, random.nextInt(200)) : body.toString();
        RawHttp.Response post = http("POST", pollBase(sid), payload);
        count("eio-polling:" + post.status());
        String what = "POST " + Mutations.show(payload);
        LAST_CASE.set("polling " + what);
        if (post.status() == 400) {
            RawHttp.Response after = http("GET", pollBase(sid), "");
            if (after.status() != 400) {
                problem(seed, what + " was refused but the session lives on: GET " + after);
            }
            return;
        }
        if (post.status() != 200 || !"ok".equals(post.text())) {
            problem(seed, what + ": " + post);
        }
        http("POST", pollBase(sid), "1"); // done: close (400 when the payload closed it already)
    }

    /** Random query strings on the Engine.IO path: 4xx (or a new session), never 5xx, never a hang. */
    private static void queryCase(Random random, long seed) throws IOException {
        StringBuilder query = new StringBuilder();
        List<String> names = List.of("EIO", "transport", "sid", "t", "b64", "j", "token", "%zz", "", "EIO");
        List<String> values = List.of("4", "3", "5", "", "polling", "websocket", "flashsocket", "nope", "%zz", "%",
                "4%00", "\u00e9", "4&EIO=3", "0", "-1", "99999999999999999999");
        int params = random.nextInt(5);
        for (int i = 0; i < params; i++) {
            query.append(i == 0 ? "" : "&").append(pick(random, names)).append('=').append(pick(random, values));
        }
        String target = "/socket.io/?" + (random.nextInt(5) == 0 ? Mutations.mutate(random, query.toString()) : query);
        target = target.replace(" ", "%20").replace("\r", "").replace("\n", "");
        String method = pick(random, List.of("GET", "POST", "GET", "PUT", "OPTIONS"));
        RawHttp.Response response = http(method, target, method.equals("POST") ? "40" : "");
        count("eio-query:" + response.status());
        if (!response.isResponse() || response.status() >= 500) {
            problem(seed, method + " " + Mutations.show(target) + ": " + response);
        }
        if (response.status() == 200 && response.text().startsWith("0{")) {
            String sid = TestServer.json(response.text().substring(1)).path("sid").asText();
            http("POST", pollBase(sid), "1");
        }
    }
}
