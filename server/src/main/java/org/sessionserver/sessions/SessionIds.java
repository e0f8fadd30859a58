package org.sessionserver.sessions;

import java.security.SecureRandom;
import java.util.Base64;

/** Random ids that cannot be guessed or collide (120 bits, URL-safe). */
final class SessionIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {
    }

    static String random() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
