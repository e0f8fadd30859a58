package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicChangeTest {
    @Test
    void badNamesAreRefusedWithTheRule() {
        for (String bad : new String[] {"", "has space", "x".repeat(129), "brace{", "slash/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TopicChange.join(bad, "alice"));
            assertEquals("a topic name must be " + Names.RULE, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TopicChange.join("t", bad));
        }
    }

    @Test
    void atMostTenThousandIdsAndNoneBothAddedAndRemoved() {
        List<String> many = Collections.nCopies(1, "x");
        assertThrows(IllegalArgumentException.class, () -> TopicChange.of("t", many, many));
        List<String> tooMany = java.util.stream.IntStream.range(0, TopicChange.MAX_IDS + 1)
                .mapToObj(i -> "p" + i).toList();
        assertThrows(IllegalArgumentException.class, () -> TopicChange.of("t", tooMany, List.of()));
    }

    @Test
    void repeatedIdsCountOnceAndTheJsonRoundTrips() {
        TopicChange change = TopicChange.of("t", List.of("a", "b", "a"), List.of("c"));
        assertEquals(List.of("a", "b"), change.add());
        assertEquals(change, TopicChange.fromJson(change.toJson()));
    }
}
