package org.sessionserver.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code AUTH_MODE=keys}: each API key stands for one participant ({@code API_KEYS}). Keys are looked up by their
 * SHA-256, never compared as strings, so the time a lookup takes says nothing about how much of a key was right.
 */
public final class ApiKeyAuthenticator implements Authenticator {
    /** Longer keys are refused before hashing. */
    static final int MAX_KEY_CHARS = 4096;

    private final Map<ByteBuffer, String> participantsByKeyHash;

    /** @param participantsByKey API key to participant id; at least one entry, ids valid */
    public ApiKeyAuthenticator(Map<String, String> participantsByKey) {
        if (participantsByKey.isEmpty()) {
            throw new IllegalArgumentException("no API keys");
        }
        Map<ByteBuffer, String> byHash = new HashMap<>();
        participantsByKey.forEach((key, participant) -> {
            if (key.isEmpty() || !ParticipantIds.isValid(participant)) {
                throw new IllegalArgumentException("empty API key or invalid participant id");
            }
            byHash.put(sha256(key), participant);
        });
        this.participantsByKeyHash = Map.copyOf(byHash);
    }

    @Override
    public String authenticate(String token) throws AuthenticationException {
        if (token == null || token.isEmpty()) {
            throw new AuthenticationException("no API key");
        }
        if (token.length() > MAX_KEY_CHARS) {
            throw new AuthenticationException("API key longer than " + MAX_KEY_CHARS + " chars");
        }
        String participant = participantsByKeyHash.get(sha256(token));
        if (participant == null) {
            throw new AuthenticationException("unknown API key");
        }
        return participant;
    }

    private static ByteBuffer sha256(String key) {
        try {
            // A fresh digest per call: MessageDigest is not thread-safe, and creating one is cheap.
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
