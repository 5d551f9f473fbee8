package io.arrowhttp.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.junit.jupiter.api.Test;

/** Text where an Arrow stream should be is refused before Arrow's reader allocates what it announces. */
class BoundedReadChannelTest {

    @Test
    void aBodyOfTextIsRefusedWithoutAllocatingWhatItAnnounces() {
        // "<!DO" read as a little-endian length announces about 1.3 GB of metadata.
        byte[] page = "<!DOCTYPE html><html>...</html>".getBytes(StandardCharsets.US_ASCII);
        try (BufferAllocator allocator = new RootAllocator()) {
            IOException refused = assertThrows(IOException.class, () -> {
                try (ArrowStreamReader reader = new ArrowStreamReader(
                        new MessageChannelReader(
                                new BoundedReadChannel(Channels.newChannel(new ByteArrayInputStream(page))), allocator),
                        allocator)) {
                    reader.getVectorSchemaRoot();
                }
            });
            assertTrue(
                    refused.getMessage().contains("bytes of metadata, more than the 16777216"), refused.getMessage());
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }
}
