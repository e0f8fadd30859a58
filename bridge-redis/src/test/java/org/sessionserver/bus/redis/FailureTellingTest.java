package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.codec.StringCodec;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FailureTellingTest {
    private final List<AsyncCommand<String, String, String>> sent = new CopyOnWriteArrayList<>();
    private final List<Throwable> told = new CopyOnWriteArrayList<>();

    /** Commands whose every call returns a pending future, kept in {@link #sent}. */
    @SuppressWarnings("unchecked")
    private RedisClusterAsyncCommands<String, String> pending() {
        return (RedisClusterAsyncCommands<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RedisClusterAsyncCommands.class}, (proxy, method, args) -> {
                    if (method.getName().equals("echo") && "throw".equals(args[0])) {
                        throw new IllegalArgumentException("refused before sending");
                    }
                    AsyncCommand<String, String, String> command = new AsyncCommand<>(
                            new Command<>(CommandType.SET, new StatusOutput<>(StringCodec.UTF8)));
                    sent.add(command);
                    return command;
                });
    }

    @Test
    void everyFailedCommandIsToldAndTheCallerGetsTheSameFuture() {
        RedisClusterAsyncCommands<String, String> commands = FailureTelling.of(pending(), told::add);

        RedisFuture<String> set = commands.set("sio:{p}:key", "v");
        RedisFuture<Long> added = commands.sadd("sio:{t}:members", "alice");
        assertSame(sent.get(0), set, "the caller's future is the command itself");

        RedisConnectionException unreachable = new RedisConnectionException("master 127.0.0.1:7001 unreachable");
        sent.get(1).completeExceptionally(unreachable);
        assertEquals(List.of(unreachable), told);

        sent.get(0).complete("OK");
        assertEquals(1, told.size(), "a command that succeeds is not told");
    }

    @Test
    void aCommandRefusedBeforeItIsSentThrowsAsWithoutTheWrapper() {
        RedisClusterAsyncCommands<String, String> commands = FailureTelling.of(pending(), told::add);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> commands.echo("throw"));
        assertEquals("refused before sending", thrown.getMessage());
    }
}
