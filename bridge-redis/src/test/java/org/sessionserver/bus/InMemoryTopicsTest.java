package org.sessionserver.bus;

/** The topics contract, in memory (the embedded default). */
class InMemoryTopicsTest extends TopicsContract {
    @Override
    protected Topics newTopics() {
        return new InMemoryTopics();
    }
}
