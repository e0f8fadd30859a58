package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The inbound streams' names, each participant's stream, and their slots. */
class EngineStreamsTest {
    private final RedisKeys keys = new RedisKeys("sio:");

    @Test
    void oneStreamKeepsTheHistoricName() {
        EngineStreams one = EngineStreams.one(keys);
        assertEquals(List.of("sio:engine:in"), one.all());
        assertEquals("sio:engine:in", one.of("alice"));
    }

    @Test
    void severalStreamsAreHashTaggedAndAParticipantAlwaysLandsInTheSameOne() {
        EngineStreams three = new EngineStreams(keys, 3);
        assertEquals(List.of("sio:engine:in:{0}", "sio:engine:in:{1}", "sio:engine:in:{2}"), three.all());
        assertEquals(three.of("alice"), three.of("alice"));
        // The documented rule: CRC16(participantId) mod 16384 mod N, i.e. the id's slot when it has no hash tag.
        assertEquals("sio:engine:in:{" + SlotHash.getSlot("alice") % 3 + "}", three.of("alice"));
        assertEquals("sio:engine:in:{" + io.lettuce.core.codec.CRC16.crc16("{x}y".getBytes()) % 16384 % 3 + "}",
                three.of("{x}y"), "a hash tag inside an id does not count: the whole id is hashed");
        Set<String> used = IntStream.range(0, 100).mapToObj(i -> three.of("p" + i)).collect(Collectors.toSet());
        assertEquals(Set.copyOf(three.all()), used, "participants spread over every stream");
        assertEquals(3, three.all().stream().map(SlotHash::getSlot).distinct().count(), "a slot each");
    }

    @Test
    void theSessionsToldOfAParticipantShareTheSlotOfItsStream() {
        for (EngineStreams streams : List.of(EngineStreams.one(keys), new EngineStreams(keys, 3))) {
            for (String participant : List.of("alice", "bob", "{x}y", "p7")) {
                String told = streams.toldSessions(participant);
                assertEquals(SlotHash.getSlot(streams.of(participant)), SlotHash.getSlot(told), told);
                assertEquals(true, told.startsWith("sio:"), "under the prefix: " + told);
            }
        }
        assertEquals("sio:{sio:engine:in}:told:alice", EngineStreams.one(keys).toldSessions("alice"));
    }

    @Test
    void atLeastOneStream() {
        assertThrows(IllegalArgumentException.class, () -> new EngineStreams(keys, 0));
    }
}
