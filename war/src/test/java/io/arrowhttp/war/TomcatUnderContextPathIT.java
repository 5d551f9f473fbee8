package io.arrowhttp.war;

import io.arrowhttp.war.containers.ServletContainer;
import io.arrowhttp.war.containers.TomcatContainer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The war deployed at {@code /arrow}: the whole client contract passes with every URL below it
 * ({@code /arrow/}, {@code /arrow/datasets/tickers}).
 */
class TomcatUnderContextPathIT extends DeployedWarContract {

    private static final long MAX_ROWS = 30_000_000;

    @Override
    protected ServletContainer createContainer() {
        return new TomcatContainer(
                Path.of("target", "it", "tomcat-context-path"),
                "/arrow",
                Map.of("arrowhttp.max-rows", Long.toString(MAX_ROWS)),
                true,
                null);
    }

    @Override
    protected long maxRows() {
        return MAX_ROWS;
    }
}
