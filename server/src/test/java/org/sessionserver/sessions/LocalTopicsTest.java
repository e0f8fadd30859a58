package org.sessionserver.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;

/** A participant's topics stay right whichever comes first: the store's answer or a change told meanwhile. */
class LocalTopicsTest {
    /** A store whose reads the test answers by hand. */
    private static final class SlowStore implements Topics {
        final Map<String, CompletableFuture<Set<String>>> reads = new HashMap<>();

        @Override
        public CompletionStage<TopicChange.Result> change(TopicChange change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Set<String>> members(String topic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized CompletionStage<Set<String>> topicsOf(String participantId) {
            CompletableFuture<Set<String>> read = new CompletableFuture<>();
            reads.put(participantId, read);
            return read;
        }

        @Override
        public void onChange(Function<TopicChange, ? extends CompletionStage<Void>> applier) {
        }

        @Override
        public void close() {
        }
    }

    private final SlowStore store = new SlowStore();
    private final LocalTopics topics = new LocalTopics(store, new RecordedAudiences());

    @AfterEach
    void close() {
        topics.close();
    }

    @Test
    void aJoinToldWhileLoadingIsKeptWhenTheReadPredatesIt() {
        CompletableFuture<Void> loaded = topics.load("p");
        topics.apply(TopicChange.join("t", "p"));
        assertFalse(loaded.isDone());
        store.reads.get("p").complete(Set.of("old"));
        assertTrue(loaded.isDone());
        assertEquals(Set.of("p"), Set.copyOf(topics.membersHere("t")));
        assertEquals(Set.of("p"), Set.copyOf(topics.membersHere("old")));
        assertEquals(2, topics.memberships());
    }

    @Test
    void aLeaveToldWhileLoadingWinsOverAReadThatStillHadTheTopic() {
        topics.load("p");
        topics.apply(TopicChange.leave("t", "p"));
        store.reads.get("p").complete(Set.of("t"));
        assertEquals(List.of(), List.copyOf(topics.membersHere("t")));
        assertEquals(0, topics.topics());
    }

    @Test
    void changesOfParticipantsNotHeldHereAreIgnored() {
        topics.apply(TopicChange.join("t", "elsewhere"));
        assertEquals(List.of(), List.copyOf(topics.membersHere("t")));
    }

    @Test
    void aReloadReplacesWhatWasKnown() {
        topics.load("p");
        store.reads.get("p").complete(Set.of("a", "b"));
        topics.reloadAll();
        topics.apply(TopicChange.join("c", "p"));
        store.reads.get("p").complete(Set.of("b"));
        assertEquals(List.of(), List.copyOf(topics.membersHere("a")));
        assertEquals(Set.of("p"), Set.copyOf(topics.membersHere("b")));
        assertEquals(Set.of("p"), Set.copyOf(topics.membersHere("c")));
    }
}
