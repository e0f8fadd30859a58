package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * What every {@link Topics} promises, run against each twin: membership both ways (topic to members, participant to
 * topics), counts that say what changed, and every change told to the listener, in order.
 */
public abstract class TopicsContract {
    protected static final Duration WAIT = Duration.ofSeconds(5);

    protected Topics topics;
    protected final List<TopicChange> told = new CopyOnWriteArrayList<>();

    /** A fresh, empty membership store. */
    protected abstract Topics newTopics();

    @BeforeEach
    void openTopics() {
        topics = newTopics();
        topics.onChange(change -> {
            told.add(change);
            return CompletableFuture.completedFuture(null);
        });
    }

    @AfterEach
    void closeTopics() {
        topics.close();
    }

    protected static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void joinAndLeaveSayWhetherTheyChangedAnything() throws Exception {
        assertEquals(new TopicChange.Result(1, 0), get(topics.change(TopicChange.join("t", "alice"))));
        assertEquals(new TopicChange.Result(0, 0), get(topics.change(TopicChange.join("t", "alice"))));
        assertEquals(Set.of("alice"), get(topics.members("t")));
        assertEquals(Set.of("t"), get(topics.topicsOf("alice")));
        assertEquals(new TopicChange.Result(0, 1), get(topics.change(TopicChange.leave("t", "alice"))));
        assertEquals(new TopicChange.Result(0, 0), get(topics.change(TopicChange.leave("t", "alice"))));
        assertEquals(Set.of(), get(topics.members("t")));
        assertEquals(Set.of(), get(topics.topicsOf("alice")));
    }

    @Test
    void bulkChangesCountWhatChanged() throws Exception {
        get(topics.change(TopicChange.of("t", List.of("a", "b"), List.of())));
        TopicChange.Result result = get(topics.change(TopicChange.of("t", List.of("b", "c", "d"), List.of("a", "x"))));
        assertEquals(new TopicChange.Result(2, 1), result);
        assertEquals(Set.of("b", "c", "d"), get(topics.members("t")));
        assertEquals(Set.of(), get(topics.topicsOf("a")));
    }

    @Test
    void participantsBelongToSeveralTopics() throws Exception {
        get(topics.change(TopicChange.join("t1", "alice")));
        get(topics.change(TopicChange.join("t2", "alice")));
        get(topics.change(TopicChange.join("t2", "bob")));
        assertEquals(Set.of("t1", "t2"), get(topics.topicsOf("alice")));
        assertEquals(Set.of("alice", "bob"), get(topics.members("t2")));
        assertEquals(Set.of(), get(topics.members("nobody-joined")));
    }

    @Test
    void tenThousandMembersInOneChange() throws Exception {
        List<String> ids = IntStream.range(0, TopicChange.MAX_IDS).mapToObj(i -> "member-" + i).toList();
        assertEquals(new TopicChange.Result(TopicChange.MAX_IDS, 0),
                get(topics.change(TopicChange.of("big", ids, List.of()))));
        assertEquals(TopicChange.MAX_IDS, get(topics.members("big")).size());
        assertEquals(Set.of("big"), get(topics.topicsOf("member-9999")));
    }

    @Test
    void everyChangeIsToldInOrder() throws Exception {
        List<TopicChange> made = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TopicChange change = i % 2 == 0 ? TopicChange.join("t", "p" + i / 2) : TopicChange.leave("t", "p" + i / 2);
            made.add(change);
            get(topics.change(change));
        }
        Wait.until(WAIT, () -> told.size() >= made.size(), "every change told");
        assertEquals(made, told);
    }
}
