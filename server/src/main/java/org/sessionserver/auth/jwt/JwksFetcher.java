package org.sessionserver.auth.jwt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Gets the text of a JWK set. Asynchronous: never blocks its caller; completes on the fetcher's own threads. */
@FunctionalInterface
public interface JwksFetcher {
    /** How long one fetch may take, connect to last byte; past it the fetch fails and the old keys stay. */
    Duration TIMEOUT = Duration.ofSeconds(5);
    /** A JWK set larger than this is refused: no honest one comes near it. */
    int MAX_CHARS = 1 << 20;

    CompletableFuture<String> fetch();

    /**
     * Over HTTP(S) with the JDK's client, on {@code executor}: no redirects followed, {@link #TIMEOUT} for the whole
     * exchange, status 200 and at most {@link #MAX_CHARS} chars required.
     */
    static JwksFetcher http(URI url, Executor executor) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json")
                .GET().build();
        return () -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new CompletionException(new IOException("HTTP " + response.statusCode()));
                    }
                    if (response.body().length() > MAX_CHARS) {
                        throw new CompletionException(new IOException("larger than " + MAX_CHARS + " chars"));
                    }
                    return response.body();
                });
    }
}
