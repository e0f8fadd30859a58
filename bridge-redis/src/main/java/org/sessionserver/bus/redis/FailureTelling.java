package org.sessionserver.bus.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Commands that tell every failure to one listener ({@link RedisLink#commandFailed}), so that in a cluster a stale
 * topology is reloaded whichever caller's command hit it first: the directory's, the topics', the bus's. Lettuce has
 * no such hook of its own on a cluster connection: a {@code CommandListener} sits beneath its routing writer, so a
 * command that fails while being routed to a node (a master that cannot be connected to) never passes it.
 */
final class FailureTelling {
    private FailureTelling() {
    }

    /** {@code commands}, each of whose futures also tells {@code failed} when it fails; the futures are the same. */
    @SuppressWarnings("unchecked")
    static RedisClusterAsyncCommands<String, String> of(RedisClusterAsyncCommands<String, String> commands,
                                                        Consumer<Throwable> failed) {
        return (RedisClusterAsyncCommands<String, String>) Proxy.newProxyInstance(
                RedisClusterAsyncCommands.class.getClassLoader(), new Class<?>[] {RedisClusterAsyncCommands.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(commands, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof CompletionStage<?> stage) {
                        stage.whenComplete((value, failure) -> {
                            if (failure != null) {
                                failed.accept(failure);
                            }
                        });
                    }
                    return result;
                });
    }
}
