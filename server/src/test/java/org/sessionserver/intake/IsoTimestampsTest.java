package org.sessionserver.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimestampsTest {
    @ParameterizedTest
    @ValueSource(strings = {"2025-10-28T22:45:00.000Z", "2025-10-28T22:45:00Z", "2024-02-29T00:00:00.1Z",
            "1999-12-31T23:59:59.123456789Z", "0000-01-01T00:00:00Z"})
    void whatClientsSendIsRecognizedWithoutTheParser(String text) {
        assertTrue(IsoTimestamps.isPlainUtc(text));
        assertTrue(parses(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-10-28T22:45:00.000+02:00", "2025-10-28t22:45:00z", "2025-10-28T22:45Z",
            "2025-10-28T22:45:00.Z"})
    void otherFormsTheParserAcceptsAreLeftToIt(String text) {
        assertFalse(IsoTimestamps.isPlainUtc(text));
        assertTrue(IsoTimestamps.valid(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z",
            "2025-10-28T24:00:00Z", "2025-10-28T22:60:00Z", "2025-10-28T22:45:60Z", "2025-10-28T22:45:00.1234567890Z",
            "2025-10-28", "yesterday", "2025-1a-28T22:45:00Z", ""})
    void whatTheParserRefusesIsRefused(String text) {
        assertFalse(IsoTimestamps.valid(text));
    }

    /** Soundness: strings one character away from the usual form are accepted by hand only when the parser agrees. */
    @Test
    void theHandCheckNeverAcceptsWhatTheParserRefuses() {
        Random random = new Random(42);
        String alphabet = "0123456789-:.TZtz+ ";
        int recognized = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                    random.nextInt(10_000), random.nextInt(14), random.nextInt(33), random.nextInt(26),
                    random.nextInt(62), random.nextInt(62), random.nextInt(1000)));
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> text.deleteCharAt(at);
                default -> { }
            }
            String candidate = text.toString();
            if (IsoTimestamps.isPlainUtc(candidate)) {
                recognized++;
                assertTrue(parses(candidate), candidate);
            }
            assertEquals(parses(candidate), IsoTimestamps.valid(candidate), candidate);
        }
        assertTrue(recognized > 10_000, "the hand check took " + recognized);
    }

    private static boolean parses(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
