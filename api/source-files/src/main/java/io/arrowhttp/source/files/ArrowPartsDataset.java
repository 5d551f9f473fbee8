package io.arrowhttp.source.files;

import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.DescribedDataset;
import io.arrowhttp.dataset.Selection;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.QueryParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A dataset of several Arrow IPC files with one schema, served as one, in order: the parts of an
 * {@link ArrowFileStore} dataset. One part is served as {@link ArrowFileDataset} serves a file,
 * its record batches sent as stored; several through a {@link ConcatenatedReader}.
 *
 * <p>With several parts, each is a partition of its own ({@code ?partition=K}), listed as an
 * endpoint of the catalog entry, in order.
 *
 * <p>A {@code PUT} deletes the parts of the dataset it replaces. A request that began with the
 * old dataset and finds a part gone is served the newest one instead: the old content or the new,
 * never a mix. One that finds the parts of a deleted dataset gone is {@code 404}.
 */
final class ArrowPartsDataset extends DescribedDataset implements StoredStream {

    private final List<ArrowFileDataset> parts;
    private final Supplier<ArrowPartsDataset> newest;

    private ArrowPartsDataset(
            DatasetDescription description,
            List<ArrowFileDataset> parts,
            OptionalLong totalRecords,
            Supplier<ArrowPartsDataset> newest) {
        super(description, parts.get(0).schema(), totalRecords);
        this.parts = parts;
        this.newest = newest;
    }

    /**
     * @param files the parts, in order, at least one, every one with the same schema
     * @param newest the dataset of this name now, which may be a later one
     */
    static ArrowPartsDataset of(DatasetDescription description, List<Path> files, Supplier<ArrowPartsDataset> newest) {
        List<ArrowFileDataset> parts = new ArrayList<>();
        long rows = 0;
        for (Path file : files) {
            ArrowFileDataset part = ArrowFileDataset.of(description, file);
            parts.add(part);
            rows += part.totalRecords().orElse(0);
        }
        return new ArrowPartsDataset(description, List.copyOf(parts), OptionalLong.of(rows), newest);
    }

    /** One partition per part, when there are several: each can be fetched on its own, in parallel. */
    @Override
    public List<OptionalLong> partitions() {
        return parts.size() < 2
                ? List.of()
                : parts.stream().map(ArrowFileDataset::totalRecords).toList();
    }

    /** Every part's file is there; a replaced dataset's are checked in the newest one. */
    @Override
    public void checkAvailable() {
        ArrowPartsDataset now = newest.get();
        if (now == null && partsGone()) {
            throw deleted();
        }
        (now == null ? this : now).parts.forEach(ArrowFileDataset::checkAvailable);
    }

    /** A dataset of one part is that part's file, served as stored when it can be. */
    @Override
    public Optional<Bytes> storedBytes() {
        return parts.size() == 1 ? parts.get(0).storedBytes() : Optional.empty();
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        Selection selection = selection(request);
        List<ArrowFileDataset> wanted = request.has(QueryParameters.PARTITION)
                ? List.of(parts.get((int) request.longParameter(QueryParameters.PARTITION, 0, 0, parts.size() - 1)))
                : parts;
        List<ArrowReader> readers = new ArrayList<>();
        try {
            // Every part is opened now: a part deleted once it is open is still read to its end.
            for (ArrowFileDataset part : wanted) {
                readers.add(part.open(request, allocator));
            }
        } catch (ArrowHttpException e) {
            closeAll(readers);
            ArrowPartsDataset now = newest.get();
            if (e.code() == ErrorCode.UNAVAILABLE && now != this && partsGone()) {
                if (now == null) {
                    throw deleted();
                }
                return now.open(request, allocator);
            }
            throw e;
        }
        if (readers.size() == 1) {
            return readers.get(0);
        }
        return new ConcatenatedReader(allocator, readers, selection.limit().orElse(Long.MAX_VALUE));
    }

    /** A request that began before the dataset was deleted, and finds its parts gone. */
    private ArrowHttpException deleted() {
        return ArrowHttpException.notFound("Dataset " + ClientText.quote(name()) + " was deleted");
    }

    private boolean partsGone() {
        return parts.stream().anyMatch(part -> !Files.exists(part.file()));
    }

    private static void closeAll(List<ArrowReader> readers) {
        for (ArrowReader reader : readers) {
            try {
                reader.close();
            } catch (IOException | RuntimeException e) {
                // Already failing; the first failure is the one to report.
            }
        }
    }

    @Override
    public String toString() {
        return "dataset " + ClientText.quote(name()) + " of " + parts.size() + " Arrow file(s)";
    }
}
