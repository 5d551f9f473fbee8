package io.arrowhttp.dataset;

import io.arrowhttp.protocol.DatasetInfo;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table the server offers under {@code /datasets/{name}}: its description, its schema, the JSON
 * metadata sent before its rows, and a fresh source of record batches for every request.
 *
 * <p>Everything that can fail for a given request (a bad parameter, a missing file, an
 * unreachable database) should fail in {@link #metadata} or {@link #open}, which run before the
 * response's status line is sent and so become ordinary error responses. A failure while batches
 * are read aborts the response instead.
 *
 * <p>Implementations are shared by concurrent requests and must be thread-safe.
 */
public interface Dataset extends AutoCloseable {

    /** The name in the URL: letters, digits, {@code .}, {@code _} and {@code -}. */
    String name();

    /** One line for people browsing the catalog. */
    String description();

    /** The schema every reader returned by {@link #open} produces. */
    Schema schema();

    /**
     * The schema as the stream's schema message carries it, which the catalog shows: a
     * dictionary-encoded column has its value type (and the value type's children), with the index
     * type in its {@link org.apache.arrow.vector.types.pojo.DictionaryEncoding}. {@link #schema()}
     * gives such a column its index type instead, as Arrow Java's vectors hold it. The default,
     * {@link #schema()}, is right for datasets without dictionary-encoded columns; a dataset with
     * some returns their value types here.
     */
    default Schema messageSchema() {
        return schema();
    }

    /**
     * The content of the JSON part for this request: anything Jackson serializes.
     *
     * @throws io.arrowhttp.protocol.ArrowHttpException to refuse the request with a code
     */
    Object metadata(DatasetRequest request);

    /**
     * Opens a reader of this dataset's record batches for one response. Batches should be
     * produced lazily in {@link ArrowReader#loadNextBatch()}, so that memory stays at one batch
     * however many rows are sent.
     *
     * <p>The caller owns the returned reader and closes it; {@code allocator} belongs to the caller
     * too and is closed after the reader. Allocate every buffer of the response from it.
     *
     * @throws io.arrowhttp.protocol.ArrowHttpException to refuse the request with a code, for example
     *     {@link io.arrowhttp.protocol.ErrorCode#INVALID_ARGUMENT} for a parameter out of range
     */
    ArrowReader open(DatasetRequest request, BufferAllocator allocator);

    /**
     * The query parameters the dataset declares, beyond those of every dataset: shown in the
     * catalog ({@code parameters}) so that a client knows what to give before its first request.
     * None by default.
     */
    default List<DatasetInfo.Parameter> parameters() {
        return List.of();
    }

    /**
     * What the catalog says of the dataset beyond its description ({@code metadata} of {@code
     * /datasets} and {@code /info}): the extra entries of its JSON part. None by default.
     */
    default Map<String, Object> catalogMetadata() {
        return Map.of();
    }

    /**
     * Rows a request without parameters returns, when known without reading the data: shown in the
     * catalog ({@code totalRecords}, null when empty, as Flight's -1).
     */
    default OptionalLong totalRecords() {
        return OptionalLong.empty();
    }

    /** Bytes of the Arrow stream a request without parameters returns, when known; see {@link #totalRecords()}. */
    default OptionalLong totalBytes() {
        return OptionalLong.empty();
    }

    /**
     * Checks that the dataset's source answers now (its files are there, its database takes a
     * connection), for the server's readiness probe. It must be quick, a few seconds at the most:
     * a probe waits for it. The default checks nothing.
     *
     * @throws RuntimeException when the source does not answer, saying why (for the log only)
     */
    default void checkAvailable() {}

    /** Releases what the dataset holds for its whole life. Called once, when the application stops. */
    @Override
    default void close() {}

    /**
     * The dataset's partitions, in order, each with its rows when known: the catalog lists one
     * endpoint for each ({@code ?partition=K}), which clients may fetch in parallel. Empty (the
     * default) for a dataset served whole only. A request with {@code partition} reaches
     * {@link #open} only for a partitioned dataset and a partition within range; the dataset then
     * serves that partition only, with the request's other parameters.
     */
    default List<OptionalLong> partitions() {
        return List.of();
    }

    /**
     * Whether the rows of the partitions, taken in partition order, are the dataset's order (the
     * catalog's {@code ordered}): true, the default, for parts and files in order; false for
     * partitions that split the rows another way, such as ranges of a column.
     */
    default boolean partitionsInOrder() {
        return true;
    }
}
