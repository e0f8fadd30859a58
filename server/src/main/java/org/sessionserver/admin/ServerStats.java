package org.sessionserver.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.function.IntSupplier;
import org.sessionserver.transport.engineio.EioSocket;
import org.sessionserver.transport.engineio.EioTransport;
import org.sessionserver.transport.socketio.SioNamespace;

/**
 * One node as the admin UI's server list shows it ({@code server_stats}): the node id as the server id, the host,
 * the process, its uptime in seconds, its Engine.IO clients (how many still on polling), and per namespace its
 * sockets: our sessions of every transport in {@code /} (as the socket list shows them), the admin sockets. The UI
 * counts a server healthy while its stats keep coming (every {@link #INTERVAL_MS}).
 */
final class ServerStats {
    /** As often as the package's server sends them. */
    static final long INTERVAL_MS = 2_000;

    private final String nodeId;
    private final String hostname = hostname();
    private final Collection<EioSocket> clients;
    private final IntSupplier sessions;
    private final SioNamespace admin;

    /**
     * @param clients  the node's Engine.IO sessions (a live view)
     * @param sessions how many sessions the node holds
     */
    ServerStats(String nodeId, Collection<EioSocket> clients, IntSupplier sessions, SioNamespace admin) {
        this.nodeId = nodeId;
        this.clients = clients;
        this.sessions = sessions;
        this.admin = admin;
    }

    ObjectNode now() {
        int polling = 0;
        int all = 0;
        for (EioSocket client : clients) {
            all++;
            if (client.transport() == EioTransport.POLLING) {
                polling++;
            }
        }
        ObjectNode stats = JsonNodeFactory.instance.objectNode()
                .put("serverId", nodeId)
                .put("hostname", hostname)
                .put("pid", ProcessHandle.current().pid())
                .put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0)
                .put("clientsCount", all)
                .put("pollingClientsCount", polling);
        stats.putArray("namespaces")
                .add(JsonNodeFactory.instance.objectNode().put("name", SocketView.NAMESPACE)
                        .put("socketsCount", sessions.getAsInt()))
                .add(JsonNodeFactory.instance.objectNode().put("name", admin.name())
                        .put("socketsCount", admin.sockets().size()));
        return stats;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }
}
