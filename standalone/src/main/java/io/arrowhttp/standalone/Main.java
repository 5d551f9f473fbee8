package io.arrowhttp.standalone;

import io.arrowhttp.app.AuthSettings;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.app.Setting;
import io.arrowhttp.app.example.Warmup;
import io.arrowhttp.protocol.internal.ArrowRuntimeCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar arrowhttp-server.jar}: serves the example dataset until SIGTERM or Ctrl-C;
 * {@code java -jar arrowhttp-server.jar fetch URL}: fetches a dataset, see {@link FetchCommand};
 * {@code java -jar arrowhttp-server.jar upload FILE URL}: uploads a file, see {@link UploadCommand}.
 */
@Command(
        name = "arrowhttp-server",
        mixinStandardHelpOptions = true,
        version = "arrowhttp 0.1.0",
        description = "Serves Arrow record batches over HTTP as multipart/mixed responses. "
                + "With 'fetch URL', fetches one instead; with 'upload FILE URL', uploads a file.")
public final class Main implements Callable<Integer> {

    private static final String SETTINGS_SECTION = "settings";

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8008",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port and prints it).")
    int port;

    @Option(
            names = "--max-rows",
            description = "Largest 'rows' a client may ask of the example dataset (default: 1000000000, "
                    + "or arrowhttp.max-rows).")
    Long maxRows;

    @Option(
            names = "--data",
            description = "Also serve every data file (.arrow, .feather, .arrows, .parquet, .csv, .jsonl, .ndjson)"
                    + " directly in this folder, each as a dataset named after the file (or arrowhttp.data-dir).")
    Path dataDirectory;

    @Option(
            names = "--config",
            description = "Also serve the datasets of this YAML catalog: files, globs and SQL over them "
                    + "(or arrowhttp.config); see docs/catalog.md.")
    Path catalogFile;

    @Option(
            names = "--drivers",
            description = "Load the JDBC drivers in the jars of this folder, for databases other than"
                    + " PostgreSQL (or arrowhttp.drivers); see docs/databases.md.")
    Path driverFolder;

    @Option(names = "--tls-cert", description = "Serve HTTPS with this PEM certificate chain (with --tls-key).")
    Path tlsCertificate;

    @Option(names = "--tls-key", description = "The PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(
            names = "--tls-keystore",
            description = "Serve HTTPS with the key in this PKCS12 keystore; its password in "
                    + "the environment variable ARROWHTTP_TLS_KEYSTORE_PASSWORD.")
    Path tlsKeystore;

    @Option(
            names = "--tls-client-ca",
            description = "Require clients to present a certificate signed by a CA in this PEM file (mutual TLS).")
    Path tlsClientCa;

    @Option(
            names = "--auth-users",
            description = "Require authentication: users and password hashes from this file "
                    + "(lines made by 'hash-password'); needs HTTPS. See also arrowhttp.auth.* settings.")
    Path authUsers;

    @Option(
            names = "--cors-origins",
            split = ",",
            description = "Origins whose browser pages may fetch, such as https://app.example.com (default: none, "
                    + "or arrowhttp.cors-origins).")
    List<String> corsOrigins;

    @Option(
            names = LogSetup.CONFIG_OPTION,
            paramLabel = "FILE",
            description = "Configure logging with this logback.xml (or -Dlogback.configurationFile=FILE);"
                    + " see docs/deployment.md#logging.")
    Path logConfig;

    @Option(
            names = LogSetup.FORMAT_OPTION,
            paramLabel = "text|json",
            description =
                    "The log's format without --log-config: text (default), or json, one JSON object" + " per line.")
    String logFormat;

    public static void main(String[] args) {
        Optional<String> logProblem = LogSetup.configure(args);
        if (logProblem.isPresent()) {
            System.err.println("arrowhttp cannot start: " + logProblem.get());
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line of the jar: the server, its subcommands, and the settings in its help. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.addSubcommand("fetch", new FetchCommand(System.out));
        commandLine.addSubcommand("upload", new UploadCommand(System.out));
        commandLine.addSubcommand("hash-password", new HashPasswordCommand());
        commandLine.getHelpSectionMap().put(SETTINGS_SECTION, help -> settingsHelp());
        List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
        sections.add(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), SETTINGS_SECTION);
        commandLine.setHelpSectionKeys(sections);
        return commandLine;
    }

    /** The help's list of settings, made from {@link Setting}: property, environment variable, option, default. */
    static String settingsHelp() {
        StringBuilder help = new StringBuilder(String.format(
                "%nSettings: each is read from a system property (java -Dname=value -jar ...), else from an"
                        + "%nenvironment variable; an option above, where there is one, wins over both.%n"));
        for (Setting setting : Setting.all()) {
            help.append("  ")
                    .append(setting.property())
                    .append(", ")
                    .append(setting.environmentVariable())
                    .append(setting.option() == null ? "" : ", " + setting.option())
                    .append(" (default: ")
                    .append(setting.defaultValue())
                    .append(')')
                    .append(System.lineSeparator());
            wrap(setting.description(), "      ", 80, help);
        }
        help.append(String.format(
                "  ARROWHTTP_TLS_KEYSTORE_PASSWORD (environment only)%n      The password of --tls-keystore.%n"));
        return help.toString();
    }

    private static void wrap(String text, String indent, int width, StringBuilder out) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                out.append(line).append(System.lineSeparator());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append(System.lineSeparator());
    }

    private TlsOptions tlsOptions() {
        TlsOptions tls = null;
        if (tlsCertificate != null || tlsKey != null) {
            if (tlsCertificate == null || tlsKey == null || tlsKeystore != null) {
                throw new IllegalArgumentException("HTTPS takes --tls-cert with --tls-key, or --tls-keystore alone");
            }
            tls = TlsOptions.pem(tlsCertificate, tlsKey);
        } else if (tlsKeystore != null) {
            String password = System.getenv("ARROWHTTP_TLS_KEYSTORE_PASSWORD");
            tls = TlsOptions.pkcs12(tlsKeystore, password == null ? new char[0] : password.toCharArray());
        }
        if (tlsClientCa != null) {
            if (tls == null) {
                throw new IllegalArgumentException(
                        "--tls-client-ca needs HTTPS: give --tls-cert and --tls-key, or --tls-keystore");
            }
            tls = tls.requireClientCertificates(tlsClientCa);
        }
        return tls;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<String> arrowProblem = ArrowRuntimeCheck.problem();
        if (arrowProblem.isPresent()) {
            System.err.println("arrowhttp cannot start: " + arrowProblem.get()
                    + " (java -jar arrowhttp-server.jar sets it for you)");
            return 2;
        }
        ServerSettings settings;
        try {
            settings = ServerSettings.fromSystem();
            if (maxRows != null) {
                settings = settings.withMaxRows(maxRows);
            }
            if (dataDirectory != null) {
                settings = settings.withDataDirectory(dataDirectory);
            }
            if (catalogFile != null) {
                settings = settings.withCatalogFile(catalogFile);
            }
            if (corsOrigins != null) {
                settings = settings.withCorsOrigins(corsOrigins);
            }
            if (authUsers != null) {
                AuthSettings auth = settings.auth();
                settings = settings.withAuth(
                        new AuthSettings(authUsers, auth.apiTokens(), auth.tokenKey(), auth.allowInsecureHttp()));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("arrowhttp cannot start: " + e.getMessage());
            return 2;
        }
        Path drivers = driverFolder != null
                ? driverFolder
                : Optional.ofNullable(Setting.DRIVERS.fromSystem())
                        .filter(folder -> !folder.isBlank())
                        .map(folder -> Path.of(folder.trim()))
                        .orElse(null);
        if (drivers != null) {
            try {
                LoggerFactory.getLogger(Main.class)
                        .info("JDBC drivers from {}: {}", drivers, String.join(", ", DriverFolder.register(drivers)));
            } catch (IllegalArgumentException | IOException e) {
                System.err.println("arrowhttp cannot start: " + e.getMessage());
                return 2;
            }
        }
        long warmUpRows;
        try {
            String rows = Optional.ofNullable(Setting.WARM_UP_ROWS.fromSystem())
                    .map(String::strip)
                    .orElse(Setting.WARM_UP_ROWS.defaultValue());
            warmUpRows = Long.parseLong(rows);
            if (warmUpRows < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.err.println("arrowhttp cannot start: " + Setting.WARM_UP_ROWS.property()
                    + " must be a whole number of rows, 0 or more; got '" + Setting.WARM_UP_ROWS.fromSystem() + "'");
            return 2;
        }
        TlsOptions tls;
        try {
            tls = tlsOptions();
        } catch (IllegalArgumentException e) {
            System.err.println("arrowhttp cannot start: " + e.getMessage());
            return 2;
        }
        StandaloneServer server;
        try {
            server = StandaloneServer.start(host, port, settings, tls);
        } catch (IllegalStateException | IllegalArgumentException refused) {
            System.err.println("arrowhttp cannot start: " + refused.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("arrowhttp cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            System.out.println("arrowhttp stopped");
                            stopped.countDown();
                        },
                        "arrowhttp-shutdown"));
        System.out.println(
                "arrowhttp listening on " + server.baseUri() + " (catalog: " + server.baseUri() + "datasets)");
        Warmup.start(warmUpRows);
        stopped.await();
        return 0;
    }
}
