package io.arrowhttp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Python with pyarrow (Arrow C++), a client that shares no code with the server: taken from
 * {@code ARROWHTTP_PYTHON}, else from the virtual environment {@code .ci/run} makes in
 * {@code ~/.m2/arrowhttp-pyarrow}.
 */
public final class PythonWithPyarrow {

    private final Path python;
    private final Path script;

    private PythonWithPyarrow(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /**
     * The interpreter, ready to run the test resource {@code /pyarrow/NAME}; null when there is no
     * Python with pyarrow.
     */
    public static PythonWithPyarrow find(String scriptName) throws IOException, InterruptedException {
        Path python = interpreter();
        if (python == null) {
            return null;
        }
        Path work = Files.createDirectories(Path.of("target", "pyarrow-it"));
        Path script = work.resolve(scriptName);
        try (InputStream in = PythonWithPyarrow.class.getResourceAsStream("/pyarrow/" + scriptName)) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return new PythonWithPyarrow(python, script);
    }

    /**
     * As {@link #find}, but a test without Python with pyarrow is skipped, saying so; under CI
     * ({@code CI=true}), where {@code .ci/run} makes the virtual environment, it fails instead.
     */
    public static PythonWithPyarrow require(String scriptName) throws IOException, InterruptedException {
        PythonWithPyarrow python = find(scriptName);
        if (python == null) {
            abortOrFail();
        }
        return python;
    }

    /**
     * The interpreter itself, for scripts that are files of the repository rather than test
     * resources; skipped or failed as {@link #require} when there is no Python with pyarrow.
     */
    public static Path requireInterpreter() throws InterruptedException {
        Path python = interpreter();
        if (python == null) {
            abortOrFail();
        }
        return python;
    }

    private static void abortOrFail() {
        String missing = "No Python with pyarrow: set ARROWHTTP_PYTHON, or run .ci/run to make one";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(missing);
        }
        Assumptions.abort(missing);
    }

    /** Runs the script, at most 120 s; its non-blank output lines, after checking it succeeded. */
    public List<String> run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "pyarrow did not finish in 120 s");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "pyarrow failed:\n" + text);
        return text.lines().filter(line -> !line.isBlank()).toList();
    }

    private static Path interpreter() throws InterruptedException {
        String configured = System.getenv("ARROWHTTP_PYTHON");
        Path candidate = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "arrowhttp-pyarrow", "bin", "python");
        if (!Files.isExecutable(candidate)) {
            return null;
        }
        try {
            Process probe = new ProcessBuilder(candidate.toString(), "-c", "import pyarrow")
                    .redirectErrorStream(true)
                    .start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0 ? candidate : null;
        } catch (IOException notRunnable) {
            return null;
        }
    }
}
