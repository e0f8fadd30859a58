package org.sessionserver.transport.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.fuzz.FuzzLoop;
import org.sessionserver.it.fuzz.Mutations;

/**
 * Fuzzes the Socket.IO v5 decoder ({@link SioCodec#decode}) and the packet assembler with seeded random and mutated
 * valid packets: each input either decodes or is refused with {@link SioProtocolException}, never anything else,
 * never slowly. A decoded packet encodes back to text that decodes to the same packet.
 *
 * <p>CI runs 10,000 inputs per test from a fixed seed (about a second each); by hand:
 * {@code -Dfuzz.iterations=1000000 -Dfuzz.seed=random}, or the seed a failure printed, to replay it.
 */
class SioCodecFuzzTest {
    private static final long ITERATIONS = 10_000;
    private static final long SEED = 0x5107_C0DEL;

    static final List<String> CORPUS = List.of(
            "0", "0{}", "0{\"token\":\"alice\",\"proxy\":true}", "0/admin,", "0/admin,{\"token\":\"x\"}",
            "1", "1/admin,", "2[\"message\",{\"id\":\"evt_1\",\"type\":\"user.action\",\"source\":{\"id\":\"a\"}}]",
            "2/admin,12[\"ev\",1,2.5,null,true,\"x\"]", "27[\"message\"]", "2[1,2]", "3[]", "312[{\"ok\":true}]",
            "3/admin,5[\"x\"]", "4{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}", "4\"err\"",
            "51-[\"upload\",{\"_placeholder\":true,\"num\":0}]",
            "52-/admin,7[\"up\",{\"_placeholder\":true,\"num\":0},[{\"_placeholder\":true,\"num\":1}]]",
            "61-3[{\"_placeholder\":true,\"num\":0}]", "61-/admin,3[{\"a\":{\"_placeholder\":true,\"num\":0}}]",
            "2[\"\u00e9\u20ac\uD83D\uDE00\",\"\\u0000\\ud83d\\ude00\"]", "29999999999999999[\"x\"]");

    /** A random input: a mutated valid packet most of the time, a valid one or pure garbage sometimes. */
    static String input(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return Mutations.randomString(random, random.nextInt(64));
        }
        String base = CORPUS.get(random.nextInt(CORPUS.size()));
        return kind == 1 ? base : Mutations.mutate(random, base);
    }

    @Test
    void decoderRefusesOrDecodesEveryInput() {
        FuzzLoop loop = new FuzzLoop("SioCodec.decode", ITERATIONS, SEED);
        loop.run(seed -> {
            String text = input(new Random(seed));
            loop.describe(text);
            SioCodec.Header header;
            try {
                header = SioCodec.decode(text);
            } catch (SioProtocolException refused) {
                return; // the connection would be closed
            }
            assertRoundTrip(header);
        });
    }

    @Test
    void assemblerRefusesOrAssemblesEverySequence() {
        FuzzLoop loop = new FuzzLoop("SioPacketAssembler", ITERATIONS, SEED);
        loop.run(seed -> {
            Random random = new Random(seed);
            SioPacketAssembler assembler = new SioPacketAssembler(1_000_000);
            int messages = 1 + random.nextInt(6);
            StringBuilder trace = new StringBuilder();
            for (int m = 0; m < messages; m++) {
                boolean binary = random.nextInt(3) == 0;
                String text = binary ? null : input(random);
                byte[] data = binary
                        ? Mutations.randomBytes(random, random.nextInt(random.nextInt(500) == 0 ? 600_000 : 64)) : null;
                trace.append(binary ? "<binary " + data.length + " bytes>" : text).append(" | ");
                loop.describe(trace.toString());
                try {
                    SioPacket packet = binary ? assembler.onBinary(data) : assembler.onText(text);
                    if (packet != null && packet.data() != null) {
                        SioCodec.encode(packet); // what the server could send back is encodable
                    }
                } catch (SioProtocolException refused) {
                    assembler = new SioPacketAssembler(1_000_000); // the connection would be closed
                }
            }
        });
    }

    /**
     * Found by the long fuzz run: a number beyond the double range ({@code 1e999}) is parsed as a double, Infinity, and
     * written back as the string {@code "Infinity"}: what the client sent changes type on its way to the engine
     * (socket.io, in JavaScript, would make it {@code null}). It must come back as the number it was.
     */
    @Test
    void numbersBeyondTheDoubleRangeStayNumbers() throws SioProtocolException {
        for (String text : List.of("2[\"message\",1e999]", "2[\"message\",{\"n\":-11e999999}]", "3[1E400]")) {
            SioCodec.Header header = SioCodec.decode(text);
            String encoded = (String) SioCodec.encode(header.packet()).get(0);
            assertEquals(header.packet(), SioCodec.decode(encoded).packet(), text + " came back as " + encoded);
        }
    }

    /** Encoding a decoded packet and decoding that again gives the same packet. */
    private static void assertRoundTrip(SioCodec.Header header) throws SioProtocolException {
        List<Object> encoded = SioCodec.encode(header.packet());
        assertEquals(1, encoded.size(), "a decoded text packet holds no binary values");
        SioCodec.Header again = SioCodec.decode((String) encoded.get(0));
        assertEquals(header.packet(), again.packet(), "round trip through " + Mutations.show((String) encoded.get(0)));
    }
}
