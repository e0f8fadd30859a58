package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.output.VoidOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a sharded channel's gap is told: once per real gap, not once per node that confirmed or dropped it. */
class ShardedSubscriptionsTest {
    private static final String CHANNEL = "t:participant:{0}:out";
    private ScheduledExecutorService timer;
    private ShardedSubscriptions subscriptions;
    private final List<String> told = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor();
        subscriptions = new ShardedSubscriptions(confirmingAtOnce(), timer, failure -> { });
        subscriptions.onResubscribed(told::add);
        subscriptions.subscribe(CHANNEL, message -> { }).join();
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void theFirstConfirmationIsNoGap() {
        subscriptions.confirmedOn(CHANNEL, "a:1");
        subscriptions.confirmedOn(CHANNEL, "a:1");
        assertEquals(List.of(), told);
    }

    @Test
    void aSlotMovedIsOneGapWhenTheFormerMasterDropsBeforeTheNewConfirms() {
        subscriptions.confirmedOn(CHANNEL, "a:1");
        subscriptions.dropped(CHANNEL, "a:1");
        subscriptions.confirmedOn(CHANNEL, "b:2");
        subscriptions.confirmedOn(CHANNEL, "b:2");
        assertEquals(List.of(CHANNEL), told);
    }

    @Test
    void aSlotMovedIsOneGapWhileTheTopologyFlipsBetweenTheFormerAndTheNewMaster() {
        subscriptions.confirmedOn(CHANNEL, "a:1");
        subscriptions.confirmedOn(CHANNEL, "b:2"); // the topology names the new master: what it got before is lost
        subscriptions.confirmedOn(CHANNEL, "a:1"); // a stale view names the former one, still serving the slot
        subscriptions.dropped(CHANNEL, "a:1"); // the former master gives the slot up: still subscribed on the new
        subscriptions.confirmedOn(CHANNEL, "b:2");
        assertEquals(List.of(CHANNEL), told);
    }

    @Test
    void aDropFromANodeTheChannelNeverLivedOnLosesNothing() {
        subscriptions.confirmedOn(CHANNEL, "b:2");
        subscriptions.dropped(CHANNEL, "a:1");
        subscriptions.confirmedOn(CHANNEL, "b:2");
        assertEquals(List.of(), told);
    }

    @Test
    void aLostConnectionIsAGapOnlyForTheChannelsOnItsNode() {
        subscriptions.confirmedOn(CHANNEL, "a:1");
        subscriptions.lost("b:2");
        subscriptions.confirmedOn(CHANNEL, "a:1");
        assertEquals(List.of(), told);
        subscriptions.lost("a:1");
        subscriptions.confirmedOn(CHANNEL, "a:1");
        assertEquals(List.of(CHANNEL), told);
    }

    @Test
    void outsideAClusterADropIsAGap() {
        subscriptions.confirmedOn(CHANNEL, "");
        subscriptions.dropped(CHANNEL, "");
        subscriptions.confirmedOn(CHANNEL, "");
        subscriptions.lost("");
        subscriptions.confirmedOn(CHANNEL, "");
        assertEquals(List.of(CHANNEL, CHANNEL), told);
    }

    /** A pub/sub connection whose every SSUBSCRIBE Redis confirms at once (the listener's call is the test's). */
    @SuppressWarnings("unchecked")
    private static StatefulRedisPubSubConnection<String, String> confirmingAtOnce() {
        RedisPubSubAsyncCommands<String, String> async = (RedisPubSubAsyncCommands<String, String>)
                Proxy.newProxyInstance(ShardedSubscriptionsTest.class.getClassLoader(),
                        new Class<?>[] {RedisPubSubAsyncCommands.class}, (proxy, method, args) -> {
                            AsyncCommand<String, String, Void> command = new AsyncCommand<>(
                                    new Command<>(CommandType.SSUBSCRIBE, new VoidOutput<>()));
                            command.complete(null);
                            return command;
                        });
        return (StatefulRedisPubSubConnection<String, String>) Proxy.newProxyInstance(
                ShardedSubscriptionsTest.class.getClassLoader(),
                new Class<?>[] {StatefulRedisPubSubConnection.class}, (proxy, method, args) ->
                        method.getName().equals("async") ? async : null);
    }
}
