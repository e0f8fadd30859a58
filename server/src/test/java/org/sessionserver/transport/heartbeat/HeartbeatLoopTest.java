package org.sessionserver.transport.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On an embedded loop whose time stands still until the test moves it, with the defaults: 25 s, 20 s, 1 s slots. */
class HeartbeatLoopTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private long now;
    private final HeartbeatLoop loop;
    private final List<String> events = new ArrayList<>();

    HeartbeatLoopTest() {
        channel.freezeTime();
        loop = new HeartbeatLoop(channel.eventLoop(), 25 * SECOND, 20 * SECOND, () -> now);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private Heartbeat heartbeat(String name) {
        return new Heartbeat(loop, () -> events.add(name + " ping @" + millis()),
                () -> events.add(name + " timed out @" + millis()));
    }

    private long millis() {
        return TimeUnit.NANOSECONDS.toMillis(now);
    }

    /** Moves the time to {@code millis} in steps of 1 ms, running what falls due on the way. */
    private void runUntil(long millis) {
        while (now < TimeUnit.MILLISECONDS.toNanos(millis)) {
            long step = Math.min(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(millis) - now);
            now += step;
            channel.advanceTimeBy(step, TimeUnit.NANOSECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    void pingsPlannedInOneSlotLeaveTogetherAtItsEnd() {
        for (int i = 0; i < 100; i++) {
            runUntil(1 + i * 9);
            heartbeat("h").start();
        }
        runUntil(25_999);
        assertEquals(List.of(), events, "no ping before its interval, none before the slot ends");
        runUntil(26_000);
        assertEquals(100, events.size());
        assertEquals(List.of("h ping @26000"), events.stream().distinct().toList());
    }

    @Test
    void aPongPlansTheNextPingOneIntervalLaterAndWithoutOneTheConnectionTimesOut() {
        Heartbeat heartbeat = heartbeat("a");
        heartbeat.start();
        runUntil(27_000);
        heartbeat.onPong();
        runUntil(51_999);
        assertEquals(List.of("a ping @25000"), events);
        runUntil(80_000);
        assertEquals(List.of("a ping @25000", "a ping @52000", "a timed out @72000"), events);
    }

    @Test
    void aDeadlineComesBeforeALaterPlannedPing() {
        heartbeat("a").start();
        runUntil(5_000);
        heartbeat("b").start();
        runUntil(60_000);
        assertEquals(List.of("a ping @25000", "b ping @30000", "a timed out @45000", "b timed out @50000"), events);
    }

    @Test
    void aStoppedHeartbeatNeitherPingsNorTimesOut() {
        Heartbeat beforePing = heartbeat("before");
        beforePing.start();
        Heartbeat awaitingPong = heartbeat("awaiting");
        awaitingPong.start();
        runUntil(10_000);
        beforePing.stop();
        runUntil(30_000);
        awaitingPong.stop();
        runUntil(100_000);
        assertEquals(List.of("awaiting ping @25000"), events);
    }

    @Test
    void aPongNobodyAskedForChangesNothing() {
        Heartbeat heartbeat = heartbeat("a");
        heartbeat.start();
        runUntil(10_000);
        heartbeat.onPong();
        runUntil(26_000);
        heartbeat.onPong();
        heartbeat.onPong();
        runUntil(60_000);
        assertEquals(List.of("a ping @25000", "a ping @51000"), events);
    }

    @Test
    void aPingThatFindsTheConnectionGonePlansNoDeadline() {
        Heartbeat[] self = new Heartbeat[1];
        self[0] = new Heartbeat(loop, () -> {
            events.add("ping");
            self[0].stop(); // as a send that finds the channel closed ends the session
        }, () -> events.add("timed out"));
        self[0].start();
        runUntil(100_000);
        assertEquals(List.of("ping"), events);
    }

    @Test
    void shortIntervalsHaveShortSlots() {
        HeartbeatLoop fast = new HeartbeatLoop(channel.eventLoop(), TimeUnit.MILLISECONDS.toNanos(200),
                TimeUnit.MILLISECONDS.toNanos(100), () -> now);
        new Heartbeat(fast, () -> events.add("ping @" + millis()), () -> events.add("timed out @" + millis())).start();
        runUntil(2);
        new Heartbeat(fast, () -> events.add("late ping @" + millis()), () -> { }).start();
        runUntil(400);
        assertEquals(List.of("ping @200", "late ping @205", "timed out @300"), events,
                "slots of 5 ms, one twentieth of 100 ms");
    }

    @Test
    void intervalsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Heartbeats(0, 1_000));
        assertThrows(IllegalArgumentException.class, () -> new Heartbeats(1_000, -1));
    }
}
