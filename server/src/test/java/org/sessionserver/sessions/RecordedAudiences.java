package org.sessionserver.sessions;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.Audiences;

/** The audiences a node listens to, as a bus would be told of them; each listen completes at once. */
public final class RecordedAudiences implements Audiences {
    private final Set<Audience> listened = ConcurrentHashMap.newKeySet();

    @Override
    public CompletionStage<Void> listen(Audience audience) {
        listened.add(audience);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unlisten(Audience audience) {
        listened.remove(audience);
    }

    public Set<Audience> listened() {
        return Set.copyOf(listened);
    }
}
