package io.arrowhttp.source.duckdb.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema a Parquet file stores in its key-value metadata under {@code ARROW:schema}
 * (written by pyarrow, Arrow C++ and arrow-rs: a base64 Arrow IPC schema message), as read by
 * DuckDB's {@code parquet_kv_metadata}.
 */
public final class StoredArrowSchema {

    /** The key-value metadata key of the stored schema. */
    public static final String KEY = "ARROW:schema";

    private StoredArrowSchema() {}

    /**
     * The schema every file of {@code pathOrGlob} stores, in message format (dictionary-encoded
     * fields have their value type); empty when a file stores none or files store different ones.
     *
     * @throws SQLException when DuckDB cannot read the files' metadata
     * @throws IOException when the stored schema is not an Arrow IPC schema message
     */
    public static Optional<Schema> read(Connection connection, String pathOrGlob) throws SQLException, IOException {
        Set<String> files = new HashSet<>();
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT file FROM glob(" + SqlText.literal(pathOrGlob) + ")");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                files.add(result.getString(1));
            }
        }
        Set<String> schemas = new HashSet<>();
        Set<String> withSchema = new HashSet<>();
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT file_name, value FROM parquet_kv_metadata("
                                + SqlText.literal(pathOrGlob) + ") WHERE decode(key) = " + SqlText.literal(KEY));
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                withSchema.add(result.getString(1));
                schemas.add(new String(result.getBytes(2), StandardCharsets.US_ASCII));
            }
        }
        if (schemas.size() != 1 || !withSchema.containsAll(files)) {
            return Optional.empty();
        }
        return Optional.of(decode(schemas.iterator().next()));
    }

    /** The schema of a base64 Arrow IPC schema message, in message format. */
    public static Schema decode(String base64) throws IOException {
        byte[] message;
        try {
            message = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("The stored Arrow schema is not base64: " + e.getMessage(), e);
        }
        try (ReadChannel channel = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(message)))) {
            return MessageSerializer.deserializeSchema(channel);
        } catch (RuntimeException e) {
            throw new IOException("The stored Arrow schema is not an Arrow IPC schema message: " + e, e);
        }
    }
}
