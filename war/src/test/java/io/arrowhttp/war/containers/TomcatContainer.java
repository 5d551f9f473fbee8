package io.arrowhttp.war.containers;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Tomcat 10.1 from the Maven Central zip, in its own CATALINA_BASE: the war deployed through a
 * context file in {@code conf/Catalina/localhost} ({@code ROOT.xml} for {@code /}), with optional
 * context parameters, the HTTP connector on 127.0.0.1 and a port Tomcat picks, no shutdown port.
 *
 * <p>Tomcat is started the way {@code bin/catalina.sh} does, with its JDK 17 options, plus the
 * Arrow option a user puts in {@code bin/setenv.sh} when {@code arrowOption} is set. The zip from
 * Maven Central loses the scripts' exec bits, so the JVM is started directly.
 */
public final class TomcatContainer extends ServletContainer {

    private static final Pattern PORT =
            Pattern.compile("Starting ProtocolHandler \\[\"http-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"\\]");

    private final Path home;
    private final Path base;
    private final String contextPath;
    private final Map<String, String> contextParameters;
    private final boolean arrowOption;
    private final String managerPassword;
    private final Map<String, Map<String, String>> extraContexts = new LinkedHashMap<>();

    /**
     * @param base an empty folder for this instance's configuration, logs and work files
     * @param managerPassword when not null, the manager application is deployed with a
     *     {@code manager-script} user {@code arrowhttp} of that password
     */
    public TomcatContainer(
            Path base, Map<String, String> contextParameters, boolean arrowOption, String managerPassword) {
        this(base, "", contextParameters, arrowOption, managerPassword);
    }

    /** @param contextPath where the war is deployed: {@code ""} for the root, or like {@code /arrow} */
    public TomcatContainer(
            Path base,
            String contextPath,
            Map<String, String> contextParameters,
            boolean arrowOption,
            String managerPassword) {
        super("Tomcat", base.toAbsolutePath().resolve("logs").resolve("console.log"));
        this.home = requiredPath("tomcat.home");
        this.base = base.toAbsolutePath();
        this.contextPath = contextPath;
        this.contextParameters = contextParameters;
        this.arrowOption = arrowOption;
        this.managerPassword = managerPassword;
    }

    /** Deploys the war a second time, at {@code contextPath}, with its own context parameters. */
    public TomcatContainer alsoDeploy(String contextPath, Map<String, String> parameters) {
        extraContexts.put(contextPath, parameters);
        return this;
    }

    @Override
    protected ProcessBuilder command() throws IOException {
        writeBase();
        List<String> command = new ArrayList<>(List.of(
                java(),
                "-Xmx256m",
                // Clear soft references at every collection, so that Tomcat's findleaks (a full
                // GC, then a look for class loaders of stopped applications) sees only what is
                // strongly held: softly held caches would be freed before the heap ran out anyway.
                "-XX:SoftRefLRUPolicyMSPerMB=0",
                "-Dcatalina.home=" + home,
                "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED"));
        if (arrowOption) {
            command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        }
        command.addAll(List.of(
                "-cp",
                home.resolve("bin/bootstrap.jar") + File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap",
                "start"));
        return new ProcessBuilder(command).directory(base.toFile());
    }

    @Override
    protected URI findBaseUri(String logText) {
        Matcher matcher = PORT.matcher(logText);
        return matcher.find() ? URI.create("http://127.0.0.1:" + matcher.group(1) + contextPath + "/") : null;
    }

    /** Where the manager application answers. */
    public URI managerUri() {
        return baseUri().resolve("/manager/text/");
    }

    private void writeBase() throws IOException {
        for (String folder : List.of("conf/Catalina/localhost", "webapps", "logs", "temp", "work", "apps")) {
            Files.createDirectories(base.resolve(folder));
        }
        for (String file : List.of("web.xml", "logging.properties", "catalina.properties", "context.xml")) {
            Files.copy(
                    home.resolve("conf").resolve(file),
                    base.resolve("conf").resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Path war = base.resolve("apps/arrowhttp.war");
        Files.copy(war(), war, StandardCopyOption.REPLACE_EXISTING);
        writeContext(war, contextPath, contextParameters);
        for (Map.Entry<String, Map<String, String>> extra : extraContexts.entrySet()) {
            writeContext(war, extra.getKey(), extra.getValue());
        }

        String realm = "";
        String users = "";
        if (managerPassword != null) {
            copyTree(home.resolve("webapps/manager"), base.resolve("webapps/manager"));
            realm =
                    "      <Realm className=\"org.apache.catalina.realm.UserDatabaseRealm\" resourceName=\"UserDatabase\"/>\n";
            users = "  <GlobalNamingResources>\n"
                    + "    <Resource name=\"UserDatabase\" auth=\"Container\" type=\"org.apache.catalina.UserDatabase\""
                    + " factory=\"org.apache.catalina.users.MemoryUserDatabaseFactory\" pathname=\"conf/tomcat-users.xml\"/>\n"
                    + "  </GlobalNamingResources>\n";
            Files.writeString(
                    base.resolve("conf/tomcat-users.xml"),
                    "<tomcat-users>\n  <role rolename=\"manager-script\"/>\n  <user username=\"arrowhttp\" password=\""
                            + managerPassword + "\" roles=\"manager-script\"/>\n</tomcat-users>\n");
        }
        Files.writeString(
                base.resolve("conf/server.xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<Server port=\"-1\" shutdown=\"SHUTDOWN\">\n"
                        + "  <Listener className=\"org.apache.catalina.core.JreMemoryLeakPreventionListener\"/>\n"
                        + "  <Listener className=\"org.apache.catalina.mbeans.GlobalResourcesLifecycleListener\"/>\n"
                        + "  <Listener className=\"org.apache.catalina.core.ThreadLocalLeakPreventionListener\"/>\n"
                        + users
                        + "  <Service name=\"Catalina\">\n"
                        + "    <Connector address=\"127.0.0.1\" port=\"0\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\"/>\n"
                        + "    <Engine name=\"Catalina\" defaultHost=\"localhost\">\n"
                        + realm
                        + "      <Host name=\"localhost\" appBase=\"webapps\" unpackWARs=\"true\" autoDeploy=\"false\"/>\n"
                        + "    </Engine>\n"
                        + "  </Service>\n"
                        + "</Server>\n");
    }

    private void writeContext(Path war, String path, Map<String, String> parameters) throws IOException {
        StringBuilder context = new StringBuilder("<Context docBase=\"" + war + "\">\n");
        parameters.forEach((name, value) -> context.append("  <Parameter name=\"")
                .append(name)
                .append("\" value=\"")
                .append(value)
                .append("\" override=\"false\"/>\n"));
        context.append("</Context>\n");
        String file = path.isEmpty() ? "ROOT" : path.substring(1).replace('/', '#');
        Files.writeString(base.resolve("conf/Catalina/localhost/" + file + ".xml"), context);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
