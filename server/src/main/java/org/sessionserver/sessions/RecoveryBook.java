package org.sessionserver.sessions;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bridge.SessionRecord;
import org.sessionserver.routing.OutboundMessage;
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
 * <p>Kept in the memory of the node that held the session: a client that reconnects to another node, or after its
 * node died, gets a fresh session.
 */
public final class RecoveryBook implements AutoCloseable {
    /** How many messages a session keeps for replay; older ones make recovery from before them impossible. */
    static final int MAX_LOGGED = 1_000;

    private final long windowMs;
    private final String nodeId;
    private final Map<String, Entry> byPid = new ConcurrentHashMap<>();
    private final Map<String, Set<Entry>> detachedByParticipant = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "recovery-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    public RecoveryBook(long windowMs, String nodeId) {
        this.windowMs = windowMs;
        this.nodeId = nodeId;
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
            log.addLast(new Logged(offset, message.message().json()));
            if (log.size() > MAX_LOGGED) {
                log.removeFirst();
                firstKept = log.getFirst().offset();
            }
            if (socket != null) {
                socket.sendPrepared(packet(offset, message.message().json()));
            }
        }

        /** Who the session is, for addressing (participant, session id, proxy flag, this node). */
        public SessionRecord identity() {
            return identity;
        }
    }

    private record Logged(long offset, String json) {
    }

    /** Opens the log of a new recoverable session; it counts as detached until {@link #attach}. */
    Entry open(String participantId, String sessionId, boolean proxy) {
        Entry entry = new Entry(nodeId + "~" + RandomIds.next(),
                new SessionRecord(participantId, sessionId, null, nodeId, proxy, null, null));
        entry.detachedAtMs = System.currentTimeMillis();
        byPid.put(entry.pid, entry);
        detached(participantId).add(entry);
        return entry;
    }

    /**
     * Takes a detached session back for {@code participantId}, or null when it cannot be recovered without a gap:
     * unknown or foreign pid, window over, offset not a number this log still covers.
     */
    Entry claim(String pid, String offset, String participantId) {
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
    void attach(Entry entry, SioSocket socket, long afterOffset) {
        synchronized (entry) {
            for (Logged logged : entry.log) {
                if (logged.offset() > afterOffset) {
                    socket.sendPrepared(packet(logged.offset(), logged.json()));
                }
            }
            entry.socket = socket;
            entry.claimed = false;
            detached(entry.identity.participantId()).remove(entry);
        }
    }

    /** The client went away: the session keeps logging for the recovery window. */
    void detach(Entry entry) {
        synchronized (entry) {
            entry.socket = null;
            entry.detachedAtMs = System.currentTimeMillis();
            detached(entry.identity.participantId()).add(entry);
        }
    }

    /** The detached sessions of a participant, for routing. */
    public Collection<Entry> detachedOf(String participantId) {
        Set<Entry> entries = detachedByParticipant.get(participantId);
        return entries == null ? List.of() : entries;
    }

    private Set<Entry> detached(String participantId) {
        return detachedByParticipant.computeIfAbsent(participantId, id -> ConcurrentHashMap.newKeySet());
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        for (Entry entry : byPid.values()) {
            synchronized (entry) {
                if (entry.socket == null && !entry.claimed && now - entry.detachedAtMs > windowMs) {
                    byPid.remove(entry.pid);
                    Set<Entry> entries = detachedByParticipant.get(entry.identity.participantId());
                    if (entries != null) {
                        entries.remove(entry);
                        detachedByParticipant.remove(entry.identity.participantId(), Set.of());
                    }
                }
            }
        }
    }

    private static PreparedPacket packet(long offset, String json) {
        return PreparedPacket.eventWithRawJsonAndOffset("/", OutboundMessage.EVENT, json, Long.toString(offset));
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
