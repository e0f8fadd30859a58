package org.sessionserver.bus;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What an engine sees of the bus: the events clients sent, and a way to send them messages. Implemented in memory
 * (the embedded engine) and over Redis ({@code EngineClient}), so one engine runs on both.
 */
public interface EngineSide extends AutoCloseable {
    /** Starts delivering events to {@code handler}, one at a time, in order. */
    void onEvent(Consumer<EventEnvelope> handler);

    /**
     * Delivers the lifecycle envelopes ({@code ENGINE_LIFECYCLE}) to {@code handler}, in their order among the events
     * of the same participant, on the thread that runs the event handler. Set before {@link #onEvent}; without it
     * they are skipped.
     */
    void onLifecycle(Consumer<LifecycleEnvelope> handler);

    /** Sends a message (JSON, see {@link Message}) to the connections it addresses, on every node. */
    CompletionStage<Void> publishMessage(String messageJson);

    @Override
    void close();
}
