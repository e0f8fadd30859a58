package org.sessionserver.samples;

/** Entry point of samples.jar: {@code java -jar samples.jar NAME}. */
public final class Samples {
    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "";
        switch (name) {
            case "conformance-fixture" -> ConformanceFixture.main(args);
            default -> {
                System.err.println("usage: java -jar samples.jar conformance-fixture");
                System.exit(2);
            }
        }
    }
}
