package org.sessionserver.bus.redis;

import io.lettuce.core.codec.CRC16;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The inbound streams ({@code ENGINE_STREAMS}): with one, {@code <prefix>engine:in}; with N > 1,
 * {@code <prefix>engine:in:{0}} ... {@code <prefix>engine:in:{N-1}}, each in a slot of its own, and a participant's
 * events always in stream {@code CRC16(participantId) mod 16384 mod N} (the cluster's key hash, without hash tags), so their order is
 * kept while no single shard carries every event.
 */
public record EngineStreams(RedisKeys keys, int count) {
    public static final int DEFAULT_COUNT = 1;

    public EngineStreams {
        if (count < 1) {
            throw new IllegalArgumentException("at least one stream, not " + count);
        }
    }

    public static EngineStreams one(RedisKeys keys) {
        return new EngineStreams(keys, DEFAULT_COUNT);
    }

    /** The stream that carries a participant's events. */
    public String of(String participantId) {
        if (count == 1) {
            return keys.engineIn();
        }
        return name(CRC16.crc16(participantId.getBytes(StandardCharsets.UTF_8)) % 16384 % count);
    }

    /**
     * The set of a participant's sessions told opened to the engines ({@code ENGINE_LIFECYCLE}), in the slot of its
     * stream so that one script can decide and append ({@code LifecycleScript}): streams of N > 1 carry a hash tag
     * of their own; the single stream has none, so its whole name is the tag.
     */
    public String toldSessions(String participantId) {
        String stream = of(participantId);
        String inSlot = count == 1 ? keys.prefix() + "{" + stream + "}" : stream;
        return inSlot + ":told:" + participantId;
    }

    public List<String> all() {
        return IntStream.range(0, count).mapToObj(i -> count == 1 ? keys.engineIn() : name(i)).toList();
    }

    private String name(int index) {
        return keys.engineIn() + ":{" + index + "}";
    }
}
