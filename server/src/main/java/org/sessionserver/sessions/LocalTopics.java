package org.sessionserver.sessions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.Audiences;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participants this node holds and their topics: what the node listens to in routed delivery, and how a topic
 * entry is resolved here without asking the store. A participant's memberships are loaded, and the node listens to
 * the participant and to its topics, before its first session here counts as open ({@link #load}); they are then
 * kept current from the changes every node is told of ({@link #apply}). A change that arrives while a read is under
 * way is applied again on top of what the read returned, so neither order loses it. Participants with no session
 * here for {@link #IDLE_MS} are forgotten and no longer listened to, nor are topics left with no member here (not at
 * once: a client that reconnects keeps them). Thread-safe: changes under one lock, {@link #membersHere} without.
 */
public final class LocalTopics implements AutoCloseable {
    /** How long a participant's memberships stay known after its last session here went. */
    static final long IDLE_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(LocalTopics.class);

    private final Topics store;
    private final Audiences audiences;
    private final Map<String, Tracked> tracked = new HashMap<>();
    private final Map<String, Set<String>> membersHere = new ConcurrentHashMap<>();
    /** Since when each topic of {@link #membersHere} is listened to (the stage completes then). */
    private final Map<String, CompletableFuture<Void>> topicsListened = new HashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "topics-sweeper");
        thread.setDaemon(true);
        return thread;
    });
    private int memberships;

    /** A participant held here: its topics, how many sessions hold it, and the changes seen while reads are out. */
    private static final class Tracked {
        /** The id as the sessions here spell it: the same String instance makes routing's look-ups by it cheaper. */
        final String id;
        final Set<String> topics = new HashSet<>();
        final CompletableFuture<Void> loaded = new CompletableFuture<>();
        CompletableFuture<Void> listened;
        final List<Seen> seenWhileReading = new ArrayList<>();
        int readsOut;
        int holders;
        long idleSinceNanos = System.nanoTime();

        Tracked(String id) {
            this.id = id;
        }
    }

    /** One change of one participant's membership, as it was applied. */
    private record Seen(String topic, boolean joined) {
    }

    /** @param audiences where the node says which participants and topics it holds */
    public LocalTopics(Topics store, Audiences audiences) {
        this.store = store;
        this.audiences = audiences;
        sweeper.scheduleWithFixedDelay(this::forgetIdle, IDLE_MS / 2, IDLE_MS / 2, TimeUnit.MILLISECONDS);
    }

    /**
     * Knows the participant's topics from now on and listens to it and to them; completes once they are loaded and
     * listened to (at once when they were). A failed read or listen completes too (logged): the participant then
     * receives topic messages from the next change or reload, or when the bus is back.
     */
    public CompletableFuture<Void> load(String participantId) {
        synchronized (this) {
            Tracked known = tracked.get(participantId);
            if (known != null) {
                return known.loaded;
            }
            known = new Tracked(participantId);
            tracked.put(participantId, known);
            known.listened = listen(Audience.participant(participantId));
            read(participantId, known);
            return known.loaded;
        }
    }

    /** A session of the participant is here (live or parked): keep its topics. */
    synchronized void hold(String participantId) {
        Tracked known = tracked.get(participantId);
        if (known == null) {
            // Forgotten between its load and now (a load that took longer than IDLE_MS): read it again.
            load(participantId);
            known = tracked.get(participantId);
        }
        known.holders++;
    }

    /** A session of the participant left. */
    synchronized void release(String participantId) {
        Tracked known = tracked.get(participantId);
        if (known != null && --known.holders <= 0) {
            known.holders = 0;
            known.idleSinceNanos = System.nanoTime();
        }
    }

    /**
     * A change made anywhere in the cluster: kept for the participants held here. Completes once this node listens to
     * every topic the change gave a member here (at once when it already did).
     */
    public synchronized CompletableFuture<Void> apply(TopicChange change) {
        List<CompletableFuture<Void>> listening = new ArrayList<>();
        for (String participant : change.add()) {
            if (apply(participant, new Seen(change.topic(), true))) {
                listening.add(topicsListened.get(change.topic()));
            }
        }
        change.remove().forEach(participant -> apply(participant, new Seen(change.topic(), false)));
        return CompletableFuture.allOf(listening.toArray(CompletableFuture[]::new));
    }

    /** Applies the change to the participant if it is held here; false when it is not. */
    private boolean apply(String participantId, Seen seen) {
        Tracked known = tracked.get(participantId);
        if (known == null) {
            return false;
        }
        if (known.readsOut > 0) {
            known.seenWhileReading.add(seen);
        }
        if (seen.joined()) {
            add(known, seen.topic());
        } else {
            remove(known, seen.topic());
        }
        return true;
    }

    /** Reads every held participant's topics again: changes may have been missed while the bus was away. */
    public synchronized void reloadAll() {
        log.info("reloading the topics of {} participants", tracked.size());
        tracked.forEach((participant, known) -> read(participant, known));
    }

    /** The participants held here that belong to the topic; a live view. */
    public Collection<String> membersHere(String topic) {
        Set<String> members = membersHere.get(topic);
        return members == null ? List.of() : members;
    }

    /** The topics of a participant held here, as known now (none when it is not held here). */
    public synchronized Set<String> topicsOf(String participantId) {
        Tracked known = tracked.get(participantId);
        return known == null ? Set.of() : Set.copyOf(known.topics);
    }

    /** Topics with at least one member held here. */
    public int topics() {
        return membersHere.size();
    }

    /** Memberships of the participants held here. */
    public synchronized int memberships() {
        return memberships;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /**
     * Replaces what is known of the participant's topics by what the store says, then replays the changes seen since
     * the first read still out began: whichever came first, the last word on each topic wins.
     */
    private void read(String participantId, Tracked known) {
        known.readsOut++;
        store.topicsOf(participantId).whenComplete((topics, failure) -> {
            List<CompletableFuture<Void>> listened;
            synchronized (this) {
                known.readsOut--; // while a read is out, the participant is not forgotten (forgetIdle)
                if (failure != null) {
                    log.warn("could not read the topics of {}: {}", participantId, failure.toString());
                } else {
                    for (String topic : List.copyOf(known.topics)) {
                        if (!topics.contains(topic)) {
                            remove(known, topic);
                        }
                    }
                    topics.forEach(topic -> add(known, topic));
                    for (Seen seen : known.seenWhileReading) {
                        if (seen.joined()) {
                            add(known, seen.topic());
                        } else {
                            remove(known, seen.topic());
                        }
                    }
                }
                if (known.readsOut == 0) {
                    known.seenWhileReading.clear();
                }
                listened = new ArrayList<>(known.topics.stream().map(topicsListened::get).toList());
                listened.add(known.listened);
            }
            // outside the lock: whoever waits continues on this thread
            CompletableFuture.allOf(listened.toArray(CompletableFuture[]::new))
                    .whenComplete((done, listenFailure) -> known.loaded.complete(null));
        });
    }

    private void add(Tracked known, String topic) {
        if (known.topics.add(topic)) {
            Set<String> members = membersHere.get(topic);
            if (members == null) {
                topicsListened.put(topic, listen(Audience.topic(topic)));
                members = ConcurrentHashMap.newKeySet();
                membersHere.put(topic, members);
            }
            members.add(known.id);
            memberships++;
        }
    }

    private void remove(Tracked known, String topic) {
        if (known.topics.remove(topic)) {
            Set<String> members = membersHere.get(topic);
            members.remove(known.id);
            if (members.isEmpty()) {
                membersHere.remove(topic);
                topicsListened.remove(topic);
                audiences.unlisten(Audience.topic(topic));
            }
            memberships--;
        }
    }

    private synchronized void forgetIdle() {
        long now = System.nanoTime();
        tracked.entrySet().removeIf(entry -> {
            Tracked known = entry.getValue();
            boolean idle = known.holders == 0 && known.loaded.isDone()
                    && now - known.idleSinceNanos > TimeUnit.MILLISECONDS.toNanos(IDLE_MS);
            if (idle) {
                List.copyOf(known.topics).forEach(topic -> remove(known, topic));
                audiences.unlisten(Audience.participant(known.id));
            }
            return idle;
        });
    }

    /** Listens to the audience; the stage completes when it is listened to, or failed (logged). */
    private CompletableFuture<Void> listen(Audience audience) {
        return audiences.listen(audience).toCompletableFuture().exceptionally(failure -> {
            log.warn("could not listen to {}: {}", audience, failure.toString());
            return null;
        });
    }
}
