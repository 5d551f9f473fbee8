package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.DatasetInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data DIR}: the Arrow files of a folder are served next to the example dataset. */
class DataFolderTest {

    @TempDir
    Path folder;

    @Test
    void theArrowFilesOfTheDataFolderAreServedByName() throws IOException {
        write(folder.resolve("numbers.arrow"), 5, 1000);
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withDataDirectory(folder));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            assertEquals(
                    List.of("numbers", "tickers"),
                    client.listDatasets().stream()
                            .map(DatasetInfo::name)
                            .sorted()
                            .toList());
            assertEquals(5000L, client.info("numbers").totalRecords());
            try (DatasetStream stream =
                    client.get("numbers", GetOptions.defaults().parameter("limit", 2500), allocator)) {
                long next = 0;
                while (stream.reader().loadNextBatch()) {
                    BigIntVector n =
                            (BigIntVector) stream.reader().getVectorSchemaRoot().getVector("n");
                    for (int i = 0; i < n.getValueCount(); i++) {
                        assertEquals(next++, n.get(i));
                    }
                }
                assertEquals(2500, next);
            }
        }
    }

    private static void write(Path file, int batches, int rows) throws IOException {
        Schema schema = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            BigIntVector n = (BigIntVector) root.getVector("n");
            for (int batch = 0; batch < batches; batch++) {
                n.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    n.set(i, (long) batch * rows + i);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
    }
}
