package org.sessionserver.transport.engineio;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.sessionserver.transport.http.HttpExchange;

/**
 * What a long-polling session holds for its client: the packets not yet carried away, their size (read by the
 * backlog from other threads), and the poll waiting to carry them. Used on the session's loop only, but for
 * {@link #bytes}.
 */
final class PollBuffer {
    private final ArrayDeque<Object> packets = new ArrayDeque<>();
    /** Written on the loop only; volatile for {@link #bytes}, which the backlog reads from other threads. */
    private volatile long bytes;
    private HttpExchange pendingPoll;

    /** Buffers a packet in Engine.IO form (a {@link String} with its type digit, or a {@code byte[]}). */
    void add(Object packet) {
        packets.add(packet);
        bytes += packet instanceof byte[] binary ? binary.length : ((String) packet).length();
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return packets.isEmpty();
    }

    boolean hasPoll() {
        return pendingPoll != null;
    }

    /** The poll that waits from now on; the caller checked that none did. */
    void hold(HttpExchange poll) {
        pendingPoll = poll;
    }

    /** The pending poll when there is nothing to send on it, else null. */
    HttpExchange idlePoll() {
        return packets.isEmpty() ? pendingPoll : null;
    }

    /** Answers the pending poll with everything buffered; false when there is no poll or nothing to send. */
    boolean flush() {
        if (pendingPoll == null || packets.isEmpty()) {
            return false;
        }
        String payload = PollingPayload.encode(packets);
        clear();
        answer(payload);
        return true;
    }

    /** Answers the pending poll with {@code payload}. */
    void answer(String payload) {
        HttpExchange poll = pendingPoll;
        pendingPoll = null;
        poll.send(HttpResponseStatus.OK, HttpExchange.TEXT, payload);
    }

    /** Answers {@code poll} with a noop if it is still the pending one. */
    void release(HttpExchange poll) {
        if (pendingPoll == poll) {
            answer(String.valueOf(EioPacketType.NOOP.code));
        }
    }

    /** Takes the pending poll away, unanswered (null if none). */
    HttpExchange takePoll() {
        HttpExchange poll = pendingPoll;
        pendingPoll = null;
        return poll;
    }

    /** Hands every buffered packet, in order, to {@code sink} and forgets them (an upgrade carries them on). */
    void drainTo(Consumer<Object> sink) {
        for (Object packet; (packet = packets.poll()) != null; ) {
            sink.accept(packet);
        }
        bytes = 0;
    }

    /** Forgets what is buffered (else the backlog would count a closed session's buffer for good). */
    void clear() {
        packets.clear();
        bytes = 0;
    }
}
