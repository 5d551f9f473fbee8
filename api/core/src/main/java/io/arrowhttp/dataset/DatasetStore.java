package io.arrowhttp.dataset;

import java.util.List;

/**
 * Where uploaded record batches go: what Arrow Flight's {@code FlightProducer.acceptPut} is to
 * {@code DoPut}, for {@code PUT} and {@code POST} of an Arrow stream to {@code /datasets/{name}}.
 * An application registers one with {@code ArrowHttpFeature.Builder.uploads}; without one, no
 * dataset accepts uploads. The library ships one for Arrow IPC files
 * ({@code io.arrowhttp.source.files.ArrowFileStore}).
 *
 * <p>The server serializes uploads to the same dataset, reads the body, and refuses, before the
 * store sees them, uploads to datasets that are not the store's (405) and appends to datasets that
 * do not exist (404). Implementations must be thread-safe across datasets.
 */
public interface DatasetStore {

    /** The datasets the store holds when the server starts; served from then on. */
    List<Dataset> datasets();

    /** Whether an upload may create a dataset of this name here. */
    boolean accepts(String name);

    /**
     * Writes every batch of {@code upload}, all or nothing: when this method throws, the dataset
     * is exactly as it was, for readers and for the next upload, even if the process is killed
     * while it runs.
     *
     * @param current the dataset as it is served now, or null when the upload creates it
     * @return the dataset to serve under the upload's name from now on; requests already reading
     *     {@code current} finish reading it
     * @throws io.arrowhttp.protocol.ArrowHttpException {@code INVALID_ARGUMENT} for an upload the
     *     store cannot take (a schema that differs from the dataset's on append, a type it cannot
     *     store), naming what is wrong
     */
    Dataset write(Upload upload, Dataset current);
}
