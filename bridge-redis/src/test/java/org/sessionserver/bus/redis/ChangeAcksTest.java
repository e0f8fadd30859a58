package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ChangeAcksTest {
    private Consumer<String> acksChannel;
    private long liveNodes;
    private final ChangeAcks acks = new ChangeAcks(new RedisKeys("t:"), (channel, handler) -> {
        acksChannel = handler;
        return CompletableFuture.completedFuture(null);
    }, () -> CompletableFuture.completedFuture(liveNodes));

    @Test
    void aChangeIsAnsweredWhenAsManyNodesAcknowledgedAsPublishReached() {
        acks.ready().join();
        String change = acks.expect();
        CompletableFuture<Void> answered = acks.await(change, 2);
        acksChannel.accept(change);
        assertFalse(answered.isDone(), "one node of two");
        acksChannel.accept("another-change");
        assertFalse(answered.isDone(), "an acknowledgement of another change");
        acksChannel.accept(change);
        assertTrue(answered.isDone());
    }

    /** A fast node may acknowledge before PUBLISH has told the changer how many nodes there are. */
    @Test
    void acknowledgementsThatCameBeforeTheCountStillCount() {
        acks.ready().join();
        String change = acks.expect();
        acksChannel.accept(change);
        assertTrue(acks.await(change, 1).isDone());
    }

    /** On a Redis Cluster PUBLISH counts one server's subscribers: the directory's live nodes are waited for too. */
    @Test
    void theDirectorysLiveNodesAreWaitedForWhenPublishCountedFewer() {
        acks.ready().join();
        liveNodes = 2;
        String change = acks.expect();
        CompletableFuture<Void> answered = acks.await(change, 1);
        acksChannel.accept(change);
        assertFalse(answered.isDone());
        acksChannel.accept(change);
        assertTrue(answered.isDone());
    }

    @Test
    void noNodeMeansNoWait() {
        acks.ready().join();
        assertTrue(acks.await(acks.expect(), 0).isDone());
    }

    @Test
    void aNodeThatNeverAnswersHoldsTheChangeForTheBoundedWaitOnly() throws Exception {
        acks.ready().join();
        long start = System.nanoTime();
        acks.await(acks.expect(), 1).get(ChangeAcks.WAIT.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= ChangeAcks.WAIT.toMillis() - 50, "answered after " + waitedMs + " ms");
    }

    @Test
    void theAcknowledgementsChannelIsSubscribedOnce() {
        acks.ready().join();
        Consumer<String> first = acksChannel;
        acks.ready().join();
        assertTrue(first == acksChannel);
    }
}
