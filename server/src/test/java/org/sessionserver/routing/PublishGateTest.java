package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.metrics.ServerMetrics;

class PublishGateTest {
    private static final long LIMIT = 10_000;

    private final Backlog backlog = new Backlog();
    private final ServerMetrics metrics = new ServerMetrics();
    private final List<Boolean> changes = new ArrayList<>();

    private PublishGate gate(long waitMs) {
        return gate(LIMIT, waitMs);
    }

    private PublishGate gate(long limit, long waitMs) {
        PublishGate gate = new PublishGate(backlog, limit, waitMs, metrics, null);
        gate.onBehind(changes::add);
        return gate;
    }

    @Test
    void underTheBoundPublishersGoAtOnce() {
        PublishGate gate = gate(1_000);
        backlog.queued(LIMIT - 1);
        assertTrue(gate.admit().isDone());
        assertTrue(metrics.scrape().contains("sessions_publishers_held_total 0.0"));
    }

    @Test
    void overTheBoundPublishersWaitUntilTheBacklogIsUnderHalfOfIt() {
        PublishGate gate = gate(60_000);
        UnsentConnection slow = new UnsentConnection();
        slow.unsent = LIMIT;
        backlog.noteUnsent(slow);
        CompletableFuture<Void> first = gate.admit();
        gate.tick();
        CompletableFuture<Void> second = gate.admit();
        assertFalse(first.isDone());
        assertEquals(List.of(true), changes);
        assertTrue(gate.behind());

        slow.unsent = LIMIT * 3 / 4; // under the bound, not under half of it: still behind
        gate.tick();
        assertFalse(first.isDone());

        slow.unsent = LIMIT / 2;
        gate.tick();
        assertTrue(first.isDone() && second.isDone());
        assertFalse(first.isCompletedExceptionally());
        assertEquals(List.of(true, false), changes);
        assertTrue(metrics.scrape().contains("sessions_publishers_held_total 2.0"));
        assertTrue(metrics.scrape().contains("sessions_backlog_bytes 5000.0"));
    }

    @Test
    void fallingBehindIsToldWhereTheBacklogGrowsWithoutWaitingForATick() {
        PublishGate gate = gate(60_000);
        backlog.queued(LIMIT / 2);
        assertEquals(List.of(), changes);
        UnsentConnection slow = new UnsentConnection();
        slow.unsent = LIMIT / 2;
        backlog.noteUnsent(slow);
        assertEquals(List.of(true), changes);
        assertTrue(gate.behind());
        backlog.queued(1); // still behind: told once
        assertEquals(List.of(true), changes);
    }

    @Test
    void waitersGoInArrivalOrderAndStopWhenTheirFanOutFillsTheBacklogAgain() {
        PublishGate gate = gate(60_000);
        backlog.queued(LIMIT);
        gate.tick();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int publisher = i;
            // Each publisher's fan-out fills the backlog, as the embedded bus does on the gate's thread.
            gate.admit().thenRun(() -> {
                order.add(publisher);
                backlog.queued(LIMIT);
            });
        }
        backlog.written(LIMIT);
        gate.tick();
        assertEquals(List.of(0), order);
        backlog.written(LIMIT);
        gate.tick();
        assertEquals(List.of(0, 1), order);
        CompletableFuture<Void> later = gate.admit(); // arrives while one still waits: goes after it
        backlog.written(LIMIT);
        gate.tick();
        assertEquals(List.of(0, 1, 2), order);
        assertFalse(later.isDone());
    }

    @Test
    void underTheBoundPublishersStillWaitWhileTheLoopsHoldMoreThanTheirPace() {
        PublishGate gate = gate(100 * LoopPace.MIN_AHEAD_BYTES, 60_000);
        backlog.queued(LoopPace.MIN_AHEAD_BYTES); // far under the memory bound, but more than the loops' pace
        CompletableFuture<Void> held = gate.admit();
        assertFalse(held.isDone());
        assertFalse(gate.behind(), "the pace holds publishers, not Redis");
        backlog.written(1);
        gate.tick();
        assertTrue(held.isDone());
        assertFalse(held.isCompletedExceptionally());
    }

    @Test
    void afterTheWaitAPublisherIsRefusedAsUnavailable() throws InterruptedException {
        PublishGate gate = gate(1);
        backlog.queued(LIMIT);
        CompletableFuture<Void> held = gate.admit();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!held.isDone() && System.nanoTime() < deadline) {
            gate.tick();
            Thread.onSpinWait();
        }
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                held::get);
        Refusal refusal = assertInstanceOf(Refusal.class, failure.getCause());
        assertEquals(ErrorCode.UNAVAILABLE, refusal.code());
        assertTrue(metrics.scrape().contains("sessions_publishers_refused_total 1.0"));
    }

    @Test
    void withNoWaitAPublisherOverTheBoundIsRefusedAtOnce() {
        PublishGate gate = gate(0);
        backlog.queued(LIMIT);
        assertTrue(gate.admit().isCompletedExceptionally());
        assertTrue(metrics.scrape().contains("sessions_publishers_refused_total 1.0"));
    }

    @Test
    void closingRefusesWhoeverWaits() {
        PublishGate gate = gate(60_000);
        backlog.queued(LIMIT);
        CompletableFuture<Void> held = gate.admit();
        gate.close();
        assertTrue(held.isCompletedExceptionally());
    }

    @Test
    void theTimerRunsOnlyWhileTheNodeIsBehindOrSomeoneWaits() throws Exception {
        try (PublishGate gate = PublishGate.start(backlog, LIMIT, 60_000, metrics)) {
            assertFalse(gate.ticking(), "an idle node's gate must not wake up");
            backlog.queued(LIMIT);
            assertTrue(gate.behind());
            assertTrue(gate.ticking());
            CompletableFuture<Void> held = gate.admit();
            backlog.written(LIMIT);
            held.get(5, java.util.concurrent.TimeUnit.SECONDS); // released by the timer, not by the test
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (gate.ticking() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(gate.behind());
            assertFalse(gate.ticking(), "caught up with nobody waiting: the timer stops");
        }
    }

    @Test
    void aClientThatHoldsUnsentBytesIsReadAgainUntilItHasReadThem() throws Exception {
        try (PublishGate gate = PublishGate.start(backlog, LIMIT, 60_000, metrics)) {
            UnsentConnection slow = new UnsentConnection();
            slow.unsent = LIMIT / 10; // under the bound: the node is not behind, yet the figure must not go stale
            backlog.noteUnsent(slow);
            assertTrue(gate.ticking());
            slow.unsent = 0; // it read them (or closed): only the timer can see that
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((backlog.bytes() != 0 || gate.ticking()) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, backlog.bytes());
            assertEquals(0, backlog.congestedConnections());
            assertFalse(gate.ticking());
        }
    }
}
