package org.sessionserver.it.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Seeded input mutations for the fuzz tests: bit flips, truncation, deletion, duplication, insertion of
 * separators, digits, brackets, unicode (lone surrogates included), huge numbers and deep nesting. Every mutation
 * depends only on the {@link Random} passed in, so a seed replays an input exactly.
 */
public final class Mutations {
    /** Tokens that matter to one of the grammars under test (Engine.IO, Socket.IO, JSON, HTTP). */
    private static final List<String> TOKENS = List.of(
            "\u001e", "-", ",", "/", "{", "}", "[", "]", "\"", "\\", ":", "0", "1", "2", "3", "4", "5", "6", "9",
            "b", "b===", "_placeholder", "{\"_placeholder\":true,\"num\":0}", "{\"_placeholder\":true,\"num\":-1}",
            "{\"_placeholder\":true,\"num\":99999999999}", "{\"_placeholder\":true}", "\"num\":1.5", "null", "true",
            "\u0000", "\u00e9", "\u20ac", "\uD83D\uDE00", "\uD800", "\uDFFF", "\uFFFF", "\r\n", "\n", " ", "\t", "%",
            "%zz", "%", "&", "=", "?", "#", "\"connect\"", "\"disconnect\"", "\"newListener\"", "[\"message\"]",
            "999999999999999999999999999999", "-0", "1e999999", "1E-999999", "0x1F", "NaN", "Infinity", "2probe",
            "5", "40", "41", "42", "43", "451-", "4999999-", "/admin,", "/,", "//", "\"\\ud800\"", "\"\\u0000\"");

    private Mutations() {
    }

    /** One to four mutations of {@code input}. */
    public static String mutate(Random random, String input) {
        String out = input;
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            out = mutateOnce(random, out);
        }
        return out;
    }

    static String mutateOnce(Random random, String s) {
        int n = s.length();
        switch (random.nextInt(12)) {
            case 0: { // flip one bit of one char
                if (n == 0) {
                    return token(random);
                }
                int at = random.nextInt(n);
                char c = (char) (s.charAt(at) ^ (1 << random.nextInt(random.nextInt(4) == 0 ? 16 : 7)));
                return s.substring(0, at) + c + s.substring(at + 1);
            }
            case 1: // truncate
                return n == 0 ? s : s.substring(0, random.nextInt(n));
            case 2: { // delete a range
                if (n == 0) {
                    return s;
                }
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(8));
                return s.substring(0, from) + s.substring(to);
            }
            case 3: // insert a token
            case 4: {
                int at = n == 0 ? 0 : random.nextInt(n + 1);
                return s.substring(0, at) + token(random) + s.substring(at);
            }
            case 5: { // replace a char with a random one
                if (n == 0) {
                    return s;
                }
                int at = random.nextInt(n);
                return s.substring(0, at) + randomChar(random) + s.substring(at + 1);
            }
            case 6: { // duplicate a range
                if (n == 0) {
                    return s;
                }
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(16));
                return s.substring(0, to) + s.substring(from, to) + s.substring(to);
            }
            case 7: { // deep nesting
                int depth = random.nextInt(10) == 0 ? 2_000 + random.nextInt(20_000) : 1 + random.nextInt(600);
                char open = random.nextBoolean() ? '[' : '{';
                String nest = open == '[' ? "[".repeat(depth) + "]".repeat(random.nextInt(depth + 1))
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(random.nextInt(depth + 1));
                int at = n == 0 ? 0 : random.nextInt(n + 1);
                return s.substring(0, at) + nest + s.substring(at);
            }
            case 8: { // a huge number
                int at = n == 0 ? 0 : random.nextInt(n + 1);
                String digits = "9".repeat(1 + random.nextInt(random.nextInt(10) == 0 ? 5_000 : 40));
                return s.substring(0, at) + digits + s.substring(at);
            }
            case 9: // random printable/unicode garbage
                return s + randomString(random, random.nextInt(32));
            case 10: { // swap two halves
                if (n < 2) {
                    return s;
                }
                int at = 1 + random.nextInt(n - 1);
                return s.substring(at) + s.substring(0, at);
            }
            default: { // repeat the whole thing
                if (n > 10_000) {
                    return s;
                }
                return s.repeat(2 + random.nextInt(3));
            }
        }
    }

    public static String token(Random random) {
        return TOKENS.get(random.nextInt(TOKENS.size()));
    }

    public static char randomChar(Random random) {
        switch (random.nextInt(4)) {
            case 0:
                return (char) random.nextInt(0x20);
            case 1:
                return (char) (0x20 + random.nextInt(0x5F));
            case 2:
                return (char) (0x80 + random.nextInt(0x780));
            default:
                return (char) random.nextInt(0x10000); // lone surrogates included
        }
    }

    public static String randomString(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(random.nextInt(3) == 0 ? token(random) : String.valueOf(randomChar(random)));
        }
        return out.toString();
    }

    public static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Flips random bits of a UTF-8 encoding: may produce invalid UTF-8. */
    public static byte[] mutateBytes(Random random, byte[] input) {
        byte[] out = input.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && out.length > 0; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A printable abbreviation of {@code text} for failure messages. */
    public static String show(String text) {
        String shown = text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
        StringBuilder out = new StringBuilder();
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || (c >= 0x7F && c < 0xA0) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code fuzz.<name>} as a long, or {@code fallback}. */
    public static long setting(String name, long fallback) {
        String value = System.getProperty("fuzz." + name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }
}
