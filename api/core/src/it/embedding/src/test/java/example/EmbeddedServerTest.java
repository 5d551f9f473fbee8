package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.GeneratingReader;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.glassfish.grizzly.http.server.HttpServer;
import org.junit.jupiter.api.Test;

class EmbeddedServerTest {

    private static final Schema SCHEMA = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

    @Test
    void anEmbeddedFeatureServesADatasetWithTheDocumentedSetupOnly() throws Exception {
        try (BufferAllocator root = new RootAllocator()) {
            HttpServer server = EmbeddedServer.start(URI.create("http://127.0.0.1:0/"), root, new Counting());
            try {
                int port = server.getListeners().iterator().next().getPort();
                HttpURLConnection connection =
                        (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/datasets/numbers")
                                .toURL()
                                .openConnection();
                connection.setConnectTimeout(5_000);
                connection.setReadTimeout(10_000);
                assertEquals(200, connection.getResponseCode());
                assertTrue(connection.getContentType().startsWith("multipart/mixed"), connection.getContentType());
                assertTrue(connection.getHeaderField("X-Request-Id") != null, "request ids are on by default");
                try (InputStream body = connection.getInputStream()) {
                    assertTrue(body.readAllBytes().length > 0);
                }
            } finally {
                server.shutdownNow();
            }
        }
    }

    /** Three batches of numbers. */
    private static final class Counting implements Dataset {
        @Override
        public String name() {
            return "numbers";
        }

        @Override
        public String description() {
            return "numbers";
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Object metadata(DatasetRequest request) {
            return Map.of("rows", 300);
        }

        @Override
        public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
            return new GeneratingReader(allocator, SCHEMA) {
                private int batches;

                @Override
                protected boolean fill(VectorSchemaRoot root) {
                    if (batches++ == 3) {
                        return false;
                    }
                    BigIntVector n = (BigIntVector) root.getVector(0);
                    n.allocateNew(100);
                    for (int i = 0; i < 100; i++) {
                        n.set(i, i);
                    }
                    root.setRowCount(100);
                    return true;
                }
            };
        }
    }
}
