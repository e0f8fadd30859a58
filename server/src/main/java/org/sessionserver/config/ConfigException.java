package org.sessionserver.config;

/**
 * A setting that the server cannot start with. The message is one line, {@code NAME: what is wrong (what is
 * expected)}, fit to print as the reason the process stopped; it never contains the value of a secret.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String variable, String reason) {
        super(variable + ": " + reason);
    }
}
