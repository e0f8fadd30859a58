package org.sessionserver.bus;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The built-in engine of the embedded default, and the sample engine over Redis: answers each event with a message
 * to every connection of its sender, carrying the event back and where it came from.
 */
public final class EchoEngine implements AutoCloseable {
    private final EngineSide bus;

    private EchoEngine(EngineSide bus) {
        this.bus = bus;
    }

    public static EchoEngine start(EngineSide bus) {
        EchoEngine engine = new EchoEngine(bus);
        bus.onEvent(envelope -> {
            if (!envelope.isNamed()) { // client events of other names are for engines that asked for them
                bus.publishMessage(reply(envelope));
            }
        });
        return engine;
    }

    /** {@code {"event":<the event>,"to":[{"participantId":<sender>}],"data":{"echo":true,...}}}. */
    public static String reply(EventEnvelope envelope) {
        ObjectNode message = BusJson.MAPPER.createObjectNode();
        message.set("event", envelope.event());
        message.putArray("to").addObject().put("participantId", envelope.participantId());
        message.putObject("data")
                .put("echo", true)
                .put("sessionId", envelope.sessionId())
                .put("nodeId", envelope.nodeId())
                .put("receivedAt", envelope.receivedAt());
        return message.toString();
    }

    @Override
    public void close() {
        bus.close();
    }
}
