package io.arrowhttp.protocol.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Checks that this JVM lets Arrow write and read IPC streams. On JDK 17 Arrow needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}; without it, allocation still works and only
 * the first record batch written or read fails, half way through a response. So the server's
 * feature and the client run this check before their first use of Arrow, and refuse with the fix.
 */
public final class ArrowRuntimeCheck {

    /** The JVM option Arrow needs. */
    public static final String REQUIRED_JVM_OPTION = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    private ArrowRuntimeCheck() {}

    private static volatile boolean passed;

    /**
     * Throws unless Arrow works in this JVM; the check runs until it has passed once.
     *
     * @throws IllegalStateException saying which JVM option to add
     */
    public static void require() {
        if (passed) {
            return;
        }
        Optional<String> problem = problem();
        if (problem.isPresent()) {
            throw new IllegalStateException(problem.get());
        }
        passed = true;
    }

    /** Empty when Arrow works here, else what is wrong and how to fix it. */
    public static Optional<String> problem() {
        try (BufferAllocator allocator = new RootAllocator(1 << 20);
                IntVector vector = new IntVector("check", allocator)) {
            vector.allocateNew(1);
            vector.set(0, 1);
            vector.setValueCount(1);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 1)) {
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, bytes);
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            try (ArrowStreamReader reader =
                    new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
                reader.loadNextBatch();
            }
            return Optional.empty();
        } catch (UnsupportedOperationException | IllegalAccessError | ExceptionInInitializerError e) {
            return Optional.of("Arrow cannot write or read record batches in this JVM (" + e + "). Start the JVM with "
                    + REQUIRED_JVM_OPTION);
        } catch (IOException | RuntimeException e) {
            return Optional.of("Arrow failed its start-up check: " + e);
        }
    }
}
