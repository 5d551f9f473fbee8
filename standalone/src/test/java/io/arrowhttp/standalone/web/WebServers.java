package io.arrowhttp.standalone.web;

import io.arrowhttp.app.AuthSettings;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.standalone.StandaloneServer;
import io.arrowhttp.testing.web.NumbersFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The servers that JavaScript clients and browsers are tested against: real standalone servers on
 * 127.0.0.1, port 0, serving the example dataset and {@code numbers}, a Parquet file DuckDB wrote.
 */
final class WebServers {

    /** Rows of {@code numbers} ({@link NumbersFile}) in the JavaScript client's tests. */
    static final long NUMBER_ROWS = 250_000;

    static final String USER = "analyst";

    private WebServers() {}

    /** A folder holding {@code numbers.parquet} of {@link #NUMBER_ROWS} rows. */
    static Path dataFolder(Path parent) throws IOException {
        return dataFolder(parent, NUMBER_ROWS);
    }

    /** A folder holding {@code numbers.parquet} of {@code rows} rows. */
    static Path dataFolder(Path parent, long rows) throws IOException {
        return NumbersFile.write(parent.resolve("data"), rows);
    }

    /** A server of the data folder, letting pages of {@code corsOrigins} fetch. */
    static StandaloneServer plain(Path data, List<String> corsOrigins) throws IOException {
        return StandaloneServer.start(
                "127.0.0.1",
                0,
                ServerSettings.defaults().withDataDirectory(data).withCorsOrigins(corsOrigins));
    }

    /**
     * A server whose responses may hold less Arrow memory than one batch of the example dataset:
     * the status line and the JSON part go out, then the first batch fails.
     */
    static StandaloneServer broken() throws IOException {
        Map<String, String> settings = Map.of("arrowhttp.response-memory-limit", "100000");
        return StandaloneServer.start("127.0.0.1", 0, ServerSettings.from(settings::get, new Properties(), Map.of()));
    }

    /**
     * A server that takes {@link #USER} with {@code password}. Plain HTTP on loopback, as tests
     * may; a deployment uses HTTPS.
     */
    static StandaloneServer secured(Path parent, String password) throws IOException {
        Path users = parent.resolve("users.properties");
        Files.writeString(users, USER + "=" + PasswordHash.hash(password.toCharArray()) + "\n", StandardCharsets.UTF_8);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return StandaloneServer.start(
                "127.0.0.1",
                0,
                ServerSettings.defaults()
                        .withAuth(new AuthSettings(
                                users, List.of(), Base64.getEncoder().encodeToString(key), true)));
    }
}
