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
 *
 * <h2>Threads</h2>
 * {@link #write} and {@link #delete} are called on request threads: for different datasets at the
 * same time, for one dataset one at a time (an upload and a deletion of the same dataset never
 * overlap). {@link #datasets} is called at start, before any of them.
 *
 * <h2>Failure</h2>
 * An {@link io.arrowhttp.protocol.ArrowHttpException} thrown by a method is answered with its
 * code (and status) and message, so write the message for the client; anything else is a server
 * fault ({@code 500}). A store that bounds what it keeps refuses an upload past a limit of the
 * upload or the dataset with {@code TOO_LARGE} ({@code 413}), and one it has no room for (its
 * disk, its quota, its number of datasets) with
 * {@link io.arrowhttp.protocol.ArrowHttpException#insufficientStorage} ({@code 507}), saying what
 * to do. What a failed call leaves is said by each method.
 *
 * <h2>Ownership</h2>
 * The store owns what it keeps (files, tables) and the datasets it returns; the server owns each
 * {@link Upload} (see there). The application that registered the store closes what the store
 * holds open after the server has stopped.
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

    /**
     * Whether {@code DELETE} may remove dataset {@code name}, one this store serves. False unless
     * a store says otherwise: datasets a store did not make (configured tables) answer {@code 405}.
     */
    default boolean deletes(String name) {
        return false;
    }

    /**
     * Removes dataset {@code name}, for which {@link #deletes} said true, all or nothing: when this
     * method returns, the dataset is gone, also after a restart; when it throws, or the process is
     * killed while it runs, the dataset is either as it was or gone, never served in part. Requests
     * reading the dataset already may finish reading it or fail; new ones get {@code 404}.
     *
     * @throws UnsupportedOperationException when the store does not delete datasets
     */
    default void delete(String name) {
        throw new UnsupportedOperationException("This store does not delete datasets");
    }
}
