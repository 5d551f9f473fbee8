package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar arrowhttp-server.jar --config FILE} with a mistake in the catalog. */
class ServerJarCatalogIT {

    @TempDir
    Path folder;

    @Test
    void aCatalogWithAMistakeStopsTheJarBeforeItListensNamingTheFileAndLine() throws IOException, InterruptedException {
        Path catalog = Files.writeString(
                folder.resolve("catalog.yaml"),
                "datasets:\n  - name: trades\n    file: trades.parquet\n    colour: red\n",
                StandardCharsets.UTF_8);
        Path log = folder.resolve("jar.log");
        Process jar = ServerJarProcess.start(log, "--config", catalog.toString());
        assertTrue(jar.waitFor(60, TimeUnit.SECONDS), "the jar must stop by itself");
        String output = Files.readString(log);
        assertEquals(2, jar.exitValue(), output);
        assertTrue(
                output.contains(
                        "arrowhttp cannot start: " + catalog + ":4: unknown key 'colour' in a dataset; "
                                + "the keys are: batch_rows, cache, description, file, jdbc, metadata, name, parameters, partition, sql"),
                output);
        assertFalse(output.contains("listening"), output);
    }
}
