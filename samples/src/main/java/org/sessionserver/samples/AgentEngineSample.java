package org.sessionserver.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.sessionserver.bus.Address;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.redis.EngineClient;

/**
 * {@code java -jar samples.jar agent-engine}: the engine of an agent gateway, over Redis with {@link EngineClient}
 * only, for a server started with {@code CLIENT_EVENTS=*}. It plays the seeds' scenarios:
 * <ul>
 *   <li>{@code register} is answered {@code register_success} with the frame's {@code request_id}, {@code heartbeat}
 *       and {@code status} (a cluster agent's) {@code heartbeat_ack};</li>
 *   <li>{@code agent_invoke} starts a run: {@code run_started}, a {@code delta} per word of the answer, then
 *       {@code approval_required} for a tool; {@code approval_decision} ends it with {@code done} (approved or not);
 *       {@code cancel_run} ends it at once;</li>
 *   <li>a {@code message} Event (a chat over {@code POST /event?wait}) is answered with a Message per word to the
 *       session it came from, the last one {@code "final":true}.</li>
 * </ul>
 * Reads {@code REDIS_URL} (default redis://localhost:6379), {@code REDIS_PREFIX} (sio:), {@code ENGINE_GROUP}
 * (agent-engine) and {@code ENGINE_CONSUMER} (agent-1).
 */
public final class AgentEngineSample implements AutoCloseable {
    /** What every run and chat answers, a word at a time. */
    public static final String ANSWER = "the answer is forty-two";

    private final EngineClient engine;
    private final AtomicLong runs = new AtomicLong();
    /** Runs waiting for an approval decision: run id -> the event that started it. */
    private final Map<String, EventEnvelope> awaitingApproval = new ConcurrentHashMap<>();

    private AgentEngineSample(EngineClient engine) {
        this.engine = engine;
    }

    /** Starts answering the events {@code engine} reads. */
    public static AgentEngineSample start(EngineClient engine) {
        AgentEngineSample sample = new AgentEngineSample(engine);
        engine.onEvent(sample::handle);
        return sample;
    }

    public static void main(String[] args) throws InterruptedException {
        EngineClient client = EngineClient.connect(env("REDIS_URL", "redis://localhost:6379"),
                env("REDIS_PREFIX", "sio:"), env("ENGINE_GROUP", "agent-engine"), env("ENGINE_CONSUMER", "agent-1"));
        AgentEngineSample sample = start(client);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sample.close();
            stopped.countDown();
        }));
        System.out.println("agent engine reading events");
        stopped.await();
    }

    private void handle(EventEnvelope event) {
        if (!event.isNamed()) {
            chat(event);
            return;
        }
        JsonNode payload = event.payload();
        switch (event.name()) {
            case "register" -> engine.reply(event, "register_success",
                    object().put("agentId", payload.path("name").asText(event.participantId())));
            case "heartbeat", "status" -> engine.reply(event, "heartbeat_ack",
                    object().put("received_at", Instant.now().toString()));
            case "agent_invoke" -> invoke(event);
            case "approval_decision" -> decide(payload.path("runId").asText(), payload.path("approved").asBoolean());
            case "cancel_run" -> {
                EventEnvelope run = awaitingApproval.remove(payload.path("runId").asText());
                if (run != null) {
                    engine.reply(run, "done", object().put("runId", payload.path("runId").asText())
                            .put("cancelled", true));
                }
            }
            default -> { } // an engine ignores what it does not know; CLIENT_EVENTS lists what clients may send
        }
    }

    private void invoke(EventEnvelope event) {
        String runId = "run-" + runs.incrementAndGet();
        List<Address> session = List.of(new Address(event.participantId(), event.sessionId(), null));
        engine.reply(event, "run_started", object().put("runId", runId));
        for (String word : ANSWER.split(" ")) {
            engine.publishNamed("delta", object().put("runId", runId).put("text", word), session);
        }
        awaitingApproval.put(runId, event);
        engine.publishNamed("approval_required", object().put("runId", runId).put("tool", "search"), session);
    }

    private void decide(String runId, boolean approved) {
        EventEnvelope run = awaitingApproval.remove(runId);
        if (run != null) {
            engine.publishNamed("done", object().put("runId", runId).put("approved", approved)
                    .put("text", approved ? ANSWER : "no tool, no answer"),
                    List.of(new Address(run.participantId(), run.sessionId(), null)));
        }
    }

    /** A word per Message to the session the Event came from, the last one final (an SSE wait ends with it). */
    private void chat(EventEnvelope event) {
        String[] words = ANSWER.split(" ");
        for (int i = 0; i < words.length; i++) {
            ObjectNode message = BusJson.MAPPER.createObjectNode();
            message.set("event", event.event());
            message.putArray("to").addObject().put("participantId", event.participantId())
                    .put("sessionId", event.sessionId());
            if (i == words.length - 1) {
                message.put("final", true);
            }
            message.putObject("data").put("delta", words[i]);
            engine.publishMessage(message.toString());
        }
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
        engine.close();
    }
}
