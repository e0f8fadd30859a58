package org.sessionserver.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.InMemoryEngineBus;
import org.sessionserver.bus.SessionRecord;

/** What the bus refused is told again once it is back, in order per session, and never a closing alone. */
class LifecycleTellerTest {
    private final InMemoryEngineBus memory = new InMemoryEngineBus();
    private final List<String> told = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private final Semaphore markers = new Semaphore(0);
    /** The in-memory bus, refusing every telling while {@link #down}, as Redis does while away. */
    private final EngineBus bus = (EngineBus) Proxy.newProxyInstance(EngineBus.class.getClassLoader(),
            new Class<?>[] {EngineBus.class}, (proxy, method, args) -> {
                if (down && method.getName().startsWith("tell")) {
                    return CompletableFuture.failedFuture(new IllegalStateException("redis is down"));
                }
                try {
                    return method.invoke(memory, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final LifecycleTeller teller = new LifecycleTeller(true, bus);

    LifecycleTellerTest() {
        memory.engineSide().onLifecycle(envelope -> told.add(envelope.kind().wire() + " " + envelope.sessionId()));
        memory.engineSide().onEvent(marker -> markers.release());
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private static SessionRecord session(String id) {
        return new SessionRecord("p", id, "c-" + id, "n", false, "raw", "2026-12-03T00:00:00Z");
    }

    /** What the engine was told, once its thread ran everything handed to it so far (a marker event after). */
    private List<String> settled() {
        teller.awaitTold(Duration.ofSeconds(5));
        memory.publishEvent(new EventEnvelope(null, "p", "s", "c", "n", "t"));
        try {
            markers.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return List.copyOf(told);
    }

    @Test
    void anOpeningRefusedIsToldOnceRedisIsBack() {
        down = true;
        teller.opened(session("s1"));
        down = false;
        assertEquals(List.of(), settled());
        teller.tellAgain();
        assertEquals(List.of("participant.online s1", "session.opened s1"), settled());
        teller.tellAgain();
        assertEquals(2, settled().size(), "told once");
    }

    @Test
    void aClosingRefusedIsToldOnceRedisIsBack() {
        teller.opened(session("s2"));
        down = true;
        teller.closed(session("s2"), "client close");
        down = false;
        teller.tellAgain();
        assertEquals(List.of("participant.online s2", "session.opened s2", "session.closed s2",
                "participant.offline s2"), settled());
    }

    @Test
    void aSessionThatClosedBeforeItsOpeningWasToldIsNeverTold() {
        down = true;
        teller.opened(session("s3"));
        down = false;
        teller.closed(session("s3"), "client close");
        teller.tellAgain();
        assertEquals(List.of(), settled());
    }
}
