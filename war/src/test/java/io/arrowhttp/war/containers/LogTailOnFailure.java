package io.arrowhttp.war.containers;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the container's log tail when a test against it fails. */
public final class LogTailOnFailure implements TestWatcher {

    /** A test class whose tests run against a container. */
    public interface RunsInContainer {
        ServletContainer container();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        context.getTestInstance()
                .filter(RunsInContainer.class::isInstance)
                .map(instance -> ((RunsInContainer) instance).container())
                .ifPresent(container ->
                        System.err.println(context.getDisplayName() + " failed\n" + container.logTail(80)));
    }
}
