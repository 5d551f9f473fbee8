package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.app.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --help} names every setting the server reads, with its environment variable, and the
 * README's configuration table lists them: so that a setting cannot exist only in the code.
 */
class HelpListsEverySettingTest {

    /** Settings the standalone server reads itself, beside those of {@link ServerSettings}. */
    private static final Set<String> STANDALONE_ONLY =
            Set.of(Setting.DRIVERS.property(), Setting.WARM_UP_ROWS.property());

    @Test
    void settingsAreExactlyThoseTheServerLooksUp() {
        Set<String> listed =
                Setting.all().stream().map(Setting::property).collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>(propertiesServerSettingsReads());
        expected.addAll(STANDALONE_ONLY);
        assertEquals(expected, listed);
    }

    @Test
    void environmentVariablesAreThoseTheServerLooksUp() {
        Set<String> asked = new TreeSet<>();
        ServerSettings.from(name -> null, new Properties(), new HashMap<>() {
            @Override
            public String get(Object key) {
                asked.add((String) key);
                return null;
            }
        });
        Set<String> listed = Setting.all().stream()
                .filter(setting -> !STANDALONE_ONLY.contains(setting.property()))
                .map(Setting::environmentVariable)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(asked, listed);
    }

    @Test
    void helpNamesEverySettingWithItsEnvironmentVariableAndDefault() {
        String help = help();
        Set<String> read = new TreeSet<>(propertiesServerSettingsReads());
        read.addAll(STANDALONE_ONLY);
        for (String property : read) {
            assertTrue(help.contains("  " + property + ", "), property + " is missing from --help:\n" + help);
        }
        for (Setting setting : Setting.all()) {
            String line = "  " + setting.property() + ", " + setting.environmentVariable()
                    + (setting.option() == null ? "" : ", " + setting.option()) + " (default: "
                    + setting.defaultValue() + ")";
            assertTrue(help.contains(line), "--help lacks the line '" + line + "':\n" + help);
        }
        assertTrue(help.contains("ARROWHTTP_TLS_KEYSTORE_PASSWORD"), help);
    }

    @Test
    void everyOptionNamedBySettingExists() {
        CommandLine.Model.CommandSpec spec = Main.commandLine().getCommandSpec();
        for (Setting setting : Setting.all()) {
            if (setting.option() != null) {
                assertNotNull(spec.findOption(setting.option()), setting + " names a missing option");
            }
        }
    }

    @Test
    void readmeConfigurationTableListsEverySetting() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        for (Setting setting : Setting.all()) {
            String row = "| `" + setting.property() + "` | `" + setting.environmentVariable() + "` |";
            assertTrue(
                    readme.stream().anyMatch(line -> line.startsWith(row)),
                    "README.md's configuration table has no row starting " + row);
        }
    }

    private static Set<String> propertiesServerSettingsReads() {
        Set<String> read = new TreeSet<>();
        ServerSettings.from(
                name -> {
                    read.add(name);
                    return null;
                },
                new Properties(),
                new HashMap<>());
        return read;
    }

    private static String help() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute("--help"));
        return out.toString();
    }
}
