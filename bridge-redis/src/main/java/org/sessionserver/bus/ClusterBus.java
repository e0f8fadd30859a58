package org.sessionserver.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The node-to-node channel: a small protocol ({@link ClusterPacket.Type}) over publish and subscribe. Delivery is at
 * most once; receivers count what they missed from each peer's sequence and report it to {@link #onMissed}. Questions
 * and their answers go through {@link ClusterCalls}.
 */
public interface ClusterBus extends AutoCloseable {
    /** Sends to one node ({@code to}) or, with null, to every other node. */
    void publish(ClusterPacket.Type type, String to, JsonNode body);

    /** Adds a receiver of the packets of one type for this node, called on a bus thread; it must not block. */
    void onPacket(ClusterPacket.Type type, Consumer<ClusterPacket> handler);

    /** Told how many packets were missed each time a gap shows. */
    void onMissed(LongConsumer listener);

    @Override
    void close();
}
