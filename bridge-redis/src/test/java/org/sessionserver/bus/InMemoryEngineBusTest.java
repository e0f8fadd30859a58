package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/** The engine bus contract, in memory (the embedded default). */
class InMemoryEngineBusTest extends EngineBusContract {
    @Override
    protected EngineBus newBus() {
        return new InMemoryEngineBus();
    }

    @Override
    protected EngineSide engineSideOf(EngineBus bus) {
        return ((InMemoryEngineBus) bus).engineSide();
    }

    @Override
    protected void awaitReceiving() {
        // The receiver is in place as soon as onMessage returns.
    }

    @Override
    protected String expectedKind() {
        return "memory";
    }

    @Override
    protected void checkMalformedStage(CompletionStage<Void> stage) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(failure.getCause() instanceof IllegalArgumentException, failure.toString());
    }

    @Test
    void closedBusRefusesEventsAndSaysDown() {
        bus.close();
        assertThrows(ExecutionException.class, () -> bus.publishEvent(envelope("late")).toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(!bus.status().up());
    }

    @Test
    void withoutAnEngineAnEventIsTakenAndDroppedBeforePublishReturns() throws Exception {
        assertTrue(bus.publishEvent(envelope("nobody listens")).toCompletableFuture().isDone());

        List<String> seen = new CopyOnWriteArrayList<>();
        EngineSide engine = engineSideOf(bus);
        engine.onEvent(envelope -> seen.add(envelope.event().get("id").textValue()));
        bus.publishEvent(envelope("heard")).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        engine.close();
        assertTrue(bus.publishEvent(envelope("after the engine left")).toCompletableFuture().isDone());

        // "heard" reaches the engine on its thread; the later event was dropped before publishEvent returned
        Wait.until(WAIT, () -> !seen.isEmpty(), "the engine got the event it listened for");
        assertEquals(List.of("heard"), seen);
    }
}
