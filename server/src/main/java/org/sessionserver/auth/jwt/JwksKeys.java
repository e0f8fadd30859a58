package org.sessionserver.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code JWKS_URL}: the RSA and EC keys of a JWK set, by {@code kid}, kept in a {@link JwksCache} under the issuer
 * they serve ({@code JWT_ISSUER}, or {@code *} when any issuer is accepted).
 *
 * <p>Fetched off the event loops, on a thread of its own: once at start, every {@link #REFRESH_EVERY} (so that keys
 * removed from the set stop verifying), and when a token names a {@code kid} that is not cached, but then at most
 * once per {@code minInterval} (default {@link #DEFAULT_MIN_INTERVAL}): a client inventing {@code kid}s cannot make
 * the server hammer the identity provider. A token whose key is cached never waits for a fetch, however slow or dead
 * the endpoint is; a failed fetch keeps the keys already known.
 */
public final class JwksKeys implements JwtKeys {
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(30);
    static final Duration REFRESH_EVERY = Duration.ofMinutes(5);
    /** The issuer partition when {@code JWT_ISSUER} is unset. */
    static final String ANY_ISSUER = "*";
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);

    private final String source;
    private final Optional<String> issuer;
    private final long minIntervalNanos;
    private final JwksFetcher fetcher;
    private final LongSupplier nanoClock;
    private final JwksCache cache = new JwksCache();
    private final ScheduledExecutorService scheduler;
    /** Guarded by this: the fetch under way, else null; when the last one started (nanoClock), if any. */
    private CompletableFuture<Void> inFlight;
    private long lastStart;
    private boolean fetchedOnce;

    JwksKeys(String source, Optional<String> issuer, Duration minInterval, JwksFetcher fetcher, LongSupplier nanoClock,
             ScheduledExecutorService scheduler) {
        this.source = source;
        this.issuer = issuer;
        this.minIntervalNanos = minInterval.toNanos();
        this.fetcher = fetcher;
        this.nanoClock = nanoClock;
        this.scheduler = scheduler;
    }

    /**
     * Starts fetching {@code url} in the background at once, then every {@link #REFRESH_EVERY}; the server starts
     * whether or not the first fetch succeeds (tokens are refused until keys are known).
     */
    public static JwksKeys start(URI url, Optional<String> issuer, Duration minInterval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jwks-fetch");
            thread.setDaemon(true);
            return thread;
        });
        JwksKeys keys = new JwksKeys(url.getScheme() + "://" + url.getAuthority() + url.getPath(), issuer, minInterval,
                JwksFetcher.http(url, scheduler), System::nanoTime, scheduler);
        keys.fetchNow();
        scheduler.scheduleWithFixedDelay(keys::fetchNow, REFRESH_EVERY.toMillis(), REFRESH_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return keys;
    }

    @Override
    public Set<JWSAlgorithm> algorithms() {
        return ALGORITHMS;
    }

    @Override
    public List<JWSVerifier> verifiersFor(JWSHeader header, String tokenIssuer) {
        String partition = partition(tokenIssuer);
        if (partition == null) {
            return List.of();
        }
        List<VerificationKey> candidates = header.getKeyID() == null ? cache.all(partition)
                : Optional.ofNullable(cache.find(partition, header.getKeyID())).map(List::of).orElse(List.of());
        return candidates.stream().filter(key -> key.verifies(header.getAlgorithm()))
                .map(VerificationKey::verifier).toList();
    }

    /** The cache partition of a token's issuer, or null when this source serves another issuer. */
    private String partition(String tokenIssuer) {
        if (issuer.isEmpty()) {
            return ANY_ISSUER;
        }
        return issuer.get().equals(tokenIssuer) ? issuer.get() : null;
    }

    /** The fetch under way, or a new one unless the last one started less than the minimum interval ago. */
    @Override
    public synchronized CompletionStage<Void> fetchAgain() {
        if (inFlight != null) {
            return inFlight;
        }
        if (fetchedOnce && nanoClock.getAsLong() - lastStart < minIntervalNanos) {
            return CompletableFuture.completedFuture(null);
        }
        return start();
    }

    /** A fetch regardless of the interval (start, and the periodic refresh), unless one is under way. */
    synchronized CompletionStage<Void> fetchNow() {
        return inFlight != null ? inFlight : start();
    }

    /** Guarded by this. */
    private CompletableFuture<Void> start() {
        lastStart = nanoClock.getAsLong();
        fetchedOnce = true;
        CompletableFuture<Void> fetch;
        try {
            fetch = fetcher.fetch().thenAccept(this::load).exceptionally(failure -> {
                log.warn("JWKS {}: fetch failed, keeping the {} keys known ({})", source,
                        cache.kids(partitionOfSource()).size(), reason(failure));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("JWKS {}: fetch failed to start ({})", source, e.toString());
            fetch = CompletableFuture.completedFuture(null);
        }
        inFlight = fetch;
        CompletableFuture<Void> started = fetch;
        fetch.whenComplete((done, failure) -> {
            synchronized (this) {
                if (inFlight == started) {
                    inFlight = null;
                }
            }
        });
        return fetch;
    }

    private void load(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK set: " + e.getMessage());
        }
        List<VerificationKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
                continue;
            }
            try {
                keys.add(VerificationKey.of(publicKey(jwk), jwk.getKeyID(),
                        jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName())));
            } catch (IllegalArgumentException | JOSEException e) {
                log.warn("JWKS {}: key {} skipped ({})", source, jwk.getKeyID(), e.getMessage());
            }
        }
        String partition = partitionOfSource();
        List<String> before = cache.kids(partition);
        cache.replace(partition, keys);
        List<String> after = cache.kids(partition);
        if (!after.equals(before)) {
            log.info("JWKS {}: keys {} (kid) for issuer {}", source, after, partition);
        }
    }

    private static PublicKey publicKey(JWK jwk) throws JOSEException {
        if (jwk instanceof RSAKey rsa) {
            return rsa.toRSAPublicKey();
        }
        if (jwk instanceof ECKey ec) {
            return ec.toECPublicKey();
        }
        throw new IllegalArgumentException(jwk.getKeyType()
                + " key (RSA or EC expected; HMAC keys never come from a JWKS)");
    }

    private String partitionOfSource() {
        return issuer.orElse(ANY_ISSUER);
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": "
                + cause.getMessage();
    }

    @Override
    public String describe() {
        return "RS256/384/512 and ES256/384 with the JWK set at " + source;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
