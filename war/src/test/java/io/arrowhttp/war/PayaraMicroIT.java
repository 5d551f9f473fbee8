package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.war.containers.PayaraMicroContainer;
import io.arrowhttp.war.containers.ServletContainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same war, unchanged, in Payara Micro 6 at context root {@code /}, configured through the environment. */
class PayaraMicroIT extends DeployedWarContract {

    private static final long MAX_ROWS = 40_000_000;

    /** Configured through the environment, as a container image would be. */
    @Override
    protected ServletContainer createContainer() {
        return new PayaraMicroContainer(
                Path.of("target", "it", "payara-micro"), Map.of("ARROWHTTP_MAX_ROWS", Long.toString(MAX_ROWS)));
    }

    @Override
    protected long maxRows() {
        return MAX_ROWS;
    }

    @Test
    void startsWithoutSevereLogLines() {
        assertTrue(
                container().logText().lines().noneMatch(line -> line.contains("SEVERE") && line.contains("arrowhttp")),
                container().logTail(40));
    }
}
