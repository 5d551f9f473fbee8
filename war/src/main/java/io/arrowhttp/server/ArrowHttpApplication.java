package io.arrowhttp.server;

import io.arrowhttp.ArrowHttpFeature;
import io.arrowhttp.example.TickersDataset;

import jakarta.ws.rs.ApplicationPath;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.spi.AbstractContainerLifecycleListener;
import org.glassfish.jersey.server.spi.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arrowhttp server application, the same in a servlet container (found there through
 * {@link ApplicationPath}) and on the standalone Grizzly server: the example dataset at
 * {@code /datasets/tickers} and at {@code /}.
 *
 * <p>It owns one {@link RootAllocator} for all its responses, made with the application and closed
 * when the container stops it (undeploy, shutdown), after the datasets.
 */
@ApplicationPath("/")
public class ArrowHttpApplication extends ResourceConfig {

    private static final Logger LOG = LoggerFactory.getLogger(ArrowHttpApplication.class);

    /** The application as a servlet container makes it: settings from system properties and environment. */
    public ArrowHttpApplication() {
        this(ServerSettings.fromSystem());
    }

    private final BufferAllocator root;

    public ArrowHttpApplication(ServerSettings settings) {
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        BufferAllocator root = new RootAllocator(settings.memoryLimit());
        this.root = root;
        TickersDataset tickers = new TickersDataset(new java.util.SplittableRandom().nextLong(), settings.maxRows());
        register(ArrowHttpFeature.builder(root)
                .dataset(tickers)
                .rootDataset(TickersDataset.NAME)
                .responseMemoryLimit(settings.responseMemoryLimit())
                .build());
        register(new AbstractContainerLifecycleListener() {
            @Override
            public void onShutdown(Container container) {
                tickers.close();
                try {
                    root.close();
                } catch (IllegalStateException stillInUse) {
                    LOG.warn("Arrow memory was still in use when the application stopped: {}", stillInUse.getMessage());
                }
            }
        });
    }

    /**
     * Arrow memory the application's responses hold right now: 0 when no response is being
     * written and nothing leaked.
     */
    public long allocatedMemory() {
        return root.getAllocatedMemory();
    }

    /** Responses whose allocator is still open: 0 when none is being written and nothing leaked. */
    public int openResponses() {
        return root.getChildAllocators().size();
    }
}
