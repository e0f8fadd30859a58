package org.sessionserver.bus;

/** The session directory contract, in memory (the embedded default). */
class InMemorySessionDirectoryTest extends SessionDirectoryContract {
    @Override
    protected SessionDirectory newDirectory() {
        return new InMemorySessionDirectory();
    }
}
