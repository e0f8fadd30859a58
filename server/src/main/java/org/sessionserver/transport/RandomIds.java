package org.sessionserver.transport;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable ids (120 random bits, URL-safe base64, 20 chars) for Engine.IO sessions, Socket.IO sockets and raw
 * sessions. One DRBG seeded once at start: unlike the default NativePRNG, it reads no file afterwards, so it never
 * touches the disk on an event loop.
 */
public final class RandomIds {
    private static final SecureRandom RANDOM = drbg();

    private RandomIds() {
    }

    public static String next() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[1]); // seed now, on the thread that loads this class
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no DRBG SecureRandom", e);
        }
    }
}
