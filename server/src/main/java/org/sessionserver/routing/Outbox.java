package org.sessionserver.routing;

import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries waiting for one event loop, written in turns of at most {@value #DELIVERIES_PER_TURN}, with the
 * loop's I/O between two turns.
 *
 * <p>Why turns: Netty's loop reads its sockets only once its task queue is empty (or after 4,096 tasks), and under
 * overload the publish gate admits the next message as soon as the last one is written, so a queue of whole fan-out
 * tasks never emptied: the loop wrote for seconds and read nothing, neither the {@code POST /messages} that the gate
 * should have held or refused (they waited unread in the kernel, 2-7 s) nor pongs and client events. A turn that has
 * more to do goes on as a task scheduled from the loop itself, which Netty runs in its next pass, after the I/O.
 */
final class Outbox implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    /**
     * About 2-3 ms of writing for a loop (one WebSocket frame costs 5-15 us, mostly the kernel's send). With 1,024
     * (10 ms, 25 ms on a busy machine) a {@code POST /messages} under overload waited 94 ms (p50) for its answer, as
     * each turn delayed the loop's reads; with 256, 29-38 ms, and the loops delivered more, not less (bench, raw).
     */
    static final int DELIVERIES_PER_TURN = 256;

    /**
     * One message for some of this loop's connections, arrived on the node at {@code arrivedNanos}; {@code next} is
     * the first connection not yet written.
     */
    private static final class Batch {
        final List<Connection> connections;
        final OutboundMessage message;
        final long arrivedNanos;
        int next;

        Batch(List<Connection> connections, OutboundMessage message, long arrivedNanos) {
            this.connections = connections;
            this.message = message;
            this.arrivedNanos = arrivedNanos;
        }
    }

    private final EventExecutor loop;
    private final Backlog backlog;
    private final ServerMetrics metrics;
    private final Queue<Batch> batches = new ConcurrentLinkedQueue<>();
    /** True from the moment a turn is due until the outbox is found empty. */
    private final AtomicBoolean turnDue = new AtomicBoolean();

    Outbox(EventExecutor loop, Backlog backlog, ServerMetrics metrics) {
        this.loop = loop;
        this.backlog = backlog;
        this.metrics = metrics;
    }

    /** Whether nothing waits here: then a caller on the loop may write at once without overtaking anything. */
    boolean idle() {
        return !turnDue.get();
    }

    /**
     * Hands {@code message}, arrived on the node at {@code arrivedNanos}, to {@code connections} (all on this loop),
     * from any thread: written at once when called on the loop with nothing waiting here (a targeted message read on
     * its connection's loop overtakes nothing), queued for a turn otherwise.
     */
    void take(List<Connection> connections, OutboundMessage message, long arrivedNanos) {
        if (loop.inEventLoop() && idle()) {
            write(connections, message);
            metrics.messageWritten(arrivedNanos);
        } else {
            add(connections, message, arrivedNanos);
        }
    }

    /** Queues {@code message} for {@code connections} (all on this loop), from any thread. */
    void add(List<Connection> connections, OutboundMessage message, long arrivedNanos) {
        backlog.queued((long) message.size() * connections.size());
        batches.add(new Batch(connections, message, arrivedNanos));
        if (turnDue.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** One turn, on the loop. */
    @Override
    public void run() {
        try {
            int budget = DELIVERIES_PER_TURN;
            for (Batch batch = batches.peek(); batch != null && budget > 0; batch = batches.peek()) {
                int end = Math.min(batch.connections.size(), batch.next + budget);
                List<Connection> slice = batch.connections.subList(batch.next, end);
                budget -= slice.size();
                batch.next = end;
                boolean last = end == batch.connections.size();
                if (last) {
                    batches.poll();
                }
                try {
                    write(slice, batch.message);
                } finally {
                    backlog.written((long) batch.message.size() * slice.size());
                }
                if (last) {
                    metrics.messageWritten(batch.arrivedNanos);
                }
            }
        } finally {
            nextTurn();
        }
    }

    /** Writes to each connection; one that fails is logged and costs the others nothing. */
    private void write(List<Connection> connections, OutboundMessage message) {
        for (Connection connection : connections) {
            try {
                connection.deliver(message);
                backlog.noteUnsent(connection);
            } catch (RuntimeException e) {
                log.warn("delivering to session {} failed", connection.session().sessionId(), e);
            }
        }
    }

    private void nextTurn() {
        if (!batches.isEmpty()) {
            loop.schedule(this, 0, TimeUnit.NANOSECONDS); // the next pass, after the loop's I/O
            return;
        }
        turnDue.set(false);
        if (!batches.isEmpty() && turnDue.compareAndSet(false, true)) { // added between the check and the reset
            loop.execute(this);
        }
    }
}
