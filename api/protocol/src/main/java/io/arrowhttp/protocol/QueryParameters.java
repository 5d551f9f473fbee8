package io.arrowhttp.protocol;

import java.util.List;
import java.util.Set;

/** The query parameters every dataset understands; datasets may define more of their own. */
public final class QueryParameters {

    /** Asks for the closing {@code text/plain} part of the multipart response. */
    public static final String INCLUDE_FOOTNOTES = "include_footnotes";

    /** Asks for the closing {@code application/json} {@link StreamStatus} part. */
    public static final String INCLUDE_STATUS = "include_status";

    /** The columns to send, comma-separated, in the order wanted; every column when absent. */
    public static final String COLUMNS = "columns";

    /** The most rows to send. */
    public static final String LIMIT = "limit";

    /**
     * The {@link IpcCodec}s the client decodes, comma-separated, for clients that cannot set
     * {@code Accept}; it takes the place of the {@value ArrowMediaTypes#CODECS} parameter there.
     */
    public static final String CODECS = "codecs";

    /**
     * One partition of a partitioned dataset, numbered from 0 in the order of the catalog's
     * endpoints; each endpoint's location carries it.
     */
    public static final String PARTITION = "partition";

    /**
     * Resumes a response at a record batch, numbered from 0: the stream starts with the schema
     * (and dictionaries), then the batches from that one on, exactly those a full response of the
     * same request would have sent from there. A client whose download broke off after {@code n}
     * batches asks for {@code start_batch=n}, at the same location or another of the same endpoint.
     * Past the last batch, the stream has no batches.
     */
    public static final String START_BATCH = "start_batch";

    /** Every parameter above: names a dataset's own parameters may not take. */
    public static final Set<String> COMMON =
            Set.of(INCLUDE_FOOTNOTES, INCLUDE_STATUS, COLUMNS, LIMIT, CODECS, PARTITION, START_BATCH);

    private QueryParameters() {}

    /**
     * Whether a flag parameter asks for its part: present, with no value or any value but
     * {@code false} or {@code 0}.
     */
    public static boolean isSet(List<String> values) {
        if (values == null) {
            return false;
        }
        String value =
                values.isEmpty() || values.get(0) == null ? "" : values.get(0).trim();
        return !value.equalsIgnoreCase("false") && !value.equals("0");
    }
}
