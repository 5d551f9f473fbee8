package io.arrowhttp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Checks at start-up that this JVM lets Arrow write IPC streams. On JDK 17 Arrow needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}; without it, allocation still works and only
 * the first write of a record batch fails, so the check writes one.
 */
public final class ArrowRuntimeCheck {

    /** The JVM option Arrow needs. */
    public static final String REQUIRED_JVM_OPTION = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    private ArrowRuntimeCheck() {
    }

    /** Empty when Arrow works here, else what is wrong and how to fix it. */
    public static Optional<String> problem() {
        try (BufferAllocator allocator = new RootAllocator(1 << 20);
                IntVector vector = new IntVector("check", allocator)) {
            vector.allocateNew(1);
            vector.set(0, 1);
            vector.setValueCount(1);
            try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 1)) {
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, OutputStream.nullOutputStream());
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return Optional.empty();
        } catch (UnsupportedOperationException | IllegalAccessError | ExceptionInInitializerError e) {
            return Optional.of("Arrow cannot write record batches in this JVM (" + e
                    + "). Start the JVM with " + REQUIRED_JVM_OPTION);
        } catch (IOException | RuntimeException e) {
            return Optional.of("Arrow failed its start-up check: " + e);
        }
    }
}
