package io.arrowhttp.app;

import io.arrowhttp.server.ArrowHttpFeature;
import jakarta.ws.rs.ApplicationPath;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The arrowhttp server application, the same in a servlet container (found there through
 * {@link ApplicationPath}) and on the standalone Grizzly server: the example dataset at
 * {@code /datasets/tickers}, the datasets of a YAML catalog and of a data folder when the settings
 * name them, and the catalog's default dataset (else the example) at {@code /}.
 *
 * <p>Its Arrow memory comes from one root allocator, made when the container starts the
 * application and closed when the container stops it (undeploy, redeploy, shutdown); see
 * {@link ServerFeature}.
 */
@ApplicationPath("/")
public class ArrowHttpApplication extends ResourceConfig {

    private final AtomicReference<BufferAllocator> root = new AtomicReference<>();
    private final AtomicReference<ArrowHttpFeature> feature = new AtomicReference<>();

    /**
     * The application as a servlet container makes it: settings from the war's context
     * parameters, system properties and environment.
     */
    public ArrowHttpApplication() {
        this(null);
    }

    /** @param settings the settings to use, or null to look them up as the no-argument constructor does */
    public ArrowHttpApplication(ServerSettings settings) {
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        register(new ServerFeature(settings, root::set, feature::set));
    }

    /**
     * Arrow memory the application's responses hold right now: 0 when no response is being
     * written and nothing leaked.
     */
    public long allocatedMemory() {
        BufferAllocator allocator = root.get();
        return allocator == null ? 0 : allocator.getAllocatedMemory();
    }

    /**
     * Stops gracefully before the server stops: see {@link ArrowHttpFeature#stop(Duration)}. Does
     * nothing for an application that serves nothing (misconfigured, or without Arrow).
     *
     * @return how many streams were cut at the end of {@code grace}
     */
    public int stop(Duration grace) {
        ArrowHttpFeature serving = feature.get();
        return serving == null ? 0 : serving.stop(grace);
    }

    /** Responses whose allocator is still open: 0 when none is being written and nothing leaked. */
    public int openResponses() {
        BufferAllocator allocator = root.get();
        return allocator == null ? 0 : allocator.getChildAllocators().size();
    }
}
