package org.sessionserver.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads environment variables for {@link ServerConfig}, turning every bad value into a one-line
 * {@link ConfigException}. A variable that is unset or blank counts as unset (compose files often write
 * {@code REDIS_URL=}). Values other than secrets are trimmed. It remembers which names were asked for
 * ({@link ServerConfig#variablesRead}).
 */
final class Env {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final int MAX_ECHOED_CHARS = 80;

    private final Map<String, String> vars;
    private final Set<String> namesRead = new HashSet<>();

    Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    /** The trimmed value, or null when unset or blank. */
    String get(String name) {
        namesRead.add(name);
        String value = vars.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The value exactly as given (a secret may start or end with a space), or null when unset or blank. */
    String secret(String name) {
        namesRead.add(name);
        String value = vars.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Every name asked for so far. */
    Set<String> namesRead() {
        return Set.copyOf(namesRead);
    }

    String string(String name, String defaultValue) {
        String value = get(name);
        return value == null ? defaultValue : value;
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param expected what a good value looks like, shown in the error, e.g. {@code 1-16777216}
     */
    long integer(String name, long defaultValue, long min, long max, String expected) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        if (!WHOLE_NUMBER.matcher(value).matches()) {
            throw new ConfigException(name, quote(value) + " is not a whole number (expected " + expected + ")");
        }
        BigInteger number = new BigInteger(value);
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConfigException(name, quote(value) + " is out of range (expected " + expected + ")");
        }
        return number.longValueExact();
    }

    /** A decimal number greater than {@code exclusiveMin} and at most {@code max}. */
    double decimal(String name, double defaultValue, double exclusiveMin, double max, String expected) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new ConfigException(name, quote(value) + " is not a number (expected " + expected + ")");
        }
        BigDecimal number = new BigDecimal(value);
        if (number.compareTo(BigDecimal.valueOf(exclusiveMin)) <= 0
                || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ConfigException(name, quote(value) + " is out of range (expected " + expected + ")");
        }
        return number.doubleValue();
    }

    /** {@code true} or {@code false}, in any case. */
    boolean bool(String name, boolean defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new ConfigException(name, quote(value) + " is not a boolean (expected true or false)");
        }
        return lower.equals("true");
    }

    /** One of the constants of {@code type}, named case-insensitively. */
    <E extends Enum<E>> E choice(String name, E defaultValue, Class<E> type) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new ConfigException(name, quote(value) + " is not one of " + choices(type));
    }

    static <E extends Enum<E>> String choices(Class<E> type) {
        StringBuilder names = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : "|").append(constant.name().toLowerCase(Locale.ROOT));
        }
        return names.toString();
    }

    /**
     * A value fit to show in a one-line message: quoted, control characters escaped, and cut short. Never pass a
     * secret here.
     */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(value.length(), MAX_ECHOED_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > shown) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
