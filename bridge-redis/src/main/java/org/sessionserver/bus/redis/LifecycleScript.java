package org.sessionserver.bus.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Instant;
import org.sessionserver.bus.LifecycleEnvelope;
import org.sessionserver.bus.LifecycleEnvelope.Kind;
import org.sessionserver.bus.SessionRecord;

/**
 * Tells a session's opening or closing to the engines exactly once, in one script on the slot of its participant's
 * inbound stream: the set of the participant's sessions told opened ({@link EngineStreams#toldSessions}) decides
 * (SADD and SREM say whether this call changed it) and the envelopes are appended in the same step. So two nodes
 * can neither both tell a session (the node that held it and a survivor that found its node dead) nor append a
 * participant's online and offline out of the order in which they were decided.
 */
final class LifecycleScript {
    private static final String SCRIPT = """
            local opening = ARGV[1] == 'open'
            local changed
            if opening then
              changed = redis.call('SADD', KEYS[1], ARGV[2])
            else
              changed = redis.call('SREM', KEYS[1], ARGV[2])
            end
            if changed == 0 then
              return 0
            end
            local firstOrLast = redis.call('SCARD', KEYS[1]) == (opening and 1 or 0)
            local function append(envelope)
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'envelope', envelope)
            end
            if opening then
              if firstOrLast then append(ARGV[5]) end
              append(ARGV[4])
            else
              append(ARGV[4])
              if firstOrLast then append(ARGV[5]) end
            end
            return 1
            """;

    private LifecycleScript() {
    }

    /** Runs the script for {@code session}, opening or closing ({@code reason}: why it closed, or null). */
    static RedisFuture<Long> tell(RedisClusterAsyncCommands<String, String> redis, EngineStreams streams, long maxLen,
                                  SessionRecord session, boolean opening, String reason) {
        String at = Instant.now().toString();
        LifecycleEnvelope ofSession = LifecycleEnvelope.of(opening ? Kind.SESSION_OPENED : Kind.SESSION_CLOSED,
                session, reason, at);
        LifecycleEnvelope ofParticipant = LifecycleEnvelope.of(opening ? Kind.PARTICIPANT_ONLINE
                : Kind.PARTICIPANT_OFFLINE, session, reason, at);
        String[] keys = {streams.toldSessions(session.participantId()), streams.of(session.participantId())};
        return redis.eval(SCRIPT, ScriptOutputType.INTEGER, keys, opening ? "open" : "close", session.sessionId(),
                Long.toString(maxLen), ofSession.toJson(), ofParticipant.toJson());
    }
}
