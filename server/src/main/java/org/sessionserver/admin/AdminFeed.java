package org.sessionserver.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.sessionserver.bus.ClusterBus;
import org.sessionserver.bus.ClusterPacket;
import org.sessionserver.json.ServerJson;
import org.sessionserver.transport.socketio.SioNamespace;
import org.sessionserver.transport.socketio.SioSocket;

/**
 * The admin UI's live feed across the cluster: an event told here reaches the admin sockets of this node and, as an
 * {@link ClusterPacket.Type#ADMIN} packet, those of every other node, as socket.io's admin namespace broadcasts through
 * its adapter. So an admin UI connected to any node sees every node's servers and sockets. At most once, like the
 * cluster bus.
 */
final class AdminFeed {
    private static final String EVENT = "event";
    private static final String ARGS = "args";

    private final ClusterBus cluster;
    private final SioNamespace admins;

    AdminFeed(ClusterBus cluster, SioNamespace admins) {
        this.cluster = cluster;
        this.admins = admins;
        cluster.onPacket(ClusterPacket.Type.ADMIN, packet -> emitHere(packet.body().path(EVENT).asText(),
                packet.body().path(ARGS)));
    }

    /** Tells every admin socket in the cluster; arguments as {@link SioSocket#emit} takes them (no binary). */
    void tell(String event, Object... args) {
        ArrayNode json = JsonNodeFactory.instance.arrayNode(args.length);
        for (Object arg : args) {
            json.add(arg instanceof JsonNode node ? node : ServerJson.MAPPER.valueToTree(arg));
        }
        emitHere(event, json);
        ObjectNode body = JsonNodeFactory.instance.objectNode().put(EVENT, event);
        body.set(ARGS, json);
        cluster.publish(ClusterPacket.Type.ADMIN, null, body);
    }

    /** The time stamp the UI shows for an event (a JavaScript {@code Date} serializes the same way). */
    static String now() {
        return Instant.now().toString();
    }

    private void emitHere(String event, JsonNode args) {
        if (!(args instanceof ArrayNode array)) {
            return;
        }
        for (SioSocket admin : admins.sockets()) {
            admin.emitArgs(event, array);
        }
    }
}
