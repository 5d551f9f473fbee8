package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.source.duckdb.DuckDbDataset;
import io.arrowhttp.source.duckdb.DuckDbEngine;
import io.arrowhttp.testing.PythonWithPyarrow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Uploads to the standalone server as its operator configures them in the YAML catalog, sent by
 * the {@code upload} command from files another tool wrote, and read back value by value.
 */
class UploadsStandaloneTest {

    private static final int ROWS = 30_000;

    @TempDir
    static Path folder;

    private static Path parquet;
    private static Path csv;

    @BeforeAll
    static void writeFiles() throws SQLException {
        parquet = folder.resolve("trades.parquet");
        csv = folder.resolve("more.csv");
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            String rows = "(SELECT range AS id, 'trade ' || range AS label, range / 8.0 AS price,"
                    + " DATE '2024-01-01' + CAST(range % 365 AS INTEGER) AS day FROM range(";
            statement.execute("COPY " + rows + ROWS + ")) TO '" + parquet + "' (FORMAT parquet)");
            statement.execute("COPY (SELECT * FROM " + rows + ROWS + ", " + (ROWS + 500) + "))) TO '" + csv
                    + "' (FORMAT csv, HEADER)");
        }
    }

    @Test
    void theUploadCommandSendsParquetAndCsvAndTheServerKeepsEveryValue() throws Exception {
        Path catalog = folder.resolve("writable.yaml");
        Files.writeString(catalog, "uploads:\n  directory: uploaded\n  writable: true\n  max_rows: 1000000\n");
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            String url = server.baseUri().resolve("datasets/trades").toString();
            String put = run(
                    UploadCommand::new, parquet.toString(), url, "--description", "Trades", "--compression", "zstd");
            assertTrue(put.contains("Uploaded " + ROWS + " rows"), put);
            String post = run(UploadCommand::new, csv.toString(), url, "--append", "--compression", "gzip");
            assertTrue(post.contains("Appended 500 rows"), post);
            assertTrue(post.contains("the dataset has " + (ROWS + 500) + " rows"), post);

            List<String> expected = new ArrayList<>(rowsOf(parquet, allocator));
            expected.addAll(rowsOf(csv, allocator));
            List<String> served = new ArrayList<>();
            try (DatasetStream stream = client.get("trades", GetOptions.defaults(), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    served.addAll(rows(stream.reader().getVectorSchemaRoot()));
                }
            }
            assertEquals(expected, served);
            assertEquals("Trades", client.info("trades").description());

            String refused = run(
                    UploadCommand::new,
                    csv.toString(),
                    server.baseUri().resolve("datasets/tickers").toString());
            assertTrue(refused.contains("read-only"), refused);

            String fetched = run(FetchCommand::new, "--parallel", "2", url);
            assertTrue(
                    fetched.contains("Parsed " + (ROWS + 500) + " records in ")
                            && fetched.contains(" from 2 endpoint(s), 2 at a time"),
                    fetched);
        }
    }

    @Test
    void theUploadCommandSendsADictionaryColumnAsItsValues() throws Exception {
        Path python = PythonWithPyarrow.requireInterpreter();
        Path categorical = folder.resolve("categories.parquet");
        Process writer = new ProcessBuilder(
                        python.toString(),
                        "-c",
                        "import sys, pyarrow as pa, pyarrow.parquet as pq\n"
                                + "codes = pa.array(['buy', 'sell', None, 'buy'] * 2500).dictionary_encode()\n"
                                + "pq.write_table(pa.table({'id': pa.array(range(10000), pa.int64()), 'side': codes}),"
                                + " sys.argv[1])\n",
                        categorical.toString())
                .redirectErrorStream(true)
                .start();
        String written = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, writer.waitFor(), written);
        Path catalog = folder.resolve("writable-categories.yaml");
        Files.writeString(catalog, "uploads:\n  directory: categories\n  writable: true\n");
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            String url = server.baseUri().resolve("datasets/sides").toString();
            String put = run(UploadCommand::new, categorical.toString(), url);
            assertTrue(put.contains("Uploaded 10000 rows"), put);
            List<String> sides = new ArrayList<>();
            try (DatasetStream stream = client.get("sides", GetOptions.defaults(), allocator)) {
                VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
                assertEquals(
                        ArrowType.Utf8.INSTANCE,
                        root.getSchema().findField("side").getType());
                assertEquals(null, root.getSchema().findField("side").getDictionary(), "stored as its values");
                while (stream.reader().loadNextBatch()) {
                    for (int row = 0; row < root.getRowCount(); row++) {
                        Object side = root.getVector("side").getObject(row);
                        sides.add(side == null ? null : side.toString());
                    }
                }
            }
            assertEquals(10_000, sides.size());
            assertEquals(Arrays.asList("buy", "sell", null, "buy"), sides.subList(0, 4));
            assertEquals(Arrays.asList("buy", "sell", null, "buy"), sides.subList(9_996, 10_000));
        }
    }

    @Test
    void uploadsWithoutAuthenticationNeedAnExplicitWritableTrue() throws IOException {
        Path catalog = folder.resolve("open.yaml");
        Files.writeString(catalog, "uploads:\n  directory: open\n");
        RuntimeException refused = assertThrows(
                RuntimeException.class,
                () -> StandaloneServer.start(
                                "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog))
                        .close());
        assertTrue(refused.getMessage().contains("say 'writable: true'"), refused.getMessage());
    }

    @Test
    void aBodyChunkThatLooksLikeAnHttp09RequestLineIsReadAsBody() throws Exception {
        Path catalog = folder.resolve("raw.yaml");
        Files.writeString(catalog, "uploads:\n  directory: raw\n  writable: true\n");
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog));
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String body = "GET /status\n";
            out.write(("PUT /datasets/raw HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.apache.arrow.stream\r\n"
                            + "Content-Length: " + body.length()
                            + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // 100 Continue says the server has parsed the head: the body sent after it reaches the
            // server in a read of its own, as the start of a TCP segment, however slow either side is.
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(in.readNBytes(25), StandardCharsets.US_ASCII));
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.contains("not an Arrow IPC stream"), response);
        }
    }

    @Test
    void aClientThatCutsItsBodyIsAnswered400WhenItStillReadsAndLoggedInOneLineWithoutAStackTrace() throws Exception {
        // As the server's main does: what Jersey logs through java.util.logging goes to Logback.
        LogSetup.configure(new String[0]);
        Path catalog = folder.resolve("cut.yaml");
        Files.writeString(catalog, "uploads:\n  directory: cut\n  writable: true\n");
        byte[] stream = longs(5_000);
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog));
                LogLines access = LogLines.of("io.arrowhttp.access");
                LogLines jersey = LogLines.of("org.glassfish.jersey")) {
            int cuts = 6;
            for (int i = 0; i < cuts; i++) {
                // One cut at a time: the one before has ended (its access line is out), so that the
                // address's bound on uploads at once (two here) never answers this one 429.
                long ended = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (access.messages().size() < i && System.nanoTime() < ended) {
                    Thread.sleep(20);
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    socket.setSoTimeout(10_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("PUT /datasets/cut HTTP/1.1\r\nHost: x\r\n"
                                    + "Content-Type: application/vnd.apache.arrow.stream\r\nContent-Length: "
                                    + stream.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(stream, 0, stream.length / 2);
                    out.flush();
                    if (i % 2 == 0) {
                        socket.shutdownOutput();
                        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        // Half-closed, the client still reads: it gets the answer.
                        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                        assertTrue(answer.contains("broke off"), answer);
                    }
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (access.messages().size() < cuts && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300); // Jersey logs its failure to commit right after the access-log line
            assertEquals(cuts, access.messages().size(), String.join("\n", access.messages()));
            assertTrue(
                    access.messages().stream().allMatch(line -> line.contains("PUT /datasets/cut 400 ")),
                    String.join("\n", access.messages()));
            assertTrue(
                    jersey.events().stream()
                            .noneMatch(event -> event.getThrowableProxy() != null
                                    || event.getLevel().isGreaterOrEqual(Level.WARN)),
                    "no error nor stack trace for a client that went away: " + String.join("\n", jersey.messages()));
        }
    }

    /** An Arrow stream of one column of longs, in batches of 1,000. */
    private static byte[] longs(int rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(
                        new Schema(List.of(Field.notNullable("seq", new ArrowType.Int(64, true)))), allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            BigIntVector seq = (BigIntVector) root.getVector(0);
            for (int done = 0; done < rows; done += 1_000) {
                seq.allocateNew(1_000);
                for (int i = 0; i < 1_000; i++) {
                    seq.set(i, done + i);
                }
                root.setRowCount(1_000);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    @Test
    void continueIsSentOnlyToAnUploadThatPassedItsChecks() throws Exception {
        Path catalog = folder.resolve("continue.yaml");
        Files.writeString(catalog, "uploads:\n  directory: continued\n  writable: true\n");
        byte[] body;
        try (BufferAllocator allocator = new RootAllocator();
                ArrowReader reader = DuckDbDataset.ofFiles(
                                DuckDbEngine.builder().allowDirectory(folder).build(),
                                DatasetDescription.of("source", ""),
                                parquet.toString())
                        .open(DatasetRequest.of(Map.of()), allocator)) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            try (ArrowStreamWriter writer = new ArrowStreamWriter(reader.getVectorSchemaRoot(), null, stream)) {
                while (reader.loadNextBatch()) {
                    writer.writeBatch();
                }
            }
            body = stream.toByteArray();
        }
        try (StandaloneServer server =
                StandaloneServer.start("127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog))) {
            try (Socket refused = expecting(server, "/datasets/tickers", body.length)) {
                // The server may keep the connection for the body the client may still send: read the answer only.
                String answer = head(refused.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 405"), answer);
                assertFalse(answer.contains("100 Continue"), answer);
            }
            try (Socket accepted = expecting(server, "/datasets/continued", body.length)) {
                InputStream in = accepted.getInputStream();
                String interim = new String(in.readNBytes(25), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim);
                accepted.getOutputStream().write(body);
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 201"), answer);
                assertTrue(answer.contains("\"rows\":" + ROWS), answer);
            }
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedInsteadOfContinued() throws Exception {
        Path catalog = folder.resolve("small.yaml");
        Files.writeString(catalog, "uploads:\n  directory: small\n  writable: true\n  max_body_bytes: 1KiB\n");
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog));
                Socket refused = expecting(server, "/datasets/small", 4096)) {
            String answer = head(refused.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertFalse(answer.contains("100 Continue"), answer);
        }
    }

    /** A response's status line and headers. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A socket that has sent the head of an upload expecting 100-continue, and nothing of its body. */
    private static Socket expecting(StandaloneServer server, String path, int length) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream()
                .write(("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.apache.arrow.stream\r\n"
                                + "Content-Length: " + length + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Runs a command of the server jar's command line, made around its output; its output and errors. */
    private static String run(Function<PrintStream, Object> command, String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            new CommandLine(command.apply(new PrintStream(out, true, StandardCharsets.UTF_8))).execute(arguments);
        } finally {
            System.setErr(previous);
        }
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** Every row of a file as DuckDB reads it, one text line each. */
    private static List<String> rowsOf(Path file, BufferAllocator allocator) throws SQLException, IOException {
        List<String> rows = new ArrayList<>();
        try (DuckDbEngine engine = DuckDbEngine.builder().allowDirectory(folder).build();
                ArrowReader reader = DuckDbDataset.ofFiles(engine, DatasetDescription.of("check", ""), file.toString())
                        .open(DatasetRequest.of(Map.of()), allocator)) {
            while (reader.loadNextBatch()) {
                rows.addAll(rows(reader.getVectorSchemaRoot()));
            }
        }
        return rows;
    }

    private static List<String> rows(VectorSchemaRoot root) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < root.getRowCount(); i++) {
            StringBuilder row = new StringBuilder();
            for (FieldVector vector : root.getFieldVectors()) {
                row.append(vector.getField().getName())
                        .append('=')
                        .append(vector.getObject(i))
                        .append(' ');
            }
            rows.add(row.toString());
        }
        return rows;
    }
}
