package org.sessionserver.bus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Follows each peer's (epoch, sequence) and counts the packets that never arrived. Thread-safe. */
public final class SequenceTracker {
    private record Position(long epoch, long seq) {
    }

    private final Map<String, Position> peers = new ConcurrentHashMap<>();

    /** @return how many packets of {@code node} were missed just before this one (0 when none) */
    public long observe(String node, long epoch, long seq) {
        long[] missed = {0};
        peers.merge(node, new Position(epoch, seq), (last, now) -> {
            if (now.epoch() < last.epoch()) {
                return last; // a late packet of the peer's previous run
            }
            if (now.epoch() > last.epoch()) {
                return now; // the peer restarted: a new sequence begins
            }
            if (now.seq() <= last.seq()) {
                return last; // a duplicate or a late packet
            }
            missed[0] = now.seq() - last.seq() - 1;
            return now;
        });
        return missed[0];
    }
}
