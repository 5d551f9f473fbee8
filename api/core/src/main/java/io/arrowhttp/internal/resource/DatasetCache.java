package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Cacheable;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.internal.encoding.StreamCopy;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.QueryParameters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Arrow cache: bare Arrow streams of {@link Cacheable} datasets, kept in a folder as Arrow IPC
 * stream files, one per dataset, source version and set of query parameters, and sent again as
 * stored streams are.
 *
 * <ul>
 *   <li>An entry is written while its first response streams ({@link Fill}, a {@link StreamCopy}):
 *       to a temporary file, forced to disk and renamed into place only when the whole stream,
 *       end-of-stream marker included, was written. A response that fails or is cut leaves
 *       nothing.</li>
 *   <li>One fill per key at a time: a request for a key being filled reads its source, as if there
 *       were no cache, and keeps nothing.</li>
 *   <li>The key holds the dataset's {@link Cacheable#cacheVersion() version}: a changed source
 *       makes new keys, and its old entries are never read again and leave by eviction.</li>
 *   <li>Bounded in bytes: the least recently used entries are deleted when a new one would go
 *       beyond the bound; a stream larger than the bound is not kept.</li>
 *   <li>At start, the folder's entries are indexed again (oldest written first out) and temporary
 *       files left by a stop mid-fill are deleted.</li>
 * </ul>
 * A deleted entry being sent stays readable to that response (the file is open). Thread-safe.
 */
public final class DatasetCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetCache.class);

    static final String ENTRY_SUFFIX = ".arrows";
    static final String TEMPORARY_SUFFIX = ".tmp";
    static final String LOCK_FILE = ".lock";

    /** Parameters that do not change the Arrow stream. */
    /** Parameters every dataset reads, which change the stream. */
    private static final Set<String> COMMON =
            Set.of(QueryParameters.COLUMNS, QueryParameters.LIMIT, QueryParameters.PARTITION);

    private static final Set<String> PRESENTATION =
            Set.of(QueryParameters.INCLUDE_FOOTNOTES, QueryParameters.INCLUDE_STATUS, QueryParameters.CODECS);

    private final Path directory;
    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<String> filling = ConcurrentHashMap.newKeySet();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long totalBytes;
    /** Bytes written so far by the fills under way, which count against the bound as entries do. */
    private long fillingBytes;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong bypasses = new AtomicLong();
    private final AtomicLong fills = new AtomicLong();
    private final AtomicLong filledBytes = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /** One kept stream. */
    private record Entry(Path file, long length, Instant written) {}

    /** What a request gets of the cache. */
    public sealed interface Lookup permits Hit, Miss, Bypass {}

    /** The stream is kept: send these bytes. */
    public record Hit(StoredStream.Bytes bytes) implements Lookup {}

    /** The stream is not kept: read the source and copy its stream to {@code fill}. */
    public record Miss(Fill fill) implements Lookup {}

    /** The cache is not used for this request: read the source and keep nothing. */
    public record Bypass() implements Lookup {}

    /**
     * The cache in {@code directory}, made if missing, holding at most {@code maxBytes}.
     *
     * The folder is locked for this cache's life ({@link #close()}): two processes never share it.
     *
     * @throws UncheckedIOException when the folder cannot be made or read
     * @throws IllegalStateException when another cache, of this process or another, uses the folder
     */
    public DatasetCache(Path directory, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("The cache's bound must be positive; got " + maxBytes);
        }
        this.directory = directory.toAbsolutePath();
        this.maxBytes = maxBytes;
        FileChannel channel = null;
        try {
            Files.createDirectories(this.directory);
            channel = FileChannel.open(
                    this.directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock acquired;
            try {
                acquired = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                acquired = null;
            }
            if (acquired == null) {
                throw new IllegalStateException("The cache folder " + this.directory
                        + " is used by another server; give each server a folder of its own");
            }
            this.lockChannel = channel;
            this.lock = acquired;
            index();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("The cache folder " + this.directory + " cannot be used", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing else holds it.
            }
        }
    }

    /** Releases the folder's lock; entries stay for the next start. Fills still running are abandoned by their responses. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(lockChannel);
    }

    private void index() throws IOException {
        List<Path> kept = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMPORARY_SUFFIX)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(ENTRY_SUFFIX) && Files.isRegularFile(file)) {
                    kept.add(file);
                }
            }
        }
        List<Map.Entry<Path, BasicFileAttributes>> withAttributes = new ArrayList<>();
        for (Path file : kept) {
            withAttributes.add(Map.entry(file, Files.readAttributes(file, BasicFileAttributes.class)));
        }
        withAttributes.sort(Comparator.comparing(e -> e.getValue().lastModifiedTime()));
        synchronized (this) {
            for (Map.Entry<Path, BasicFileAttributes> file : withAttributes) {
                String name = file.getKey().getFileName().toString();
                String key = name.substring(0, name.length() - ENTRY_SUFFIX.length());
                entries.put(
                        key,
                        new Entry(
                                file.getKey(),
                                file.getValue().size(),
                                file.getValue().lastModifiedTime().toInstant()));
                totalBytes += file.getValue().size();
            }
            evictBeyond(maxBytes);
        }
        if (!entries.isEmpty()) {
            LOG.info("Arrow cache {}: {} entries, {} bytes", directory, entries.size(), totalBytes);
        }
    }

    /** Counts into {@code registry}: requests by result, fills, evictions, bytes held. */
    public void bind(MeterRegistry registry) {
        for (Map.Entry<String, AtomicLong> result :
                Map.of("hit", hits, "miss", misses, "bypass", bypasses).entrySet()) {
            FunctionCounter.builder("arrowhttp.cache.requests", result.getValue(), AtomicLong::get)
                    .description("Bare Arrow streams of cacheable datasets, by what the Arrow cache did")
                    .tag("result", result.getKey())
                    .register(registry);
        }
        FunctionCounter.builder("arrowhttp.cache.fills", fills, AtomicLong::get)
                .description("Entries written to the Arrow cache")
                .register(registry);
        FunctionCounter.builder("arrowhttp.cache.filled", filledBytes, AtomicLong::get)
                .description("Bytes written to the Arrow cache")
                .baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("arrowhttp.cache.evictions", evictions, AtomicLong::get)
                .description("Entries deleted from the Arrow cache to stay within its bound or expired")
                .register(registry);
        Gauge.builder("arrowhttp.cache.size", this, DatasetCache::bytesHeld)
                .description("Bytes the Arrow cache holds")
                .baseUnit("bytes")
                .register(registry);
    }

    /** Bytes of the entries held now. */
    public synchronized long bytesHeld() {
        return totalBytes;
    }

    /** The folder of the entries. */
    public Path directory() {
        return directory;
    }

    /**
     * What the cache does for a bare Arrow stream of {@code dataset} with these query parameters:
     * a hit, a miss to fill, or a bypass (a dataset not cacheable now, a request that resumes, the
     * key being filled by another response, or {@code bypass} asked by the client).
     */
    public Lookup lookup(Dataset dataset, Map<String, List<String>> parameters, boolean bypass) {
        return lookup(dataset, parameters, bypass, true);
    }

    /**
     * As {@link #lookup(Dataset, Map, boolean)}; without {@code mayFill}, a request whose stream
     * cannot be copied as sent (its buffers or body compressed) gets a hit or a bypass, never a
     * miss that would hold the key and keep nothing.
     */
    public Lookup lookup(Dataset dataset, Map<String, List<String>> parameters, boolean bypass, boolean mayFill) {
        if (!(dataset instanceof Cacheable cacheable) || parameters.containsKey(QueryParameters.START_BATCH)) {
            return new Bypass();
        }
        Optional<String> version = cacheable.cacheVersion();
        if (version.isEmpty()) {
            return new Bypass();
        }
        if (bypass || !onlyKnownParameters(dataset, parameters)) {
            bypasses.incrementAndGet();
            return new Bypass();
        }
        String key = key(dataset.name(), version.get(), parameters);
        Optional<StoredStream.Bytes> kept = current(key, cacheable.cacheTtl());
        if (kept.isPresent()) {
            hits.incrementAndGet();
            return new Hit(kept.get());
        }
        if (!mayFill || !filling.add(key)) {
            bypasses.incrementAndGet();
            return new Bypass();
        }
        try {
            Path temporary = Files.createTempFile(directory, key + ".", TEMPORARY_SUFFIX);
            misses.incrementAndGet();
            return new Miss(new Fill(key, temporary));
        } catch (IOException | RuntimeException e) {
            filling.remove(key);
            LOG.warn("The Arrow cache cannot write to {}: {}", directory, e.toString());
            bypasses.incrementAndGet();
            return new Bypass();
        }
    }

    /**
     * The kept stream of a {@code HEAD}: what a GET would be sent from the cache, if anything; it
     * fills nothing and counts nothing.
     */
    public Optional<StoredStream.Bytes> peek(Dataset dataset, Map<String, List<String>> parameters) {
        if (!(dataset instanceof Cacheable cacheable) || parameters.containsKey(QueryParameters.START_BATCH)) {
            return Optional.empty();
        }
        return cacheable
                .cacheVersion()
                .flatMap(version -> current(key(dataset.name(), version, parameters), cacheable.cacheTtl()));
    }

    /** The entry of {@code key}, unless missing or older than {@code ttl} (then deleted). */
    private synchronized Optional<StoredStream.Bytes> current(String key, Optional<Duration> ttl) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (ttl.isPresent() && entry.written().plus(ttl.get()).isBefore(Instant.now())) {
            remove(key);
            evictions.incrementAndGet();
            return Optional.empty();
        }
        return Optional.of(new StoredStream.Bytes(
                entry.file(), 0, entry.length(), entry.written(), entityTag(key, entry), List.of()));
    }

    /** A strong tag of an entry's bytes: its key names its content, its length and time the write. */
    private static String entityTag(String key, Entry entry) {
        return "\"c" + key.substring(0, 32) + "-" + Long.toHexString(entry.length()) + "-"
                + Long.toHexString(entry.written().toEpochMilli()) + "\"";
    }

    /**
     * Whether every query parameter is one that every dataset reads or one {@code dataset} declares.
     * Datasets ignore the others, so each would make an entry of its own with the same bytes: a
     * client could then evict every entry and keep the disk busy with made-up parameters.
     */
    private static boolean onlyKnownParameters(Dataset dataset, Map<String, List<String>> parameters) {
        Set<String> declared = null;
        for (String name : parameters.keySet()) {
            if (COMMON.contains(name) || PRESENTATION.contains(name)) {
                continue;
            }
            if (declared == null) {
                declared = dataset.parameters().stream()
                        .map(DatasetInfo.Parameter::name)
                        .collect(Collectors.toSet());
            }
            if (!declared.contains(name)) {
                return false;
            }
        }
        return true;
    }

    /** The key: a digest of the name, the source's version and the parameters that change the stream, sorted. */
    static String key(String name, String version, Map<String, List<String>> parameters) {
        Map<String, List<String>> sorted = new TreeMap<>(parameters);
        PRESENTATION.forEach(sorted::remove);
        StringBuilder text = new StringBuilder();
        text.append(name.length()).append(':').append(name);
        text.append(version.length()).append(':').append(version);
        sorted.forEach((parameter, values) -> {
            text.append(parameter.length()).append(':').append(parameter);
            text.append(values.size()).append('[');
            values.forEach(value -> text.append(value.length()).append(':').append(value));
        });
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    private void remove(String key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            totalBytes -= entry.length();
            try {
                Files.deleteIfExists(entry.file());
            } catch (IOException e) {
                LOG.warn("Cannot delete the cache entry {}: {}", entry.file(), e.toString());
            }
        }
    }

    /** Deletes least recently used entries until at most {@code bound} bytes are held. */
    private void evictBeyond(long bound) {
        List<String> evicted = new ArrayList<>();
        long held = totalBytes;
        for (Map.Entry<String, Entry> entry : entries.entrySet()) {
            if (held <= bound) {
                break;
            }
            held -= entry.getValue().length();
            evicted.add(entry.getKey());
        }
        evicted.forEach(this::remove);
        evictions.addAndGet(evicted.size());
    }

    /**
     * Counts {@code bytes} more of a fill against the bound, deleting least recently used entries
     * to make room: false when the fills under way alone would go beyond it (the fill then stops),
     * so that many fills at once never hold more of the disk than the bound.
     */
    private synchronized boolean reserve(long bytes) {
        fillingBytes += bytes;
        evictBeyond(maxBytes - fillingBytes);
        return fillingBytes <= maxBytes;
    }

    private synchronized void release(long bytes) {
        fillingBytes -= bytes;
    }

    private synchronized void put(String key, Path file, long length, Instant written) {
        Entry replaced = entries.remove(key);
        if (replaced != null) {
            totalBytes -= replaced.length();
        }
        evictBeyond(maxBytes - fillingBytes - length);
        entries.put(key, new Entry(file, length, written));
        totalBytes += length;
    }

    /**
     * One entry being written: the copy of one response's stream. Kept when complete, deleted
     * otherwise; the key is free for another fill after either.
     */
    public final class Fill implements StreamCopy {

        private final String key;
        private final Path temporary;
        private FileChannel channel;
        private long written;
        private boolean done;

        private Fill(String key, Path temporary) throws IOException {
            this.key = key;
            this.temporary = temporary;
            this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
        }

        @Override
        public synchronized GatheringByteChannel channel() {
            return done ? null : channel;
        }

        @Override
        public synchronized void willWrite(long bytes) {
            if (done) {
                return;
            }
            written += bytes;
            boolean room = reserve(bytes);
            if (written > maxBytes) {
                LOG.info("A stream of more than the Arrow cache's {} bytes is not kept", maxBytes);
                abandon();
            } else if (!room) {
                LOG.info("The fills under way hold the Arrow cache's {} bytes: this stream is not kept", maxBytes);
                abandon();
            }
        }

        @Override
        public synchronized void complete() throws IOException {
            if (done) {
                return;
            }
            channel.force(true);
            channel.close();
            Path entry = directory.resolve(key + ENTRY_SUFFIX);
            try {
                Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                abandon();
                throw e;
            }
            done = true;
            release(written);
            put(key, entry, written, Files.getLastModifiedTime(entry).toInstant());
            fills.incrementAndGet();
            filledBytes.addAndGet(written);
            filling.remove(key);
        }

        @Override
        public synchronized void abandon() {
            if (done) {
                return;
            }
            done = true;
            release(written);
            try {
                channel.close();
            } catch (IOException ignored) {
                // Deleted below either way.
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                LOG.warn("Cannot delete the unfinished cache entry {}: {}", temporary, e.toString());
            }
            filling.remove(key);
        }
    }
}
