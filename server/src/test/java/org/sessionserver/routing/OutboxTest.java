package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.Message;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;

/** An outbox on a real Netty event loop: turns with the loop's other work between them, order kept, nothing lost. */
class OutboxTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventExecutor loop = group.next();
    private final Backlog backlog = new Backlog();
    private final ServerMetrics metrics = new ServerMetrics();
    private final Outbox outbox = new Outbox(loop, backlog, metrics);
    /** Deliveries in the order the loop made them, across every connection (touched on the loop only). */
    private final List<String> log = new ArrayList<>();
    private final AtomicInteger delivered = new AtomicInteger();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private final class OnLoop extends StubConnection {
        OnLoop(int i) {
            super("p" + i, "s" + i, false);
        }

        @Override
        public EventExecutor loop() {
            return loop;
        }

        @Override
        public void deliver(OutboundMessage message) {
            log.add(session().sessionId() + ":" + message.message().json());
            delivered.incrementAndGet();
        }
    }

    private List<Connection> connections(int count) {
        List<Connection> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new OnLoop(i));
        }
        return list;
    }

    private static OutboundMessage message(int n) {
        return new OutboundMessage(Message.parse("{\"event\":{\"n\":" + n + "},\"to\":[{\"participantId\":\"p\"}]}"));
    }

    @Test
    void otherWorkOfTheLoopRunsBetweenTwoTurnsOfABigFanOut() throws Exception {
        int size = 5 * Outbox.DELIVERIES_PER_TURN;
        CountDownLatch ranAfter = new CountDownLatch(1);
        AtomicInteger deliveredBefore = new AtomicInteger(-1);
        List<Connection> all = connections(size);
        // both queued from the loop itself, so that the other task is surely queued while the fan-out waits
        loop.execute(() -> {
            outbox.add(all, message(1), System.nanoTime());
            loop.execute(() -> { // a read, a pong, a POST: whatever the loop has to do besides the fan-out
                deliveredBefore.set(delivered.get());
                ranAfter.countDown();
            });
        });
        assertTrue(ranAfter.await(10, TimeUnit.SECONDS));
        assertTrue(deliveredBefore.get() <= Outbox.DELIVERIES_PER_TURN,
                "the loop's other task waited for " + deliveredBefore.get() + " of " + size + " deliveries");
        awaitDelivered(size);
    }

    @Test
    void everyConnectionGetsTheMessagesInOrderAndTheBacklogEmpties() throws Exception {
        List<Connection> all = connections(2 * Outbox.DELIVERIES_PER_TURN + 7);
        for (int n = 0; n < 5; n++) {
            outbox.add(all, message(n), System.nanoTime());
        }
        awaitDelivered(5 * all.size());
        for (Connection connection : all) {
            String id = connection.session().sessionId() + ":";
            List<String> got = new ArrayList<>();
            CountDownLatch read = new CountDownLatch(1);
            loop.execute(() -> {
                log.stream().filter(entry -> entry.startsWith(id)).forEach(got::add);
                read.countDown();
            });
            assertTrue(read.await(5, TimeUnit.SECONDS));
            assertEquals(5, got.size(), id);
            for (int n = 0; n < 5; n++) {
                assertTrue(got.get(n).contains("\"n\":" + n), got.toString());
            }
        }
        assertEquals(0, backlog.bytes());
        assertTrue(outbox.idle());
        assertEquals(5, written().count(), "one written-latency sample per message, once its last connection has it");
    }

    @Test
    void aMessageTakenOnTheIdleLoopIsWrittenAtOnce() throws Exception {
        List<Connection> all = connections(3);
        CountDownLatch taken = new CountDownLatch(1);
        AtomicInteger deliveredOnReturn = new AtomicInteger();
        long arrived = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(40);
        loop.execute(() -> {
            outbox.take(all, message(1), arrived);
            deliveredOnReturn.set(delivered.get());
            taken.countDown();
        });
        assertTrue(taken.await(5, TimeUnit.SECONDS));
        assertEquals(3, deliveredOnReturn.get());
        assertEquals(1, written().count());
        assertTrue(written().totalTime(TimeUnit.MILLISECONDS) >= 40, "counted from the message's arrival");
    }

    private Timer written() {
        return metrics.registry().get("sessions_message_written_latency").timer();
    }

    private void awaitDelivered(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, delivered.get());
    }
}
