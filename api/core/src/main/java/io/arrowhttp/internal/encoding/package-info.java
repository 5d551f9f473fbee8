/**
 * How an Arrow stream's bytes are made, not API: the encoder for each kind of source (batches
 * decoded and encoded again, batches stored already encoded, bytes of a stored stream sent as they
 * are), chosen once by {@link io.arrowhttp.internal.encoding.BatchEncoders}, and the channel that
 * stages a batch into one write.
 */
package io.arrowhttp.internal.encoding;
