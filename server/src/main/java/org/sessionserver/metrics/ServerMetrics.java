package org.sessionserver.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.sessionserver.errors.ErrorCode;

/** The server's meters, by name, on a Prometheus registry ({@code GET /metrics}). */
public final class ServerMetrics {
    /** The disconnect reason of a connection dropped for the data it let pile up (the transports close with it). */
    public static final String SLOW_CONSUMER = "slow consumer";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter accepted;
    private final Map<ErrorCode, Counter> refused = new EnumMap<>(ErrorCode.class);
    private final Counter delivered;
    private final Counter messagesRouted;
    private final Counter topicDeliveries;
    private final Counter busMissed;
    private final Counter busReconnects;
    private final Counter busResubscribed;
    private final Counter publishersHeld;
    private final Counter publishersRefused;
    private final Timer ackLatency;
    private final Timer deliveryLatency;
    private final Timer writtenLatency;

    public ServerMetrics() {
        accepted = Counter.builder("sessions_events").description("Client events by result")
                .tag("result", "accepted").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            refused.put(code, Counter.builder("sessions_events").description("Client events by result")
                    .tag("result", code.wire).register(registry));
        }
        delivered = Counter.builder("sessions_messages_delivered")
                .description("Engine messages written to client connections (one per connection)").register(registry);
        messagesRouted = Counter.builder("sessions_messages_routed")
                .description("Engine messages received by this node").register(registry);
        topicDeliveries = Counter.builder("sessions_topic_deliveries")
                .description("Engine messages with a topic entry written to client connections (one per connection)")
                .register(registry);
        busMissed = Counter.builder("sessions_bus_missed_packets")
                .description("Cluster packets this node missed (a Redis blip): messages published meanwhile may be lost")
                .register(registry);
        busReconnects = Counter.builder("sessions_bus_reconnects")
                .description("Times this node got back on Redis after an outage (engine messages of the outage are lost)")
                .register(registry);
        busResubscribed = Counter.builder("sessions_bus_resubscribed")
                .description("Sharded channels subscribed again after a gap (a failover, a slot moved, a reconnect): "
                        + "engine messages published there meanwhile are lost")
                .register(registry);
        publishersHeld = Counter.builder("sessions_publishers_held")
                .description("POST /messages that waited for the outbound backlog to come under its bound")
                .register(registry);
        publishersRefused = Counter.builder("sessions_publishers_refused")
                .description("POST /messages refused with 503 and Retry-After: the backlog stayed over its bound")
                .register(registry);
        ackLatency = Timer.builder("sessions_event_ack_latency")
                .description("From an event's arrival to its ack (the bus took it)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        deliveryLatency = Timer.builder("sessions_message_delivery_latency")
                .description("From a message's arrival on this node to its hand-off to the connections")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        writtenLatency = Timer.builder("sessions_message_written_latency")
                .description("From a message's arrival on this node until an event loop has written it to the last "
                        + "of its connections that the message is for (one sample per message and loop): the time it "
                        + "waited in this node")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        // At 0 from the start, so that increase() sees the first drop (a series that appears at 1 shows none).
        disconnects(SLOW_CONSUMER);
    }

    /** Gauges read on scrape. */
    public void gauges(Supplier<Number> connections, Supplier<Number> participants) {
        Gauge.builder("sessions_connections", connections).description("Open client connections on this node")
                .register(registry);
        Gauge.builder("sessions_participants", participants)
                .description("Participants with at least one connection on this node").register(registry);
    }

    /**
     * 1 while the bus takes events, 0 while it does not and {@code /health} says {@code degraded}: what an alert on a
     * degraded node reads (the node still answers scrapes then).
     */
    public void busGauge(BooleanSupplier up) {
        Gauge.builder("sessions_bus_up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the bus takes events, 0 while the node is degraded").register(registry);
    }

    /** Gauges of the topics known here, read on scrape. */
    public void topicGauges(Supplier<Number> topics, Supplier<Number> memberships) {
        Gauge.builder("sessions_topics", topics)
                .description("Topics with at least one member connected to this node").register(registry);
        Gauge.builder("sessions_topic_memberships", memberships)
                .description("Topic memberships of the participants connected to this node").register(registry);
    }

    /**
     * The outbound backlog in bytes and, as 0 or 1, whether it is over its bound (publishers wait, the Redis
     * subscriber does not read); read on scrape.
     */
    public void backlogGauges(Supplier<Number> bytes, BooleanSupplier behind) {
        Gauge.builder("sessions_backlog_bytes", bytes)
                .description("Outbound backlog: bytes queued in the event loops for fan-out plus bytes unsent")
                .register(registry);
        Gauge.builder("sessions_backlog_behind", () -> behind.getAsBoolean() ? 1 : 0)
                .description("1 while the backlog is over BACKLOG_LIMIT_BYTES: publishers wait, Redis is not read")
                .register(registry);
    }

    public void publisherHeld() {
        publishersHeld.increment();
    }

    public void publisherRefused() {
        publishersRefused.increment();
    }

    public void eventAccepted(long startNanos) {
        accepted.increment();
        ackLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void eventRefused(ErrorCode code) {
        refused.get(code).increment();
    }

    public void messageRouted(long startNanos, int connections) {
        messagesRouted.increment();
        delivered.increment(connections);
        deliveryLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** An event loop wrote a message that arrived at {@code startNanos} to the last of its connections. */
    public void messageWritten(long startNanos) {
        writtenLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void topicDelivered(int connections) {
        topicDeliveries.increment(connections);
    }

    /** A client connection ended; {@code reason} is one of a small set ("transport close", "slow consumer"...). */
    public void disconnected(String reason) {
        disconnects(reason).increment();
    }

    private Counter disconnects(String reason) {
        return Counter.builder("sessions_disconnects").description("Client connections ended, by reason")
                .tag("reason", reason).register(registry);
    }

    public void busMissed(long packets) {
        busMissed.increment(packets);
    }

    public void busReconnected() {
        busReconnects.increment();
    }

    public void busResubscribed() {
        busResubscribed.increment();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }
}
