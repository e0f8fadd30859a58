package org.sessionserver.httpapi;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.Topics;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.routing.ClusterDisconnects;
import org.sessionserver.routing.ClusterRequests;
import org.sessionserver.routing.PublishGate;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.SessionLifecycle;
import org.sessionserver.sessions.SessionSettings;
import org.sessionserver.transport.http.HttpRoute;

/** The HTTP routes of DESIGN.md, by path. */
public final class HttpApi {
    private HttpApi() {
    }

    /** @param engine what {@code ENGINE} is ({@code echo}, {@code none}, {@code discard}), shown by {@code /health} */
    public static Map<String, HttpRoute> routes(SessionSettings settings, String engine, String engineKey,
                                                Authenticator authenticator,
                                                EventIntake intake, EngineBus bus, SessionDirectory directory,
                                                Topics topics,
                                                LocalSessions sessions, ClusterRequests requests,
                                                ClusterDisconnects disconnects, SessionLifecycle lifecycle,
                                                ServerMetrics metrics, PublishGate gate,
                                                BooleanSupplier draining) {
        EngineKeyGuard guard = new EngineKeyGuard(engineKey);
        Map<String, HttpRoute> routes = new HashMap<>();
        HealthRoute health = new HealthRoute(settings.nodeId(), engine, sessions, bus, draining);
        routes.put(HealthRoute.PATH, health);
        routes.put("/", health); // what gateways' and load balancers' probes ask by default
        routes.put(MetricsRoute.PATH, new MetricsRoute(metrics));
        routes.put("/event", new EventRoute(authenticator, intake, settings, new EventWait(lifecycle, intake)));
        routes.put("/messages", new MessagesRoute(guard, bus, gate));
        routes.put("/connections", new ConnectionsRoute(guard, directory));
        routes.put(TopicsRoute.PREFIX + "*", new TopicsRoute(guard, topics, directory));
        routes.put(ParticipantRoute.PREFIX + "*", new ParticipantRoute(guard, topics, directory,
                new RequestRoute(guard, sessions, directory, requests), disconnects));
        routes.put(SessionsRoute.PREFIX + "*", new SessionsRoute(guard, directory, disconnects));
        return routes;
    }
}
