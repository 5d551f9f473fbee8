package io.arrowhttp.app.catalog;

import io.arrowhttp.dataset.Cacheable;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.DatasetInfo;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A dataset that decodes (Parquet, CSV, JSON lines through DuckDB; SQL; JDBC), offered to the
 * server's Arrow cache: for files, with the version of what it reads now (each file's path, size
 * and modification time, and for a glob which files match); for queries, a constant version and a
 * time to live. Everything else is the wrapped dataset's, which this owns and closes.
 */
final class CachedDataset implements Dataset, Cacheable {

    private final Dataset dataset;
    private final Supplier<Optional<String>> version;
    private final Duration ttl;

    private CachedDataset(Dataset dataset, Supplier<Optional<String>> version, Duration ttl) {
        this.dataset = dataset;
        this.version = version;
        this.ttl = ttl;
    }

    /** {@code dataset} read from a file or a glob of files; entries live while they are unchanged, or {@code ttl}. */
    static CachedDataset ofFiles(Dataset dataset, Path fileOrGlob, Duration ttl) {
        Path absolute = fileOrGlob.toAbsolutePath().normalize();
        return new CachedDataset(dataset, () -> filesVersion(absolute), ttl);
    }

    /** {@code dataset} of a query, whose entries live {@code ttl}. */
    static CachedDataset ofQuery(Dataset dataset, Duration ttl) {
        return new CachedDataset(dataset, () -> Optional.of("query"), ttl);
    }

    /** The files' paths, sizes and times, in order; empty when one cannot be read (not cached then). */
    static Optional<String> filesVersion(Path fileOrGlob) {
        String text = fileOrGlob.toString();
        try {
            if (!isGlob(text)) {
                return Optional.of(describe(fileOrGlob));
            }
            Path folder = fileOrGlob.getRoot();
            int depth = 0;
            boolean below = false;
            for (Path part : fileOrGlob) {
                if (below || isGlob(part.toString())) {
                    below = true;
                    depth = part.toString().contains("**")
                            ? Integer.MAX_VALUE
                            : depth == Integer.MAX_VALUE ? depth : depth + 1;
                } else {
                    folder = folder.resolve(part);
                }
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + text);
            StringBuilder version = new StringBuilder();
            try (Stream<Path> files = Files.walk(folder, depth)) {
                for (Path file : files.filter(matcher::matches)
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList()) {
                    version.append(describe(file)).append('\n');
                }
            }
            return Optional.of(version.toString());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static boolean isGlob(String text) {
        return text.matches(".*[*?\\[{].*");
    }

    /**
     * What changes when the file does: its size and modification time, and where the file system
     * tells them, its identity (device and inode) and its change time, which no one sets by hand:
     * a file replaced by another of the same size and time ({@code cp -p}, {@code tar x},
     * {@code touch -r}) is a new version too.
     */
    private static String describe(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        StringBuilder version = new StringBuilder()
                .append(file)
                .append('|')
                .append(attributes.size())
                .append('|')
                .append(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS))
                .append('|')
                .append(attributes.fileKey());
        try {
            Object changed = Files.getAttribute(file, "unix:ctime");
            if (changed instanceof FileTime time) {
                version.append('|').append(time.to(TimeUnit.NANOSECONDS));
            }
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            // Size, time and identity are all this file system tells.
        }
        return version.toString();
    }

    @Override
    public Optional<String> cacheVersion() {
        return version.get();
    }

    @Override
    public Optional<Duration> cacheTtl() {
        return Optional.ofNullable(ttl);
    }

    @Override
    public String name() {
        return dataset.name();
    }

    @Override
    public String description() {
        return dataset.description();
    }

    @Override
    public Schema schema() {
        return dataset.schema();
    }

    @Override
    public Schema messageSchema() {
        return dataset.messageSchema();
    }

    @Override
    public List<DatasetInfo.Parameter> parameters() {
        return dataset.parameters();
    }

    @Override
    public Map<String, Object> catalogMetadata() {
        return dataset.catalogMetadata();
    }

    @Override
    public Object metadata(DatasetRequest request) {
        return dataset.metadata(request);
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        return dataset.open(request, allocator);
    }

    @Override
    public OptionalLong totalRecords() {
        return dataset.totalRecords();
    }

    @Override
    public OptionalLong totalBytes() {
        return dataset.totalBytes();
    }

    @Override
    public void checkAvailable() {
        dataset.checkAvailable();
    }

    @Override
    public void close() {
        dataset.close();
    }

    @Override
    public List<OptionalLong> partitions() {
        return dataset.partitions();
    }

    @Override
    public boolean partitionsInOrder() {
        return dataset.partitionsInOrder();
    }
}
