package org.sessionserver.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** The cluster channel of a node that runs alone: there is no other node, so nothing is ever sent. */
public final class InMemoryClusterBus implements ClusterBus {
    @Override
    public void publish(ClusterPacket.Type type, String to, JsonNode body) {
    }

    @Override
    public void onPacket(ClusterPacket.Type type, Consumer<ClusterPacket> handler) {
    }

    @Override
    public void onMissed(LongConsumer listener) {
    }

    @Override
    public void close() {
    }
}
