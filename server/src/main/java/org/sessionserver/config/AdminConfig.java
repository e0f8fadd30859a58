package org.sessionserver.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The socket.io admin UI ({@code @socket.io/admin-ui}) on the {@code /admin} namespace.
 *
 * @param enabled      {@code ADMIN_UI}: serve the admin namespace (default {@value #DEFAULT_ENABLED})
 * @param username     {@code ADMIN_USERNAME}: the login's user name (required with {@code ADMIN_UI=true})
 * @param passwordHash {@code ADMIN_PASSWORD_HASH}: the bcrypt hash of the login's password, as the package's own
 *                     server takes it ({@code $2a$}, {@code $2b$} or {@code $2y$}, cost 4-31; required with
 *                     {@code ADMIN_UI=true})
 * @param readOnly     {@code ADMIN_READONLY}: the UI may look but not disconnect sockets or change topics (default
 *                     {@value #DEFAULT_READ_ONLY})
 * @param events       {@code ADMIN_EVENTS}: also show every event clients send, with its payload (default
 *                     {@value #DEFAULT_EVENTS}: payloads may hold personal data)
 */
public record AdminConfig(boolean enabled, Optional<String> username, Optional<String> passwordHash,
                          boolean readOnly, boolean events) {
    public static final boolean DEFAULT_ENABLED = false;
    public static final boolean DEFAULT_READ_ONLY = false;
    public static final boolean DEFAULT_EVENTS = false;

    /**
     * What bcryptjs, htpasswd -B and the Java libraries write: version, two-digit cost, 22+31 chars of salt+hash. The
     * cost stops at 14 (about a second a login here): every wrong guess costs the node that much CPU.
     */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|1[0-4])\\$[./A-Za-z0-9]{53}");

    static AdminConfig fromEnv(Env env) {
        boolean enabled = env.bool("ADMIN_UI", DEFAULT_ENABLED);
        boolean readOnly = env.bool("ADMIN_READONLY", DEFAULT_READ_ONLY);
        boolean events = env.bool("ADMIN_EVENTS", DEFAULT_EVENTS);
        if (!enabled) {
            return new AdminConfig(false, Optional.empty(), Optional.empty(), readOnly, events);
        }
        String username = env.get("ADMIN_USERNAME");
        if (username == null) {
            throw new ConfigException("ADMIN_USERNAME", "required with ADMIN_UI=true (the admin UI's login name)");
        }
        String hash = env.get("ADMIN_PASSWORD_HASH");
        if (hash == null) {
            throw new ConfigException("ADMIN_PASSWORD_HASH", "required with ADMIN_UI=true (a bcrypt hash, such as "
                    + "node -e \"console.log(require('bcryptjs').hashSync('secret', 10))\" prints)");
        }
        if (!BCRYPT.matcher(hash).matches()) {
            throw new ConfigException("ADMIN_PASSWORD_HASH", "not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost "
                    + "of 04-14 and 53 chars of salt and hash, 60 in all; value not shown)");
        }
        return new AdminConfig(true, Optional.of(username), Optional.of(hash), readOnly, events);
    }

    @Override
    public String toString() {
        return "AdminConfig[enabled=" + enabled + ", username=" + username.orElse("none") + ", passwordHash="
                + (passwordHash.isPresent() ? "(hidden)" : "none") + ", readOnly=" + readOnly + ", events=" + events
                + "]";
    }
}
