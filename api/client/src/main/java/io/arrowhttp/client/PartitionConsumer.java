package io.arrowhttp.client;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Takes the record batches of a parallel fetch ({@link ArrowHttpClient#fetchPartitions}), one at
 * a time, on the thread that called the fetch.
 */
@FunctionalInterface
public interface PartitionConsumer {

    /**
     * One record batch.
     *
     * @param endpoint the batch's endpoint in the catalog entry, from 0
     * @param batch valid until this method returns; the fetch closes it after
     * @throws IOException to stop the fetch: every stream is closed, and the fetch throws it
     */
    void accept(int endpoint, VectorSchemaRoot batch) throws IOException;
}
