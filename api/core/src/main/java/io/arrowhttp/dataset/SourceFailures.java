package io.arrowhttp.dataset;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a data source answers when it cannot open a reader for a request, so that every source
 * answers alike: the request's cancellation when that is why (a statement cancelled at the
 * deadline fails with an exception of its own), else {@code UNAVAILABLE} with an error id. The
 * source's own message, which may name paths, hosts or SQL, goes to the log with that id, never to
 * the client.
 */
public final class SourceFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SourceFailures.class);

    private SourceFailures() {}

    /** The exception to throw from {@link Dataset#open} for {@code cause}, which it logs when it is the source's. */
    public static ArrowHttpException openFailed(DatasetRequest request, String dataset, Exception cause) {
        Optional<ErrorCode> cancelled = request.call().cancellation();
        if (cancelled.isPresent()) {
            return new ArrowHttpException(
                    cancelled.get(), "The query of dataset " + ClientText.quote(dataset) + " was stopped");
        }
        if (cause instanceof ArrowHttpException known) {
            return known;
        }
        String id = ErrorIds.next();
        LOG.warn("Dataset '{}' cannot be read [{}]: {}", ClientText.escape(dataset, 128), id, firstLine(cause));
        return ArrowHttpException.logged(
                ErrorCode.UNAVAILABLE,
                "Dataset " + ClientText.quote(dataset) + " cannot be read now; tell the server's operators, quoting "
                        + id,
                id);
    }

    /** The first line of {@code failure}'s message, or its class's name: for one-line logs and start-up errors. */
    public static String firstLine(Throwable failure) {
        String message =
                Objects.toString(failure.getMessage(), failure.getClass().getSimpleName());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Closes each resource that is not null, after a failure that is the one to report. */
    public static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("Closing after a failure: {}", e.getMessage());
            }
        }
    }
}
