package org.sessionserver.samples;

/** Placeholder: the conformance fixture of DESIGN.md (being written). */
public final class ConformanceFixture implements AutoCloseable {
    public static ConformanceFixture start(int port) {
        throw new UnsupportedOperationException("not yet");
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("not yet");
    }

    public int port() {
        return 0;
    }

    @Override
    public void close() {
    }
}
