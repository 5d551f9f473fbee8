package io.arrowhttp.source.files;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetStore;
import io.arrowhttp.dataset.Upload;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads stored as Arrow IPC files in one directory, the {@code DatasetStore} the library ships:
 * each upload is one file (a part), and each dataset a manifest, {@code NAME.parts.json}, listing
 * its parts in order with its description and metadata. Its parts are served as one dataset.
 *
 * <p>All or nothing: an upload is written to a temporary file in the directory, forced to the
 * disk (in the background as it is written, see {@link FlushBehind}, and once more at its end),
 * and renamed to its part's name; then a new manifest is written the same way and renamed over
 * the dataset's in one atomic step, after which the directory is forced. Readers see the old
 * manifest or the new, never a part of an upload; an upload that fails, or a server killed while
 * writing, leaves only files no manifest lists, which the next start deletes.
 *
 * <p>{@code PUT} makes a manifest of the upload's part alone and then deletes the old parts;
 * {@code POST} adds the upload's part after the others, so an append writes only the upload, not
 * the dataset again. Every part of a dataset has the dataset's schema.
 *
 * <p>Datasets with dictionary-encoded columns are not taken yet: the upload is refused, naming the
 * column.
 */
public final class ArrowFileStore implements DatasetStore {

    private static final Logger LOG = LoggerFactory.getLogger(ArrowFileStore.class);
    static final String MANIFEST = ".parts.json";
    static final String PART = ".part.arrow";
    private static final String TEMPORARY = ".uploading";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    /** The newest dataset of each name: where a reader goes when its parts were replaced under it. */
    private final Map<String, ArrowPartsDataset> newest = new ConcurrentHashMap<>();

    /**
     * A store in {@code directory}, made when missing. Files left by uploads that did not finish
     * (temporary files, parts no manifest lists) are deleted now.
     *
     * @throws UncheckedIOException when the directory cannot be made or read
     */
    public ArrowFileStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        try {
            Files.createDirectories(this.directory);
            Set<String> listed = new HashSet<>();
            for (Path manifest : list("*" + MANIFEST)) {
                listed.addAll(Manifest.read(manifest).parts());
            }
            for (Path left : list("{.*" + TEMPORARY + ",*" + PART + "}")) {
                if (!listed.contains(left.getFileName().toString())) {
                    LOG.info("Deleting {}, left by an upload that did not finish", left.getFileName());
                    Files.deleteIfExists(left);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot use " + this.directory + " for uploads", e);
        }
    }

    @Override
    public List<Dataset> datasets() {
        List<Dataset> datasets = new ArrayList<>();
        try {
            for (Path file : list("*" + MANIFEST)) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - MANIFEST.length());
                if (ResourcePaths.isDatasetName(name)) {
                    datasets.add(serve(name, Manifest.read(file)));
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
        refuseDictionaries(upload.schema());
        Path manifestFile = directory.resolve(name + MANIFEST);
        Path part = null;
        try {
            Manifest before = Files.exists(manifestFile) ? Manifest.read(manifestFile) : null;
            boolean append = upload.mode() == Upload.Mode.APPEND
                    && before != null
                    && !before.parts().isEmpty();
            if (append) {
                refuseOtherSchema(partSchema(directory.resolve(before.parts().get(0))), upload.schema(), name);
            }
            part = writePart(name, upload);
            List<String> parts = new ArrayList<>(append ? before.parts() : List.of());
            parts.add(part.getFileName().toString());
            Manifest after = new Manifest(
                    parts,
                    described(upload.metadata().description(), before == null ? null : before.description()),
                    described(upload.metadata().metadata(), before == null ? null : before.metadata()));
            replace(manifestFile, ProtocolJson.toBytes(after));
            part = null;
            ArrowPartsDataset written = serve(name, after);
            if (!append && before != null) {
                before.parts().forEach(old -> deleteQuietly(directory.resolve(old)));
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write dataset " + ClientText.quote(name) + " to " + directory, e);
        } finally {
            if (part != null) {
                deleteQuietly(part);
            }
        }
    }

    private ArrowPartsDataset serve(String name, Manifest manifest) {
        DatasetDescription description = new DatasetDescription(
                name,
                manifest.description() == null
                        ? "Arrow IPC files, " + manifest.parts().size() + " part(s)"
                        : manifest.description(),
                manifest.metadata());
        List<Path> parts = manifest.parts().stream().map(directory::resolve).toList();
        ArrowPartsDataset dataset = ArrowPartsDataset.of(description, parts, () -> newest.get(name));
        newest.put(name, dataset);
        return dataset;
    }

    /** The upload's batches as one new part, forced to the disk, under its final name. */
    private Path writePart(String name, Upload upload) throws IOException {
        Path temporary = Files.createTempFile(directory, "." + name + ".", TEMPORARY);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    ArrowFileWriter writer = new ArrowFileWriter(upload.root(), null, channel);
                    FlushBehind flush = new FlushBehind(channel)) {
                writer.start();
                while (upload.loadNextBatch()) {
                    writer.writeBatch();
                    flush.written(channel.position());
                }
                writer.end();
                // Before the writer closes the channel: on the disk before a manifest lists it.
                channel.force(true);
            }
            byte[] id = new byte[8];
            RANDOM.nextBytes(id);
            Path part = directory.resolve(name + "." + HexFormat.of().formatHex(id) + PART);
            Files.move(temporary, part, StandardCopyOption.ATOMIC_MOVE);
            return part;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Writes {@code content} to {@code file} all or nothing: a forced temporary file renamed over it. */
    private void replace(Path file, byte[] content) throws IOException {
        Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", TEMPORARY);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static <T> T described(T given, T kept) {
        return given != null ? given : kept;
    }

    private static Schema partSchema(Path part) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(part, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            return reader.getVectorSchemaRoot().getSchema();
        }
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

    private List<Path> list(String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, glob)) {
            listing.forEach(files::add);
        }
        return files;
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

    /**
     * A dataset's manifest: its parts, in order, and what uploads said of it.
     *
     * @param description null when no upload gave one
     * @param metadata null when no upload gave any
     */
    record Manifest(List<String> parts, String description, Map<String, Object> metadata) {

        Manifest {
            parts = List.copyOf(parts);
        }

        static Manifest read(Path file) throws IOException {
            return ProtocolJson.mapper().readValue(file.toFile(), Manifest.class);
        }
    }
}
