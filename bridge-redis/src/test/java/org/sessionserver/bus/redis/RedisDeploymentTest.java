package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which deployment a REDIS_URL (and REDIS_CLUSTER) names, and the one-line refusals of wrong combinations. */
class RedisDeploymentTest {
    @Test
    void oneServer() {
        RedisDeployment deployment = RedisDeployment.of("redis://:pw@cache:6380/2");
        assertEquals(RedisDeployment.Kind.STANDALONE, deployment.kind());
        assertEquals("cache", deployment.uri().getHost());
        assertEquals(6380, deployment.uri().getPort());
        assertEquals(2, deployment.uri().getDatabase());
    }

    @Test
    void sentinelSet() {
        RedisDeployment deployment = RedisDeployment.of("redis-sentinel://s1:26379,s2:26380#mymaster");
        assertEquals(RedisDeployment.Kind.SENTINEL, deployment.kind());
        assertEquals("mymaster", deployment.uri().getSentinelMasterId());
        assertEquals(2, deployment.uri().getSentinels().size());
    }

    @Test
    void clusterSeedsTakeTheFirstOnesSchemeAndPassword() {
        RedisDeployment deployment = RedisDeployment.parse("rediss://:pw@c1:7000,c2:7001, redis://c3:7002", true);
        assertEquals(RedisDeployment.Kind.CLUSTER, deployment.kind());
        List<RedisURI> seeds = deployment.uris();
        assertEquals(List.of("c1", "c2", "c3"), seeds.stream().map(RedisURI::getHost).toList());
        assertTrue(seeds.get(1).isSsl());
        assertEquals("pw", new String(seeds.get(1).getCredentialsProvider().resolveCredentials().block()
                .getPassword()));
        assertFalse(seeds.get(2).isSsl(), "a seed with its own scheme keeps it");
    }

    @Test
    void wrongCombinationsAreRefusedWithAReason() {
        assertTrue(refused("redis-sentinel://s1:26379#m", true).contains("not a redis-sentinel://"));
        assertTrue(refused("redis://h1:7000,h2:7001", false).contains("REDIS_CLUSTER=true"));
        assertTrue(refused("redis-sentinel://s1:26379", false).contains("'#'"));
        assertTrue(refused("http://h1", false).contains("redis://"));
    }

    private static String refused(String url, boolean cluster) {
        return assertThrows(IllegalArgumentException.class, () -> RedisDeployment.parse(url, cluster)).getMessage();
    }
}
