package io.arrowhttp.internal.wire;

import io.arrowhttp.call.StreamStatistics;
import java.util.Locale;

/** The text of the footnotes part, as the seed protocol's server words it. */
public final class Footnotes {

    private Footnotes() {}

    /** The footnotes for a stream that sent {@code stats}; lines end with LF whatever the platform. */
    public static String text(StreamStatistics stats) {
        return String.format(
                Locale.ROOT,
                "Hello Client,\n\n"
                        + "%d Arrow record batch(es) with %d rows were sent in %.3f seconds through %d HTTP\n"
                        + "response chunks. Average size of each chunk was %.2f bytes.\n\n"
                        + "--\nSincerely,\nThe arrowhttp server\n",
                stats.batches(),
                stats.rows(),
                stats.elapsedSeconds(),
                stats.chunks(),
                stats.averageChunkBytes());
    }
}
