package io.arrowhttp.source.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetStore;
import io.arrowhttp.dataset.SharedBuffers;
import io.arrowhttp.dataset.Upload;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.protocol.UploadMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads stored as Arrow IPC files in one directory: dataset {@code name} is the file
 * {@code name.arrow}. The {@link DatasetStore} the library ships.
 *
 * <p>All or nothing: an upload is written to a temporary file in the same directory, forced to
 * the disk (in the background as it is written, see {@link FlushBehind}, and once more at its
 * end), and then renamed over the dataset's file in one atomic step, after which the directory
 * is forced too. Readers see the old content or the new, never a part; an upload that fails, or a
 * server killed while writing, leaves only a temporary file, which the next start deletes. An
 * append writes the dataset's batches and then the upload's into the new file.
 *
 * <p>The description and metadata of an upload's JSON part are kept in the file's footer (custom
 * metadata {@value #DESCRIPTION_KEY} and {@value #METADATA_KEY}), so the dataset keeps them
 * across restarts and later uploads that give none.
 *
 * <p>Datasets with dictionary-encoded columns are not taken yet: the upload is refused, naming the
 * column.
 */
public final class ArrowFileStore implements DatasetStore {

    private static final Logger LOG = LoggerFactory.getLogger(ArrowFileStore.class);
    private static final String EXTENSION = ".arrow";
    private static final String TEMPORARY = ".uploading";
    /** Footer keys of a stored file: what the uploads' JSON parts said of the dataset. */
    static final String DESCRIPTION_KEY = "arrowhttp.description";

    static final String METADATA_KEY = "arrowhttp.metadata";

    private final Path directory;

    /**
     * A store in {@code directory}, made when missing. Temporary files left by uploads that did not
     * finish are deleted now.
     *
     * @throws UncheckedIOException when the directory cannot be made or read
     */
    public ArrowFileStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        try {
            Files.createDirectories(this.directory);
            try (DirectoryStream<Path> left = Files.newDirectoryStream(this.directory, ".*" + TEMPORARY)) {
                for (Path file : left) {
                    LOG.info("Deleting {}, left by an upload that did not finish", file.getFileName());
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot use " + this.directory + " for uploads", e);
        }
    }

    @Override
    public List<Dataset> datasets() {
        List<Dataset> datasets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + EXTENSION)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - EXTENSION.length());
                if (ResourcePaths.isDatasetName(name)) {
                    datasets.add(ArrowFileDataset.of(describe(name, file, storedFooter(file)), file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
        return datasets;
    }

    @Override
    public boolean accepts(String name) {
        return ResourcePaths.isDatasetName(name);
    }

    @Override
    public Dataset write(Upload upload, Dataset current) {
        String name = upload.datasetName();
        Schema schema = upload.schema();
        refuseDictionaries(schema);
        Path target = directory.resolve(name + EXTENSION);
        Path temporary = null;
        try {
            Map<String, String> footer = footer(upload.metadata(), storedFooter(target));
            temporary = Files.createTempFile(directory, "." + name + ".", TEMPORARY);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                if (upload.mode() == Upload.Mode.APPEND && Files.exists(target)) {
                    writeAppended(target, upload, channel, footer);
                } else {
                    writeUpload(upload, channel, footer);
                }
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            forceDirectory();
            return ArrowFileDataset.of(describe(name, target, footer), target);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write dataset " + ClientText.quote(name) + " to " + directory, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    /** The upload's batches, as they come, one at a time. */
    private static void writeUpload(Upload upload, FileChannel channel, Map<String, String> footer) throws IOException {
        try (ArrowFileWriter writer = new ArrowFileWriter(upload.root(), null, channel, footer);
                FlushBehind flush = new FlushBehind(channel)) {
            writer.start();
            while (upload.loadNextBatch()) {
                writer.writeBatch();
                flush.written(channel.position());
            }
            writer.end();
            // Before the writer closes the channel: on the disk before the rename makes it the dataset.
            channel.force(true);
        }
    }

    /** The dataset's batches, then the upload's, through one root that shares each batch's buffers. */
    private static void writeAppended(Path existing, Upload upload, FileChannel channel, Map<String, String> footer)
            throws IOException {
        BufferAllocator allocator = upload.allocator();
        try (FileChannel stored = FileChannel.open(existing, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(stored, allocator);
                VectorSchemaRoot staging = VectorSchemaRoot.create(upload.schema(), allocator)) {
            refuseOtherSchema(reader.getVectorSchemaRoot().getSchema(), upload.schema(), upload.datasetName());
            try (ArrowFileWriter writer = new ArrowFileWriter(staging, null, channel, footer);
                    FlushBehind flush = new FlushBehind(channel)) {
                writer.start();
                while (reader.loadNextBatch()) {
                    SharedBuffers.share(reader.getVectorSchemaRoot(), staging);
                    writer.writeBatch();
                    flush.written(channel.position());
                }
                while (upload.loadNextBatch()) {
                    SharedBuffers.share(upload.root(), staging);
                    writer.writeBatch();
                    flush.written(channel.position());
                }
                writer.end();
                channel.force(true);
            }
        }
    }

    /** The footer of the file written now: what the upload says, and what the dataset had for the rest. */
    private static Map<String, String> footer(UploadMetadata given, Map<String, String> stored) {
        Map<String, String> footer = new LinkedHashMap<>(stored);
        if (given.description() != null) {
            footer.put(DESCRIPTION_KEY, given.description());
        }
        if (given.metadata() != null) {
            footer.put(METADATA_KEY, new String(ProtocolJson.toBytes(given.metadata()), StandardCharsets.UTF_8));
        }
        return footer;
    }

    /** The custom metadata of {@code file}'s footer; empty when there is no file yet. */
    private static Map<String, String> storedFooter(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try (BufferAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            // The reader reads its footer with the schema, and answers no metadata before.
            reader.getVectorSchemaRoot();
            Map<String, String> footer = reader.getMetaData();
            return footer == null ? Map.of() : footer;
        }
    }

    /** How the catalog describes dataset {@code name}: what its uploads said, else its file's name. */
    private static DatasetDescription describe(String name, Path file, Map<String, String> footer) {
        String description = footer.getOrDefault(DESCRIPTION_KEY, "Arrow IPC file " + file.getFileName());
        Map<String, Object> metadata = Map.of();
        String json = footer.get(METADATA_KEY);
        if (json != null) {
            try {
                metadata = ProtocolJson.mapper().readValue(json, new TypeReference<Map<String, Object>>() {});
            } catch (JsonProcessingException e) {
                LOG.warn("The stored metadata of dataset {} is not JSON; it is left out", name);
            }
        }
        return new DatasetDescription(name, description, metadata);
    }

    private static void refuseOtherSchema(Schema stored, Schema uploaded, String name) {
        if (stored.getFields().equals(uploaded.getFields())) {
            return;
        }
        List<String> differences = new ArrayList<>();
        int count = Math.max(stored.getFields().size(), uploaded.getFields().size());
        for (int i = 0; i < count; i++) {
            Field expected = i < stored.getFields().size() ? stored.getFields().get(i) : null;
            Field given = i < uploaded.getFields().size() ? uploaded.getFields().get(i) : null;
            if (!Objects.equals(expected, given)) {
                differences.add("column " + (i + 1) + ": the dataset has " + describe(expected) + ", the upload "
                        + describe(given));
            }
        }
        throw ArrowHttpException.invalidArgument("The upload's schema differs from dataset "
                + ClientText.quote(name) + "'s, so it cannot be appended: " + String.join("; ", differences)
                + ". Nothing was written.");
    }

    private static String describe(Field field) {
        if (field == null) {
            return "no column";
        }
        return ClientText.quote(field.getName()) + " " + field.getType() + (field.isNullable() ? "" : " not null");
    }

    private static void refuseDictionaries(Schema schema) {
        for (Field field : schema.getFields()) {
            if (field.getDictionary() != null) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(field.getName())
                        + " is dictionary-encoded, which this server does not store yet; upload it decoded");
            }
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.toString());
        }
    }
}
