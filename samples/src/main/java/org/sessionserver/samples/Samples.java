package org.sessionserver.samples;

/** Entry point of samples.jar: {@code java -jar samples.jar NAME [args]}. */
public final class Samples {
    private Samples() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "";
        switch (name) {
            case "echo-engine" -> EchoEngineSample.main(args);
            case "agent-engine" -> AgentEngineSample.main(args);
            case "conformance-fixture" -> ConformanceFixture.main(args);
            case "client" -> ClientSample.main(args);
            default -> {
                System.err.println("usage: java -jar samples.jar echo-engine | agent-engine | conformance-fixture"
                        + " | client [url] [token]");
                System.exit(2);
            }
        }
    }
}
