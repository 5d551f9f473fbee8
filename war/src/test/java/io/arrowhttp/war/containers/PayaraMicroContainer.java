package io.arrowhttp.war.containers;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Payara Micro 6 from Maven Central, started with {@code java -jar} and the war at context root
 * {@code /}. It listens on 127.0.0.1 only: {@code --nohazelcast} keeps it from opening cluster
 * ports on every interface, and a pre-boot command binds the HTTP listener to loopback.
 */
public final class PayaraMicroContainer extends ServletContainer {

    private final Path work;
    private final Map<String, String> environment;
    private final int port;

    /**
     * @param work an empty folder for this instance's files and log
     * @param environment added to the container's environment (the application's settings)
     */
    public PayaraMicroContainer(Path work, Map<String, String> environment) {
        super("Payara Micro", work.toAbsolutePath().resolve("payara-micro.log"));
        this.work = work.toAbsolutePath();
        this.environment = environment;
        this.port = freePort();
    }

    @Override
    protected ProcessBuilder command() throws IOException {
        Files.createDirectories(work);
        Path preBoot = work.resolve("pre-boot-commands.txt");
        Files.writeString(
                preBoot,
                "set configs.config.server-config.network-config.network-listeners"
                        + ".network-listener.http-listener.address=127.0.0.1\n");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        java(),
                        "-Xmx512m",
                        "-jar",
                        requiredPath("payara.micro.jar").toString(),
                        "--deploy",
                        war().toString(),
                        "--contextroot",
                        "/",
                        "--port",
                        Integer.toString(port),
                        "--nohazelcast",
                        "--prebootcommandfile",
                        preBoot.toString(),
                        "--rootdir",
                        work.resolve("runtime").toString()))
                .directory(work.toFile());
        builder.environment().putAll(environment);
        return builder;
    }

    @Override
    protected URI findBaseUri(String logText) {
        return logText.contains("ready in") ? URI.create("http://127.0.0.1:" + port + "/") : null;
    }
}
