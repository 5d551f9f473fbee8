package example;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.server.ArrowHttpFeature;
import java.net.URI;
import org.apache.arrow.memory.BufferAllocator;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/** The README's embedding snippet in an application of its own, on Grizzly. */
public final class EmbeddedServer {

    private EmbeddedServer() {}

    /** Serves {@code myDataset} at {@code uri}; the caller stops the server, then closes {@code root}. */
    public static HttpServer start(URI uri, BufferAllocator root, Dataset myDataset) {
        ResourceConfig app = new ResourceConfig()
                .register(ArrowHttpFeature.builder(root)
                        .dataset(myDataset) // an io.arrowhttp.dataset.Dataset: GET /datasets/{name}
                        .build());
        return GrizzlyHttpServerFactory.createHttpServer(uri, app);
    }
}
