package io.arrowhttp.source.files;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetStore;
import io.arrowhttp.dataset.Upload;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.protocol.UploadMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
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
 * <p>{@code DELETE} removes the manifest in one step, forces the directory, then deletes the
 * parts: a server killed in between leaves parts no manifest lists, which the next start deletes.
 *
 * <h2>Limits</h2>
 * What the store keeps is bounded ({@link Limits}): the description and metadata of a dataset,
 * the number of datasets in all and of each writer, the bytes on disk of a dataset and of them
 * all, and the free space the file system keeps. An upload past one is refused before it is
 * written, or as soon as a batch would pass it, with nothing written. Every manifest is read once,
 * at start, and no larger than {@link #MAX_MANIFEST_BYTES}: a manifest that cannot be read, or
 * holds more than the limits allow, is skipped with one log line, left in place for an operator,
 * and the other datasets are served.
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

    /**
     * The most bytes of a manifest: larger ones are skipped at start, and an upload that would
     * write one is refused. Room for a description and metadata at their largest and some
     * hundred thousand parts.
     */
    public static final long MAX_MANIFEST_BYTES = 16L << 20;

    /**
     * What a store keeps, at most and at least. Beyond the size of a description or metadata, or
     * of one dataset, an upload is refused with {@code 413}; beyond the number of datasets, the
     * bytes of them all, or below the free space, with {@code 507 Insufficient Storage}.
     *
     * @param maxDescriptionBytes the most bytes (UTF-8) of a dataset's description, from 1 to
     *     {@link UploadMetadata#MAX_BYTES}
     * @param maxMetadataBytes the most bytes of a dataset's metadata, as compact JSON, from 1 to
     *     {@link UploadMetadata#MAX_BYTES}
     * @param maxSchemaBytes the most bytes of a dataset's schema in Arrow's JSON form, as the
     *     catalog shows it ({@code Schema.toJson()}): its columns' names, types and metadata
     * @param maxDatasets the most datasets the store holds
     * @param maxDatasetsPerWriter the most datasets one writer may make (those the same identity
     *     created; without authentication, every caller is the same writer)
     * @param maxDatasetBytes the most bytes on disk of one dataset: its parts and manifest
     * @param maxTotalBytes the most bytes on disk of every dataset together, with the uploads
     *     being written; an upload that replaces a dataset counts without the parts it replaces
     * @param minFreeBytes the usable bytes the directory's file system keeps free; 0 for no check
     */
    public record Limits(
            long maxDescriptionBytes,
            long maxMetadataBytes,
            long maxSchemaBytes,
            int maxDatasets,
            int maxDatasetsPerWriter,
            long maxDatasetBytes,
            long maxTotalBytes,
            long minFreeBytes) {

        /**
         * Safe for a server anyone may write to: 1 KiB of description, 8 KiB of metadata and
         * 64 KiB of schema (some 500 columns) per dataset, 1000 datasets and 100 per writer,
         * 10 GiB per dataset and 100 GiB in all, and 1 GiB of the disk kept free. The catalog
         * of 100 datasets at their largest, as many as one anonymous writer can make, is under
         * 8 MB of JSON; of 1000, under 80 MB.
         */
        public static final Limits DEFAULTS =
                new Limits(1L << 10, 8L << 10, 64L << 10, 1000, 100, 10L << 30, 100L << 30, 1L << 30);

        public Limits {
            if (maxDescriptionBytes < 1
                    || maxDescriptionBytes > UploadMetadata.MAX_BYTES
                    || maxMetadataBytes < 1
                    || maxMetadataBytes > UploadMetadata.MAX_BYTES) {
                throw new IllegalArgumentException("The most bytes of a description and of metadata are from 1 to "
                        + UploadMetadata.MAX_BYTES + "; got " + maxDescriptionBytes + " and " + maxMetadataBytes);
            }
            if (maxSchemaBytes < 1
                    || maxDatasets < 1
                    || maxDatasetsPerWriter < 1
                    || maxDatasetBytes < 1
                    || maxTotalBytes < 1) {
                throw new IllegalArgumentException("Store limits must be positive: " + maxSchemaBytes
                        + " bytes of schema, " + maxDatasets + " datasets, "
                        + maxDatasetsPerWriter + " per writer, " + maxDatasetBytes + " bytes per dataset, "
                        + maxTotalBytes + " bytes in all");
            }
            if (minFreeBytes < 0) {
                throw new IllegalArgumentException("The free space to keep cannot be negative: " + minFreeBytes);
            }
        }
    }

    private final Path directory;
    private final Limits limits;
    private final FileStore disk;
    /** The newest dataset of each name: where a reader goes when its parts were replaced under it. */
    private final Map<String, ArrowPartsDataset> newest = new ConcurrentHashMap<>();
    /** What each dataset holds on disk, and who made it; changed under {@link #counts} only. */
    private final Map<String, Stored> stored = new ConcurrentHashMap<>();
    /** The datasets uploads are making now, with their writers, counted with the stored ones. */
    private final Map<String, Optional<String>> making = new HashMap<>();

    private final Object counts = new Object();
    /** The bytes of the parts being written now. */
    private final AtomicLong writing = new AtomicLong();

    /**
     * A store in {@code directory}, made when missing, with the {@linkplain Limits#DEFAULTS
     * default limits}. See {@link #ArrowFileStore(Path, Limits)}.
     */
    public ArrowFileStore(Path directory) {
        this(directory, Limits.DEFAULTS);
    }

    /**
     * A store in {@code directory}, made when missing. Its manifests are read now: one that
     * cannot be read, lists a part that cannot be, or holds more than {@code limits} allow is
     * skipped with a log line and left as it is, with its parts. Files left by uploads that did
     * not finish (temporary files, parts no manifest lists) are deleted now.
     *
     * @throws UncheckedIOException when the directory cannot be made or listed
     */
    public ArrowFileStore(Path directory, Limits limits) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        this.limits = Objects.requireNonNull(limits, "limits");
        try {
            Files.createDirectories(this.directory);
            this.disk = Files.getFileStore(this.directory);
            Set<String> listed = new HashSet<>();
            List<String> skipped = new ArrayList<>();
            for (Path file : list("*" + MANIFEST)) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - MANIFEST.length());
                try {
                    Manifest manifest = load(name, file);
                    Stored kept = new Stored(partBytes(manifest), Files.size(file), manifest.writer());
                    ArrowPartsDataset dataset = serve(name, manifest);
                    long schemaBytes = schemaBytes(dataset.schema());
                    if (schemaBytes > limits.maxSchemaBytes()) {
                        newest.remove(name);
                        throw new IllegalArgumentException("its schema is " + schemaBytes + " bytes of JSON, more than"
                                + " the " + limits.maxSchemaBytes() + " a dataset's may be");
                    }
                    stored.put(name, kept);
                    listed.addAll(manifest.parts());
                } catch (IOException | RuntimeException e) {
                    LOG.warn(
                            "Not serving uploaded dataset {}: {} {}; the file and its parts stay for an operator to"
                                    + " repair or delete",
                            ClientText.quote(name),
                            fileName,
                            reason(e));
                    skipped.add(name + ".");
                }
            }
            for (Path left : list("{.*" + TEMPORARY + ",*" + PART + "}")) {
                String fileName = left.getFileName().toString();
                boolean temporary = fileName.endsWith(TEMPORARY);
                if (!listed.contains(fileName) && (temporary || skipped.stream().noneMatch(fileName::startsWith))) {
                    LOG.info("Deleting {}, left by an upload that did not finish", fileName);
                    Files.deleteIfExists(left);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot use " + this.directory + " for uploads", e);
        }
        if (stored.size() > limits.maxDatasets()) {
            LOG.warn(
                    "The uploads directory {} holds {} datasets, more than the {} it may: uploads that would make"
                            + " another are refused until some are deleted",
                    this.directory,
                    stored.size(),
                    limits.maxDatasets());
        }
    }

    /** What a dataset holds on disk, and who made it (null: a caller without an identity). */
    private record Stored(long parts, long manifest, String writer) {

        long bytes() {
            return parts + manifest;
        }
    }

    /**
     * The datasets the store serves now, in the order of their names: at start, those of the
     * manifests it could serve.
     */
    @Override
    public List<Dataset> datasets() {
        return newest.entrySet().stream()
                .filter(entry -> stored.containsKey(entry.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .<Dataset>map(Map.Entry::getValue)
                .toList();
    }

    @Override
    public boolean accepts(String name) {
        return ResourcePaths.isDatasetName(name);
    }

    @Override
    public boolean deletes(String name) {
        return stored.containsKey(name);
    }

    @Override
    public Dataset write(Upload upload, Dataset current) {
        String name = upload.datasetName();
        refuseDictionaries(upload.schema());
        refuseLargeSchema(upload.schema());
        UploadMetadata described = upload.metadata();
        refuseLargeDescription(described.description());
        refuseLargeMetadata(described.metadata());
        Path manifestFile = directory.resolve(name + MANIFEST);
        Stored before = stored.get(name);
        if (before == null) {
            reserve(name, upload.writer());
        }
        Path part = null;
        try {
            Manifest old = before == null ? null : Manifest.read(manifestFile);
            boolean append = upload.mode() == Upload.Mode.APPEND
                    && old != null
                    && !old.parts().isEmpty();
            Schema storeAs = null;
            if (append) {
                Schema datasetSchema = partSchema(directory.resolve(old.parts().get(0)));
                if (!refuseOtherSchema(datasetSchema, upload.schema(), name)) {
                    storeAs = datasetSchema;
                }
            }
            long kept = append ? before.parts() : 0;
            long partBytes;
            try (Room room = new Room(name, kept, before == null ? 0 : before.bytes())) {
                room.check(0);
                part = writePart(name, upload, room, storeAs);
                partBytes = Files.size(part);
                List<String> parts = new ArrayList<>(append ? old.parts() : List.of());
                parts.add(part.getFileName().toString());
                Manifest after = new Manifest(
                        parts,
                        described(described.description(), old == null ? null : old.description()),
                        described(described.metadata(), old == null ? null : old.metadata()),
                        old == null ? upload.writer() : old.writer());
                byte[] content = ProtocolJson.toBytes(after);
                if (content.length > MAX_MANIFEST_BYTES) {
                    throw new ArrowHttpException(
                            ErrorCode.TOO_LARGE,
                            "Dataset " + ClientText.quote(name) + " has " + parts.size() + " parts, more than its list"
                                    + " may hold; replace it with one PUT of all its rows. Nothing was written.");
                }
                room.check(partBytes + content.length);
                replace(manifestFile, content);
                part = null;
                ArrowPartsDataset written = serve(name, after);
                synchronized (counts) {
                    stored.put(name, new Stored(kept + partBytes, content.length, after.writer()));
                    making.remove(name);
                }
                if (!append && old != null) {
                    old.parts().forEach(replaced -> deleteQuietly(directory.resolve(replaced)));
                }
                return written;
            }
        } catch (IOException e) {
            throw writeFailed(name, e);
        } finally {
            if (part != null) {
                deleteQuietly(part);
            }
            if (before == null) {
                synchronized (counts) {
                    making.remove(name);
                }
            }
        }
    }

    /**
     * Removes the dataset's manifest, so that it is gone at once and after a restart, then its
     * parts; a server killed before the parts are deleted leaves files the next start deletes.
     */
    @Override
    public void delete(String name) {
        Path manifestFile = directory.resolve(name + MANIFEST);
        try {
            List<String> parts;
            try {
                parts = Manifest.read(manifestFile).parts();
            } catch (IOException | RuntimeException unreadable) {
                // Then the next start deletes the parts, which no manifest lists any more.
                parts = List.of();
            }
            Files.delete(manifestFile);
            forceDirectory();
            newest.remove(name);
            synchronized (counts) {
                stored.remove(name);
            }
            parts.forEach(part -> deleteQuietly(directory.resolve(part)));
            LOG.info("Deleted uploaded dataset {}", ClientText.quote(name));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete dataset " + ClientText.quote(name) + " from " + directory, e);
        }
    }

    /** Counts a dataset an upload makes, or refuses it when the store holds as many as it may. */
    private void reserve(String name, String writer) {
        synchronized (counts) {
            int datasets = stored.size() + making.size();
            if (datasets >= limits.maxDatasets()) {
                throw ArrowHttpException.insufficientStorage("This server holds " + datasets
                        + " uploaded datasets, as many as it keeps (" + limits.maxDatasets() + "); delete one it"
                        + " no longer needs (DELETE /datasets/{name}) or replace one with PUT. Nothing was written.");
            }
            long own = stored.values().stream()
                            .filter(kept -> Objects.equals(kept.writer(), writer))
                            .count()
                    + making.values().stream()
                            .filter(Optional.ofNullable(writer)::equals)
                            .count();
            if (own >= limits.maxDatasetsPerWriter()) {
                throw ArrowHttpException.insufficientStorage((writer == null
                                ? "Callers without an identity have made "
                                : "Writer " + ClientText.quote(writer) + " has made ")
                        + own + " datasets, as many as one writer may (" + limits.maxDatasetsPerWriter() + ");"
                        + " delete one no longer needed (DELETE /datasets/{name}) or replace one with PUT."
                        + " Nothing was written.");
            }
            making.put(name, Optional.ofNullable(writer));
        }
    }

    /**
     * The room one upload may fill: checked before each batch is written and once more with the
     * manifest, and counted with the other uploads' while the part is written.
     */
    private final class Room implements AutoCloseable {

        private final String name;
        /** The bytes of the dataset's parts that stay: those an append adds to. */
        private final long kept;
        /** The bytes of the dataset as it is, which the total counts until the upload replaces it. */
        private final long current;

        private long counted;

        Room(String name, long kept, long current) {
            this.name = name;
            this.kept = kept;
            this.current = current;
        }

        /** @param bytes the bytes of the upload's files once what comes next is written */
        void check(long bytes) {
            if (kept + bytes > limits.maxDatasetBytes()) {
                throw new ArrowHttpException(
                        ErrorCode.TOO_LARGE,
                        "Dataset " + ClientText.quote(name) + " would hold more than the " + limits.maxDatasetBytes()
                                + " bytes this server keeps of one dataset"
                                + (kept > 0
                                        ? " (it holds " + kept + " already): replace it with PUT, or delete it"
                                        : ": upload fewer rows")
                                + ". Nothing was written.");
            }
            long others;
            synchronized (counts) {
                others = stored.values().stream().mapToLong(Stored::bytes).sum() - current;
            }
            long total = others + writing.get() - counted + kept + bytes;
            if (total > limits.maxTotalBytes()) {
                throw ArrowHttpException.insufficientStorage("The uploads on this server would hold more than the "
                        + limits.maxTotalBytes() + " bytes it keeps in all; delete datasets no longer needed"
                        + " (DELETE /datasets/{name}), or ask the server's operators for a larger quota."
                        + " Nothing was written.");
            }
            if (limits.minFreeBytes() > 0) {
                long free = usableSpace();
                if (free - Math.max(0, bytes - counted) < limits.minFreeBytes()) {
                    LOG.warn(
                            "Refusing an upload to {}: the disk of {} has {} bytes free, and keeps {} free",
                            ClientText.quote(name),
                            directory,
                            free,
                            limits.minFreeBytes());
                    throw ArrowHttpException.insufficientStorage("The server's disk is nearly full: it keeps "
                            + limits.minFreeBytes() + " bytes free, and has " + free + ". Try again once datasets"
                            + " were deleted (DELETE /datasets/{name}) or the server's operators made room."
                            + " Nothing was written.");
                }
            }
        }

        /** @param bytes the bytes of the part written so far */
        void written(long bytes) {
            writing.addAndGet(bytes - counted);
            counted = bytes;
        }

        @Override
        public void close() {
            writing.addAndGet(-counted);
            counted = 0;
        }
    }

    private long usableSpace() {
        try {
            return disk.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot tell the free space of " + directory, e);
        }
    }

    /** A failure to write: {@code 507} when the disk is full, a server fault otherwise. */
    private RuntimeException writeFailed(String name, IOException e) {
        long free;
        try {
            free = disk.getUsableSpace();
        } catch (IOException unknown) {
            free = Long.MAX_VALUE;
        }
        if (free <= limits.minFreeBytes() || free < 1L << 20) {
            LOG.warn(
                    "An upload to {} failed with the disk of {} full: {}",
                    ClientText.quote(name),
                    directory,
                    e.toString());
            return ArrowHttpException.insufficientStorage("The server's disk is full; try again once datasets were"
                    + " deleted (DELETE /datasets/{name}) or the server's operators made room. Nothing was written.");
        }
        return new UncheckedIOException("Cannot write dataset " + ClientText.quote(name) + " to " + directory, e);
    }

    private void refuseLargeSchema(Schema schema) {
        long bytes = schemaBytes(schema);
        if (bytes > limits.maxSchemaBytes()) {
            throw new ArrowHttpException(
                    ErrorCode.TOO_LARGE,
                    "The upload's schema is " + bytes + " bytes in Arrow's JSON form, as the catalog shows it; this"
                            + " server keeps at most " + limits.maxSchemaBytes() + " bytes of a dataset's schema: send"
                            + " fewer columns, or shorter names and metadata. Nothing was written.");
        }
    }

    private static long schemaBytes(Schema schema) {
        return schema.toJson().getBytes(StandardCharsets.UTF_8).length;
    }

    private void refuseLargeDescription(String description) {
        if (description == null) {
            return;
        }
        long bytes = description.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxDescriptionBytes()) {
            throw new ArrowHttpException(
                    ErrorCode.TOO_LARGE,
                    "The upload's description is " + bytes + " bytes; this server keeps at most "
                            + limits.maxDescriptionBytes() + " bytes of a dataset's description (UTF-8): shorten it,"
                            + " and keep longer text elsewhere. Nothing was written.");
        }
    }

    private void refuseLargeMetadata(Map<String, Object> metadata) {
        if (metadata == null) {
            return;
        }
        long bytes = ProtocolJson.toBytes(metadata).length;
        if (bytes > limits.maxMetadataBytes()) {
            throw new ArrowHttpException(
                    ErrorCode.TOO_LARGE,
                    "The upload's metadata is " + bytes + " bytes of JSON; this server keeps at most "
                            + limits.maxMetadataBytes() + " bytes of a dataset's metadata: send fewer or shorter"
                            + " entries. Nothing was written.");
        }
    }

    /**
     * A manifest read at start, checked against what the store holds: no larger than a manifest
     * may be, within the limits, every part there.
     */
    private Manifest load(String name, Path file) throws IOException {
        if (!ResourcePaths.isDatasetName(name)) {
            throw new IllegalArgumentException(
                    "its name is not a dataset name (" + ResourcePaths.DATASET_NAME_RULE + ")");
        }
        long size = Files.size(file);
        if (size > MAX_MANIFEST_BYTES) {
            throw new IllegalArgumentException(
                    "it is " + size + " bytes, more than a manifest may be (" + MAX_MANIFEST_BYTES + ")");
        }
        Manifest manifest = Manifest.read(file);
        if (manifest.parts().isEmpty()) {
            throw new IllegalArgumentException("it lists no parts");
        }
        for (String part : manifest.parts()) {
            if (!part.startsWith(name + ".") || !part.endsWith(PART) || part.contains("/") || part.contains("\\")) {
                throw new IllegalArgumentException(
                        "it lists " + ClientText.quote(part) + ", not a part of this dataset");
            }
        }
        if (manifest.description() != null
                && manifest.description().getBytes(StandardCharsets.UTF_8).length > limits.maxDescriptionBytes()) {
            throw new IllegalArgumentException(
                    "its description is longer than the " + limits.maxDescriptionBytes() + " bytes a dataset's may be");
        }
        if (manifest.metadata() != null
                && ProtocolJson.toBytes(manifest.metadata()).length > limits.maxMetadataBytes()) {
            throw new IllegalArgumentException(
                    "its metadata is larger than the " + limits.maxMetadataBytes() + " bytes a dataset's may be");
        }
        return manifest;
    }

    /** Why a manifest was skipped, in one line. */
    private static String reason(Exception e) {
        String message;
        if (e instanceof IllegalArgumentException) {
            message = e.getMessage();
        } else if (e instanceof IOException) {
            message = "cannot be read as a manifest (" + firstLine(e.getMessage()) + ")";
        } else {
            message = "cannot be served (" + firstLine(e.toString()) + ")";
        }
        return ClientText.escape(message, 300);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no detail";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private long partBytes(Manifest manifest) throws IOException {
        long bytes = 0;
        for (String part : manifest.parts()) {
            Path file = directory.resolve(part);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("it lists " + ClientText.quote(part) + ", which is missing");
            }
            bytes += Files.size(file);
        }
        return bytes;
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

    /**
     * The upload's batches as one new part, forced to the disk, under its final name; with the
     * schema {@code storeAs} (the dataset's, whose buffers are laid out as the upload's) when not
     * null. The root of that schema is the method's, on the upload's allocator, and closed by it.
     */
    private Path writePart(String name, Upload upload, Room room, Schema storeAs) throws IOException {
        Path temporary = Files.createTempFile(directory, "." + name + ".", TEMPORARY);
        try {
            try (VectorSchemaRoot renamed =
                            storeAs == null ? null : VectorSchemaRoot.create(storeAs, upload.allocator());
                    FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    ArrowFileWriter writer =
                            new ArrowFileWriter(renamed == null ? upload.root() : renamed, null, channel);
                    FlushBehind flush = new FlushBehind(channel)) {
                writer.start();
                while (upload.loadNextBatch()) {
                    if (renamed != null) {
                        try (ArrowRecordBatch batch = new VectorUnloader(upload.root()).getRecordBatch()) {
                            new VectorLoader(renamed).load(batch);
                        }
                    }
                    room.check(channel.position() + batchBytes(upload.root()));
                    writer.writeBatch();
                    room.written(channel.position());
                    flush.written(channel.position());
                }
                writer.end();
                room.written(channel.position());
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

    /** About the bytes a batch takes in a file: those of its buffers. */
    private static long batchBytes(VectorSchemaRoot root) {
        long bytes = 0;
        for (FieldVector vector : root.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        return bytes;
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

    /**
     * Refuses an upload whose schema differs from the dataset's as Arrow compares schemas: names
     * of the columns, types, nullability, all the way down. Child names of lists and maps (
     * {@code item} or {@code element}) and field metadata may differ: such an upload is stored with
     * the dataset's schema.
     *
     * @return whether the upload's schema is the dataset's exactly
     */
    private static boolean refuseOtherSchema(Schema stored, Schema uploaded, String name) {
        if (stored.getFields().equals(uploaded.getFields())) {
            return true;
        }
        List<String> differences = new ArrayList<>();
        int count = Math.max(stored.getFields().size(), uploaded.getFields().size());
        for (int i = 0; i < count; i++) {
            Field expected = i < stored.getFields().size() ? stored.getFields().get(i) : null;
            Field given = i < uploaded.getFields().size() ? uploaded.getFields().get(i) : null;
            String difference =
                    expected == null || given == null || !expected.getName().equals(given.getName())
                            ? "the dataset has " + describe(expected) + ", the upload " + describe(given)
                            : difference(expected, given, null, false);
            if (difference != null) {
                differences.add("column " + (i + 1) + ": " + difference);
            }
        }
        if (differences.isEmpty()) {
            return false;
        }
        throw ArrowHttpException.invalidArgument("The upload's schema differs from dataset "
                + ClientText.quote(name) + "'s, so it cannot be appended: " + String.join("; ", differences)
                + ". Nothing was written.");
    }

    /**
     * Where {@code given} differs from {@code expected}, or null when they differ only in child
     * names of lists and maps and in metadata. {@code path} names the field ({@code 'a'.'b'}),
     * null for a column; {@code namesFree} says its children's names may differ.
     */
    private static String difference(Field expected, Field given, String path, boolean namesFree) {
        if (!expected.getType().equals(given.getType())
                || expected.isNullable() != given.isNullable()
                || !Objects.equals(expected.getDictionary(), given.getDictionary())
                || expected.getChildren().size() != given.getChildren().size()) {
            return (path == null ? "" : path + ": ") + "the dataset has " + describe(expected) + ", the upload "
                    + describe(given);
        }
        ArrowType type = expected.getType();
        boolean listLike = type instanceof ArrowType.List
                || type instanceof ArrowType.LargeList
                || type instanceof ArrowType.FixedSizeList
                || type instanceof ArrowType.Map;
        String base = path == null ? ClientText.quote(expected.getName()) : path;
        for (int i = 0; i < expected.getChildren().size(); i++) {
            Field expectedChild = expected.getChildren().get(i);
            Field givenChild = given.getChildren().get(i);
            if (!namesFree && !listLike && !expectedChild.getName().equals(givenChild.getName())) {
                return base + ": the dataset's field " + (i + 1) + " is " + describe(expectedChild) + ", the upload's "
                        + describe(givenChild);
            }
            String difference = difference(
                    expectedChild,
                    givenChild,
                    base + "." + ClientText.quote(expectedChild.getName()),
                    type instanceof ArrowType.Map);
            if (difference != null) {
                return difference;
            }
        }
        return null;
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
        files.sort(null);
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
     * A dataset's manifest: its parts, in order, what uploads said of it, and who made it.
     *
     * @param description null when no upload gave one
     * @param metadata null when no upload gave any
     * @param writer the identity of the upload that made the dataset; null for a caller without
     *     one, and in manifests written before writers were kept
     */
    record Manifest(List<String> parts, String description, Map<String, Object> metadata, String writer) {

        Manifest {
            if (parts == null || parts.contains(null)) {
                throw new IllegalArgumentException("it lists no parts, or a part that is not a file name");
            }
            parts = List.copyOf(parts);
        }

        static Manifest read(Path file) throws IOException {
            return ProtocolJson.mapper().readValue(file.toFile(), Manifest.class);
        }
    }
}
