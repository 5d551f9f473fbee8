package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.arrowhttp.testing.PythonWithPyarrow;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pyarrow as an uploading client: tables with nested, decimal, temporal and null values, written
 * by Arrow C++ with zstd and lz4 buffers, gzip-coded, as multipart with a description, and
 * uploads broken off half-way or sent without their end; each read back and compared value by
 * value by pyarrow. Skipped, saying so, without a Python with pyarrow ({@link PythonWithPyarrow}).
 */
class PyarrowUploadIT {

    @TempDir
    Path work;

    @Test
    void pyarrowUploadsReadBackEqualAndBrokenUploadsChangeNothing() throws Exception {
        PythonWithPyarrow python = PythonWithPyarrow.find("upload_and_compare.py");
        assumeTrue(python != null, "No Python with pyarrow: set ARROWHTTP_PYTHON, or run .ci/run to make one");
        Path catalog = work.resolve("catalog.yaml");
        Files.writeString(catalog, "uploads:\n  directory: uploads\n  writable: true\n");
        Path log = work.resolve("server.log");
        Process server = ServerJarProcess.start(log, "--config", catalog.toString());
        try {
            URI base = ServerJarProcess.awaitListening(server, log);
            List<String> lines = python.run(base.toString());
            assertEquals(
                    List.of(
                            "{\"case\": \"put-zstd\", \"status\": 201, \"rows\": 20000, \"equal\": true}",
                            "{\"case\": \"post-lz4-gzip\", \"status\": 200, \"rows\": 7000, \"equal\": true}",
                            "{\"case\": \"put-multipart\", \"status\": 200, \"description\": \"Written by pyarrow\","
                                    + " \"equal\": true}",
                            "{\"case\": \"aborted\", \"equal\": true}",
                            "{\"case\": \"without-end\", \"status\": 400, \"equal\": true}"),
                    lines);
        } finally {
            ServerJarProcess.stop(server);
        }
    }
}
