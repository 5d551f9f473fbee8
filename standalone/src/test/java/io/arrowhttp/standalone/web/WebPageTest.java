package io.arrowhttp.standalone.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.AuthSettings;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.standalone.StandaloneServer;
import io.arrowhttp.standalone.TlsOptions;
import io.arrowhttp.testing.PythonWithPyarrow;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.TestPki;
import io.arrowhttp.testing.web.ForeignOrigin;
import io.arrowhttp.testing.web.WebPage;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page of the standalone server in Debian's headless Chromium, used as a person would:
 * pick a dataset, look at rows, fetch a million rows with the progress bar and the histogram, save
 * them, sign in. Screenshots of the main views go to {@code target/screenshots}.
 */
class WebPageTest {

    static final long MILLION = 1_000_000;
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path folder;

    static StandaloneServer server;

    @BeforeAll
    static void start() throws IOException {
        server = WebServers.plain(WebServers.dataFolder(folder, MILLION), List.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBrowserOpeningTheServerGetsThePageAndOtherClientsTheData() throws IOException {
        HttpURLConnection browser = get(server.baseUri(), "text/html,application/xhtml+xml,*/*;q=0.8");
        assertEquals(303, browser.getResponseCode());
        assertEquals(server.baseUri().resolve("/ui/").toString(), browser.getHeaderField("Location"));
        // A Host of the client's choosing never reaches the Location: the listener's address does.
        RawHttp.Exchange forged = RawHttp.send(
                server.baseUri().getPort(),
                "GET",
                "/",
                "1.1",
                Map.of("Host", "evil.example", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
        assertEquals(server.baseUri().resolve("/ui/").toString(), forged.header("Location"));
        // curl's Accept, and Java's own default (text/html first, without XHTML), keep getting the data.
        for (String accept : Arrays.asList("*/*", null)) {
            HttpURLConnection program = get(server.baseUri().resolve("?rows=10"), accept);
            assertEquals(200, program.getResponseCode(), accept);
            assertTrue(program.getContentType().startsWith("multipart/mixed"), program.getContentType());
            program.getInputStream().close();
        }
        HttpURLConnection traversal = get(server.baseUri().resolve("ui/..%2Fstatus"), "*/*");
        assertEquals(404, traversal.getResponseCode());
    }

    @Test
    void thePageListsDatasetsShowsRowsAndStreamsAMillionRowsToAFullProgressBarAndHistogram() throws IOException {
        try (WebPage page = WebPage.open(server.baseUri(), folder.resolve("downloads"))) {
            assertEquals(
                    List.of("numbers", "tickers"),
                    page.datasetNames().stream().sorted().toList());
            page.select("numbers");
            page.rowsToShow(50);
            assertEquals("done", page.showRows(), page.status());
            assertEquals(List.of("id", "label", "value"), page.tableHeader());
            List<List<String>> rows = page.tableRows();
            assertEquals(50, rows.size());
            assertEquals(List.of("0", "row 0", "0"), rows.get(0));
            assertEquals(List.of("49", "row 49", "49.8"), rows.get(49));
            page.screenshot(SCREENSHOTS.resolve("rows.png"));

            page.histogramOf("value");
            assertEquals("done", page.fetchAll(), page.status());
            assertEquals(100.0, page.progress());
            assertTrue(page.progressText().startsWith("1,000,000 of 1,000,000 rows (100 %)"), page.progressText());
            assertEquals(MILLION, page.histogramCount());
            long[] chart = page.chartTotalAndBars();
            assertEquals(MILLION, chart[0], "the bars add up to every row");
            assertTrue(chart[1] > 10, chart[1] + " bars");
            page.screenshot(SCREENSHOTS.resolve("fetch-all.png"));
        }
    }

    @Test
    void aRowOfEveryTypeIsShownAsArrowUsersReadItWithTheSchemaInArrowsNotation() throws Exception {
        PythonWithPyarrow python = PythonWithPyarrow.require("web_types.py");
        Path data = Files.createDirectories(folder.resolve("types"));
        python.run(data.toString());
        try (StandaloneServer typed = WebServers.plain(data, List.of());
                WebPage page = WebPage.open(typed.baseUri(), folder.resolve("downloads"))) {
            assertTrue(page.datasetNames().contains("types"));
            page.select("types");
            assertEquals(
                    List.of(
                            "int8",
                            "uint8",
                            "int64",
                            "uint64",
                            "halffloat",
                            "double",
                            "decimal128(10, 2)",
                            "decimal128(10, 3)",
                            "decimal256(40, 4)",
                            "bool",
                            "string",
                            "large_string",
                            "binary",
                            "fixed_size_binary[4]",
                            "date32[day]",
                            "date64[ms]",
                            "time32[ms]",
                            "time64[ns]",
                            "timestamp[us, tz=UTC]",
                            "timestamp[ms, tz=America/New_York]",
                            "timestamp[ns]",
                            "timestamp[s]",
                            "duration[us]",
                            "month_day_nano_interval",
                            "list<int32>",
                            "struct<a: int32, b: string>",
                            "map<string, int64>",
                            "dictionary<values=string, indices=int32>",
                            "null",
                            "extension<arrow.uuid>",
                            "extension<arrow.json>"),
                    page.schemaRows().stream().map(row -> row.get(1)).toList());
            assertEquals("done", page.showRows(), page.status());
            List<List<String>> rows = page.tableRows();
            assertEquals(2, rows.size());
            StringBuilder firstBytes = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                firstBytes.append(String.format("%02x", i));
            }
            assertEquals(
                    List.of(
                            "-128",
                            "255",
                            "-9223372036854775808",
                            "18446744073709551615",
                            "1.5",
                            "-2.25",
                            "185.90",
                            "-0.005",
                            "123456789012345678901234567890.1234",
                            "true",
                            "héllo",
                            "big",
                            firstBytes + "… (40 bytes)",
                            "deadbeef",
                            "2024-02-29",
                            "1969-12-31",
                            "13:14:15.500",
                            "01:02:03.000000123",
                            "2024-03-10T12:30:00.123456Z",
                            "2024-03-10T08:30:00.000-04:00[America/New_York]",
                            "2023-11-14T22:13:20.123456789",
                            "1969-12-31T23:59:59",
                            "PT25H1M1.000001S",
                            "P14M3DT4S",
                            "[1, ∅, 3]",
                            "{a: 1, b: \"x\"}",
                            "{\"k\": 7}",
                            "red",
                            "∅",
                            "12345678-1234-5678-1234-567812345678",
                            "{\"a\": 1}"),
                    rows.get(0));
            assertEquals(Collections.nCopies(31, "∅"), rows.get(1));
            page.screenshot(SCREENSHOTS.resolve("types.png"));
        }
    }

    @Test
    void aDatasetWithDeclaredParametersShowsThemAsFieldsBeforeTheFirstFetchAndSendsThem()
            throws IOException, SQLException {
        Path catalog = folder.resolve("parameters.yaml");
        Files.writeString(catalog, """
                datasets:
                  - name: counted
                    description: The first n numbers
                    jdbc: {url: "jdbc:duckdb:"}
                    sql: "SELECT range AS n FROM range(100) WHERE range < :n AND CAST(:label AS VARCHAR) <> 'hide'"
                    parameters:
                      n: {type: long}
                      label: {type: string, default: "none"}
                """);
        // A server that closed earlier in this JVM deregistered DuckDB's driver (as a web
        // application must); a deployment starts one server per JVM.
        DriverManager.registerDriver(new DuckDBDriver());
        try (StandaloneServer declared = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withCatalogFile(catalog));
                WebPage page = WebPage.open(declared.baseUri(), folder.resolve("downloads"))) {
            assertTrue(page.datasetNames().contains("counted"));
            page.select("counted");
            assertEquals(List.of("n  long, required", "label  string, default none"), page.parameterLabels());
            page.parameter("n", "7");
            assertEquals("done", page.showRows(), page.status());
            assertEquals(
                    List.of("0", "1", "2", "3", "4", "5", "6"),
                    page.tableRows().stream().map(row -> row.get(0)).toList());
        }
    }

    @Test
    void savingWritesAnArrowsFileThatArrowReadsWhole() throws IOException {
        Path downloads = folder.resolve("saved-" + UUID.randomUUID());
        Path saved = downloads.resolve("numbers.arrows");
        try (WebPage page = WebPage.open(server.baseUri().resolve("ui/"), downloads)) {
            page.datasetNames();
            page.select("numbers");
            assertEquals("done", page.save(), page.status());
            // The browser writes the file after the page hands it over: wait before closing it.
            for (int i = 0; i < 300 && !downloaded(saved); i++) {
                sleep(100);
            }
        }
        try (BufferAllocator allocator = new RootAllocator();
                InputStream in = Files.newInputStream(saved);
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            assertEquals(MILLION, rows);
        }
    }

    @Test
    void signingInKeepsTheTokenInThePageOnly() throws IOException {
        String password = UUID.randomUUID().toString();
        try (StandaloneServer secured = WebServers.secured(folder, password);
                WebPage page = WebPage.open(secured.baseUri().resolve("ui/"), folder.resolve("downloads"))) {
            assertTrue(page.signInShown(), "the page asks who the user is");
            page.signIn(WebServers.USER, "not-" + password);
            assertEquals("Wrong user name or password.", page.loginError());
            page.screenshot(SCREENSHOTS.resolve("sign-in.png"));

            page.signIn(WebServers.USER, password);
            assertEquals(List.of("tickers"), page.datasetNames());
            page.rowsToShow(10);
            assertEquals("done", page.showRows(), page.status());
            assertEquals(10, page.tableRows().size());
            assertEquals(
                    true,
                    page.script("return localStorage.length === 0 && sessionStorage.length === 0"
                            + " && document.cookie === ''"),
                    "the token stays in the page's memory");
        }
    }

    @Test
    void overHttpsWithAuthenticationAsDeployedThePageSignsInAndFetches() throws Exception {
        TestPki pki = TestPki.create(folder.resolve("pki"));
        String password = UUID.randomUUID().toString();
        Path users = Files.writeString(
                folder.resolve("https-users.properties"),
                WebServers.USER + "=" + PasswordHash.hash(password.toCharArray()) + "\n");
        // Without allow-insecure-http: the server takes credentials over HTTPS only.
        ServerSettings settings = ServerSettings.defaults().withAuth(new AuthSettings(users, List.of(), null, false));
        try (StandaloneServer secure = StandaloneServer.start(
                        "127.0.0.1", 0, settings, TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem));
                WebPage page = WebPage.open(
                        secure.baseUri(), folder.resolve("downloads"), List.of(WebPage.spkiHash(pki.serverChainPem)))) {
            assertTrue(
                    secure.baseUri().toString().startsWith("https://127.0.0.1:"),
                    secure.baseUri().toString());
            assertTrue(page.signInShown());
            page.signIn(WebServers.USER, password);
            assertEquals(List.of("tickers"), page.datasetNames());
            page.otherParameters("rows=200000");
            assertEquals("done", page.fetchAll(), page.status());
            assertTrue(page.progressText().startsWith("200,000 rows"), page.progressText());
        }
    }

    @Test
    void aPageOnAnotherOriginReadsOnlyFromAServerThatAllowsItsOrigin() throws IOException {
        try (ForeignOrigin site = ForeignOrigin.start();
                StandaloneServer allowing =
                        WebServers.plain(WebServers.dataFolder(folder.resolve("cors")), List.of(site.origin()));
                WebPage page = WebPage.open(
                        site.page(
                                allowing.baseUri().resolve("datasets/numbers"),
                                server.baseUri().resolve("datasets/numbers")),
                        folder.resolve("downloads"))) {
            page.waitForDone("refused");
            assertEquals("rows " + WebServers.NUMBER_ROWS, page.text("allowed"));
            assertTrue(page.text("refused").startsWith("error TypeError"), page.text("refused"));
        }
    }

    /** Whether Chromium has finished writing {@code file}: it writes to a .crdownload file first. */
    private static boolean downloaded(Path file) throws IOException {
        try (Stream<Path> entries = Files.list(file.getParent())) {
            return Files.exists(file)
                    && entries.noneMatch(entry -> entry.toString().endsWith(".crdownload"));
        }
    }

    private static HttpURLConnection get(URI uri, String accept) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setInstanceFollowRedirects(false);
        connection.setReadTimeout(10_000);
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        return connection;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
