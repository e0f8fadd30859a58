package org.sessionserver.errors;

/** A request refused with a code the client can read; thrown or used to fail a stage. */
public final class Refusal extends RuntimeException {
    private final ErrorCode code;

    public Refusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The refusal behind a failed stage, or {@code unavailable} for any other failure. */
    public static Refusal of(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof Refusal refusal ? refusal
                : new Refusal(ErrorCode.UNAVAILABLE, "the engine bus is unavailable, retry later");
    }
}
