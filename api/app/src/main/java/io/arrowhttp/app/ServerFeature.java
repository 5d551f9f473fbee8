package io.arrowhttp.app;

import io.arrowhttp.app.catalog.CacheSettings;
import io.arrowhttp.app.catalog.ConfiguredDatasets;
import io.arrowhttp.app.example.TickersDataset;
import io.arrowhttp.app.web.BrowserRedirectFilter;
import io.arrowhttp.app.web.WebPageResource;
import io.arrowhttp.protocol.internal.ArrowRuntimeCheck;
import io.arrowhttp.server.ArrowHttpFeature;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.spi.AbstractContainerLifecycleListener;
import org.glassfish.jersey.server.spi.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the application when the container starts it, at which point the war's context
 * parameters are known: checks that Arrow works in this JVM, makes the root allocator and the
 * example dataset, and closes both when the container stops the application.
 */
final class ServerFeature implements Feature {

    /** Logged once at start-up and sent with every 503 when Arrow cannot work in this JVM. */
    static final String JVM_OPTION_HINT = "Start the JVM with " + ArrowRuntimeCheck.REQUIRED_JVM_OPTION
            + ". Tomcat: add it to CATALINA_OPTS in bin/setenv.sh. Payara Server: asadmin create-jvm-options"
            + " (escape the colons as \\:) and restart. Payara Micro and 'java -jar arrowhttp-server.jar' set it"
            + " already.";

    private static final Logger LOG = LoggerFactory.getLogger(ServerFeature.class);

    private final ServerSettings explicitSettings;
    private final Consumer<BufferAllocator> onAllocator;
    private final Consumer<ArrowHttpFeature> onFeature;

    ServerFeature(
            ServerSettings explicitSettings,
            Consumer<BufferAllocator> onAllocator,
            Consumer<ArrowHttpFeature> onFeature) {
        this.explicitSettings = explicitSettings;
        this.onAllocator = onAllocator;
        this.onFeature = onFeature;
    }

    @Override
    public boolean configure(FeatureContext context) {
        Optional<String> arrowProblem = ArrowRuntimeCheck.problem();
        if (arrowProblem.isPresent()) {
            LOG.error(
                    "arrowhttp cannot serve Arrow data and answers 503 to every request: {}. {}",
                    arrowProblem.get(),
                    JVM_OPTION_HINT);
            context.register(
                    new UnavailableFilter("Arrow cannot write record batches in this JVM. " + JVM_OPTION_HINT));
            return true;
        }
        ServletParameters servlet = ServletParameters.of(context);
        ServerSettings settings = explicitSettings != null
                ? explicitSettings
                : ServerSettings.from(
                        name -> {
                            Object value = context.getConfiguration().getProperty(name);
                            return value != null ? value : servlet.get(name);
                        },
                        System.getProperties(),
                        System.getenv());
        BufferAllocator root = new RootAllocator(settings.memoryLimit());
        TickersDataset tickers = new TickersDataset(new SplittableRandom().nextLong(), settings.maxRows());
        ArrowHttpFeature.Builder feature = ArrowHttpFeature.builder(root);
        if (!settings.group().isEmpty()) {
            feature.group(settings.group());
        }
        if (settings.publicBaseUrl() != null) {
            feature.publicBaseUri(settings.publicBaseUrl());
        }
        try {
            feature.allowedHosts(settings.allowedHosts());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Setting arrowhttp.allowed-hosts: " + e.getMessage(), e);
        }
        if (settings.auth().enabled()) {
            feature.authentication(settings.auth().authenticator());
        }
        PrometheusMeterRegistry meters = null;
        if (settings.metrics()) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            new ProcessorMetrics().bindTo(meters);
            feature.metrics(meters);
            context.register(new MetricsResource(meters));
        }
        ConfiguredDatasets configured = null;
        try {
            configured = ConfiguredDatasets.load(
                    settings.catalogFile(), settings.dataDirectory(), System.getenv(), settings.cache());
            configured.datasets().forEach(feature::dataset);
            configured.configureUploads(feature, settings.auth().enabled());
        } catch (RuntimeException e) {
            if (configured != null) {
                configured.close();
            }
            root.close();
            if (explicitSettings != null) {
                // A server of its own (the standalone one) stops before it listens, with the reason.
                throw e;
            }
            // In a container, a failed application would answer with the container's error page,
            // which shows the exception: refuse every request instead, and tell the operator.
            LOG.error("arrowhttp serves nothing: {}", e.getMessage());
            context.register(new UnavailableFilter(
                    "This server's datasets are misconfigured, so it serves none; its operators find the reason in"
                            + " the server log"));
            return true;
        }
        ConfiguredDatasets served = configured;
        boolean exampleServed =
                served.datasets().stream().noneMatch(dataset -> dataset.name().equals(TickersDataset.NAME));
        if (exampleServed) {
            feature.dataset(tickers);
        } else {
            LOG.info("The catalog names a dataset '{}': the example dataset is not served", TickersDataset.NAME);
        }
        try {
            feature.trustedProxies(settings.trustedProxies());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Setting arrowhttp.trusted-proxies: " + e.getMessage(), e);
        }
        feature.rootDataset(served.defaultDataset().orElse(TickersDataset.NAME))
                .responseMemoryLimit(settings.responseMemoryLimit())
                .responseTimeout(Duration.ofSeconds(settings.responseTimeoutSeconds()))
                .writeTimeout(Duration.ofSeconds(settings.streaming().writeTimeoutSeconds()))
                .maxConcurrentStreams(settings.streaming().maxStreams())
                .maxConcurrentStreamsPerCaller(settings.streaming().maxStreamsPerCaller())
                .maxConcurrentStreamsPerAddress(settings.streaming().maxStreamsPerAddress())
                .statusEndpoint()
                .corsOrigins(settings.corsOrigins());
        CacheSettings cache = served.cache();
        if (cache.directory() != null) {
            feature.cache(cache.directory(), cache.maxBytes());
        }
        ArrowHttpFeature built;
        try {
            built = feature.build();
        } catch (IllegalStateException | UncheckedIOException cacheRefused) {
            if (cache.directory() == null || !cache.defaultDirectory()) {
                throw cacheRefused;
            }
            // The default folder is a convenience: without it the server serves as it would without a cache.
            LOG.warn("The Arrow cache is off: {}", cacheRefused.getMessage());
            built = feature.noCache().build();
        }
        ArrowHttpFeature arrow = built;
        if (cache.directory() != null && arrow.cacheDirectory().isPresent()) {
            LOG.info(
                    "Arrow cache in {}, at most {} bytes (arrowhttp.cache.directory, arrowhttp.cache.max-bytes)",
                    cache.directory(),
                    cache.maxBytes());
        }
        context.register(arrow);
        context.register(new WebPageResource(settings.publicBaseUrl()));
        context.register(new BrowserRedirectFilter(settings.publicBaseUrl()));
        // A relative Location stays relative: JAX-RS would otherwise make it absolute from the
        // request's Host, which any client chooses (the redirect to the web page is one).
        context.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        context.register(new AbstractContainerLifecycleListener() {
            @Override
            public void onShutdown(Container container) {
                // The container takes no new connections now. Streams still running may finish
                // within the grace (the standalone server has given it already); the rest are
                // ended so that their clients see a failure and their memory is free.
                arrow.stop(Duration.ofSeconds(settings.streaming().stopGraceSeconds()));
                tickers.close();
                served.close();
                long inUse = root.getAllocatedMemory();
                try {
                    root.close();
                    LOG.info("arrowhttp stopped; its Arrow root allocator is closed");
                } catch (IllegalStateException stillInUse) {
                    LOG.warn(
                            "arrowhttp stopped with {} bytes of Arrow memory still in use: {}",
                            inUse,
                            stillInUse.getMessage());
                }
            }
        });
        onAllocator.accept(root);
        onFeature.accept(arrow);
        LOG.info(
                "arrowhttp started: max rows {}, Arrow memory limit {} bytes",
                settings.maxRows(),
                settings.memoryLimit());
        return true;
    }
}
