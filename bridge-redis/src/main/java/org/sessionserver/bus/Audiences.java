package org.sessionserver.bus;

import java.util.concurrent.CompletionStage;

/** What a node listens to in routed delivery: the audiences it holds connections for. */
public interface Audiences {
    /**
     * From the stage's completion on, the copies of Messages for {@code audience} reach this node. Listening twice is
     * listening once.
     */
    CompletionStage<Void> listen(Audience audience);

    /** This node holds no connection of the audience any more. */
    void unlisten(Audience audience);
}
