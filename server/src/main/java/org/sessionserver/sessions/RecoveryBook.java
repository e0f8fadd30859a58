package org.sessionserver.sessions;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.socketio.PreparedPacket;
import org.sessionserver.transport.socketio.SioSocket;

/**
 * Connection state recovery, wire-compatible with socket.io 4.6+, for the Socket.IO sessions that opted in
 * ({@code auth.recovery: true}). Each such session has a private id (pid, sent in the CONNECT reply) and a numbered
 * log of the messages addressed to it; each message reaches the client with its offset as last argument. When the
 * client goes away, the session is kept, still logging, for {@code RECOVERY_WINDOW_MS}; a reconnection that presents
 * {@code auth {pid, offset}} in time gets the same session id back and the messages after its offset, in order,
 * before anything new. Otherwise (window over, log evicted past the offset, unknown pid) it gets a fresh session, and
 * socket.io-client reports {@code recovered === false}: never a silent gap.
 *
 * <p>The log is kept in the memory of the node that holds the session. A client that reconnects to another node
 * gets it through Redis ({@link RecoveryHandover}): the new node logs from the moment it asks, the old node hands over
 * what it logged and forgets the session, and the two logs are joined where they overlap. After its node died, a
 * client gets a fresh session.
 */
public final class RecoveryBook implements AutoCloseable {
    /** How many messages a session keeps for replay; older ones make recovery from before them impossible. */
    static final int MAX_LOGGED = 1_000;

    private final long windowMs;
    private final String nodeId;
    private final LocalSessions sessions;
    private final Map<String, Entry> byPid = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "recovery-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    /** @param sessions where a session whose client is away stays addressable (parked) */
    public RecoveryBook(long windowMs, String nodeId, LocalSessions sessions) {
        this.windowMs = windowMs;
        this.nodeId = nodeId;
        this.sessions = sessions;
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    public boolean enabled() {
        return windowMs > 0;
    }

    /** A recoverable session: its pid, log and attachment. Thread-safe. */
    public final class Entry {
        private final String pid;
        private final SessionRecord identity;
        private final ArrayDeque<Logged> log = new ArrayDeque<>();
        private long nextOffset = 1;
        private long firstKept = 1;
        private SioSocket socket;
        private OutboundMessage lastDelivered;
        private long detachedAtMs;
        private boolean claimed;

        private Entry(String pid, SessionRecord identity) {
            this.pid = pid;
            this.identity = identity;
        }

        public String pid() {
            return pid;
        }

        public String sessionId() {
            return identity.sessionId();
        }

        public boolean proxy() {
            return identity.proxy();
        }

        /**
         * Logs a message for this session and, while a client is attached, sends it with its offset. While a client
         * comes or goes the session is both live and detached for a moment, so routing may hand it the same message
         * twice in a row: the second time is ignored.
         */
        public synchronized void deliver(OutboundMessage message) {
            if (message == lastDelivered) {
                return;
            }
            lastDelivered = message;
            long offset = nextOffset++;
            log.addLast(new Logged(offset, message.message()));
            if (log.size() > MAX_LOGGED) {
                log.removeFirst();
                firstKept = log.getFirst().offset();
            }
            if (socket != null) {
                socket.sendPrepared(packet(offset, message.message()));
            }
        }

        /** Who the session is, for addressing (participant, session id, proxy flag, this node). */
        public SessionRecord identity() {
            return identity;
        }
    }

    private record Logged(long offset, Message message) {
        String json() {
            return message.json();
        }
    }

    /**
     * A pid names the node that keeps the session, the session id and its proxy flag (so that another node can log
     * for it at once), and 120 random bits; only the client knows it.
     */
    record Pid(String node, String sessionId, boolean proxy) {
        private static final String SEPARATOR = "~";

        static String of(String node, String sessionId, boolean proxy) {
            return String.join(SEPARATOR, node, sessionId, proxy ? "p" : "n", RandomIds.next());
        }

        /** The parts of a pid, or null when it is not one. */
        static Pid parse(String pid) {
            String[] parts = pid.split(SEPARATOR, -1);
            return parts.length == 4 ? new Pid(parts[0], parts[1], "p".equals(parts[2])) : null;
        }
    }

    /** Opens the log of a new recoverable session; it counts as detached until {@link #attach}. */
    public Entry open(String participantId, String sessionId, boolean proxy) {
        return register(Pid.of(nodeId, sessionId, proxy), participantId, sessionId, proxy, false);
    }

    /** Whether a pid was made by another node (its session is there, if anywhere). */
    public boolean isForeign(String pid) {
        Pid parts = Pid.parse(pid);
        return parts != null && !parts.node().equals(nodeId);
    }

    /**
     * Starts logging here for a session another node keeps, before asking that node for its log: from now on no
     * message for it can fall between the two logs. Null when {@code pid} is not a pid.
     */
    Entry adopt(String pid, String participantId) {
        Pid parts = Pid.parse(pid);
        if (parts == null || byPid.containsKey(pid)) {
            return null;
        }
        return register(pid, participantId, parts.sessionId(), parts.proxy(), true);
    }

    /**
     * Puts the old node's log (the messages after the client's offset) in front of what this node logged since it
     * adopted the session, dropping the messages both logged, and numbers the whole log afresh from 1.
     */
    void completeAdoption(Entry entry, List<String> older) {
        synchronized (entry) {
            List<Logged> newerLogged = List.copyOf(entry.log);
            List<String> newer = newerLogged.stream().map(Logged::json).toList();
            int overlap = Math.min(older.size(), newer.size());
            while (overlap > 0 && !older.subList(older.size() - overlap, older.size())
                    .equals(newer.subList(0, overlap))) {
                overlap--;
            }
            entry.log.clear();
            entry.nextOffset = 1;
            entry.firstKept = 1;
            for (String json : older) {
                entry.log.addLast(new Logged(entry.nextOffset++, Message.parse(json))); // it was parsed once already
            }
            for (Logged logged : newerLogged.subList(overlap, newerLogged.size())) {
                entry.log.addLast(new Logged(entry.nextOffset++, logged.message()));
            }
            while (entry.log.size() > MAX_LOGGED) {
                entry.log.removeFirst();
                entry.firstKept = entry.log.getFirst().offset();
            }
        }
    }

    /** Gives up a session adopted in vain (the old node did not hand it over). */
    void abandon(Entry entry) {
        forget(entry);
    }

    /**
     * Hands a detached session over to another node: its messages after {@code offset}, and it is forgotten here.
     * Null when it cannot be recovered without a gap (as {@link #claim}).
     */
    List<String> handOver(String pid, String offset, String participantId) {
        Entry entry = claim(pid, offset, participantId);
        if (entry == null) {
            return null;
        }
        long last = offset == null ? 0 : Long.parseLong(offset);
        synchronized (entry) {
            List<String> missed = entry.log.stream().filter(logged -> logged.offset() > last).map(Logged::json)
                    .toList();
            forget(entry);
            return missed;
        }
    }

    private Entry register(String pid, String participantId, String sessionId, boolean proxy, boolean claimed) {
        Entry entry = new Entry(pid, new SessionRecord(participantId, sessionId, null, nodeId, proxy, null, null));
        entry.detachedAtMs = System.currentTimeMillis();
        entry.claimed = claimed;
        byPid.put(entry.pid, entry);
        sessions.park(entry);
        return entry;
    }

    private void forget(Entry entry) {
        byPid.remove(entry.pid, entry);
        sessions.unpark(entry);
    }

    /**
     * Takes a detached session back for {@code participantId}, or null when it cannot be recovered without a gap:
     * unknown or foreign pid, window over, offset not a number this log still covers.
     */
    public Entry claim(String pid, String offset, String participantId) {
        Entry entry = pid == null ? null : byPid.get(pid);
        if (entry == null || !entry.identity.participantId().equals(participantId)) {
            return null;
        }
        long last;
        try {
            last = offset == null ? 0 : Long.parseLong(offset); // none: the client got no message yet
        } catch (NumberFormatException e) {
            return null;
        }
        synchronized (entry) {
            boolean expired = System.currentTimeMillis() - entry.detachedAtMs > windowMs;
            if (entry.socket != null || entry.claimed || expired || last + 1 < entry.firstKept || last >= entry.nextOffset) {
                return null;
            }
            entry.claimed = true;
            return entry;
        }
    }

    /**
     * Attaches a client: first the messages after {@code afterOffset} (0: none sent yet), then live ones, with no
     * message in between lost or repeated.
     */
    public void attach(Entry entry, SioSocket socket, long afterOffset) {
        synchronized (entry) {
            for (Logged logged : entry.log) {
                if (logged.offset() > afterOffset) {
                    socket.sendPrepared(packet(logged.offset(), logged.message()));
                }
            }
            entry.socket = socket;
            entry.claimed = false;
            sessions.unpark(entry);
        }
    }

    /** The client went away: the session keeps logging for the recovery window. */
    public void detach(Entry entry) {
        synchronized (entry) {
            entry.socket = null;
            entry.detachedAtMs = System.currentTimeMillis();
            sessions.park(entry);
        }
    }

    /** How many sessions this node keeps for recovery, attached or not. */
    public int sessions() {
        return byPid.size();
    }

    /** For tests: the messages an entry would replay from the start. */
    List<String> logOf(Entry entry) {
        synchronized (entry) {
            return entry.log.stream().map(Logged::json).toList();
        }
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        for (Entry entry : byPid.values()) {
            synchronized (entry) {
                if (entry.socket == null && now - entry.detachedAtMs > windowMs) {
                    forget(entry);
                }
            }
        }
    }

    private static PreparedPacket packet(long offset, Message message) {
        return PreparedPacket.eventWithRawJsonAndOffset("/", OutboundMessage.socketIoEvent(message),
                OutboundMessage.socketIoArgument(message), Long.toString(offset));
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
