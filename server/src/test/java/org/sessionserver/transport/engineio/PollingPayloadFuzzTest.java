package org.sessionserver.transport.engineio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.fuzz.FuzzLoop;
import org.sessionserver.it.fuzz.Mutations;

/**
 * Fuzzes the long-polling payload decoder ({@link PollingPayload#decode}) with seeded random and mutated valid
 * bodies: each either decodes into packets or is refused with {@link IllegalArgumentException} (bad base64), never
 * anything else, never slowly; what decodes encodes back to a body that decodes to the same packets, and every text
 * packet it yields is one {@link EioPacketType#of} can classify without failing.
 *
 * <p>CI: 20,000 bodies from a fixed seed; by hand: {@code -Dfuzz.iterations=1000000 -Dfuzz.seed=random}.
 */
class PollingPayloadFuzzTest {
    private static final long ITERATIONS = 20_000;
    private static final long SEED = 0xE16_1E5L;
    private static final String RS = "\u001e";

    private static final List<String> CORPUS = List.of(
            "40", "40{\"token\":\"alice\"}", "3", "1", "6", "2probe", "5",
            "42[\"message\",{\"id\":\"e\"}]" + RS + "3" + RS + "451-[\"up\",{\"_placeholder\":true,\"num\":0}]" + RS
                    + "bAQID",
            "bAAECAwQFBgcICQ==", "b" + "QUJD".repeat(40) + RS + "b", "4" + RS + RS + "4", "",
            "4\u00e9\u20ac\uD83D\uDE00", "bAQ\nID\r\n", "4hello" + RS + "4world");

    private static String input(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return Mutations.randomString(random, random.nextInt(200));
        }
        String base = CORPUS.get(random.nextInt(CORPUS.size()));
        return kind == 1 ? base : Mutations.mutate(random, base);
    }

    @Test
    void decoderRefusesOrDecodesEveryBody() {
        FuzzLoop loop = new FuzzLoop("PollingPayload.decode", ITERATIONS, SEED);
        loop.run(seed -> {
            String body = input(new Random(seed));
            loop.describe(body);
            List<Object> packets;
            try {
                packets = PollingPayload.decode(body);
            } catch (IllegalArgumentException refused) {
                return; // 400 and the session closed
            }
            assertFalse(packets.isEmpty(), "a body holds at least one packet");
            for (Object packet : packets) {
                if (packet instanceof String text) {
                    assertFalse(text.contains(RS), "a packet holds no separator");
                    EioPacketType.of(text);
                } else {
                    assertInstanceOf(byte[].class, packet);
                }
            }
            if (packets.contains("")) {
                return; // an empty packet has no type: the session refuses it (and encode never writes one)
            }
            List<Object> again = PollingPayload.decode(PollingPayload.encode(new ArrayList<>(packets)));
            assertEquals(packets.size(), again.size(), "packets after a round trip");
            for (int i = 0; i < packets.size(); i++) {
                if (packets.get(i) instanceof byte[] binary) {
                    assertArrayEquals(binary, (byte[]) again.get(i), "binary packet " + i);
                } else {
                    assertEquals(packets.get(i), again.get(i), "text packet " + i);
                }
            }
        });
    }
}
