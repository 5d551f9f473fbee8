package io.arrowhttp.protocol;

import java.util.regex.Pattern;

/**
 * The paths of an arrowhttp server, relative to its base URI. Constants, so that JAX-RS
 * {@code @Path} annotations and clients use the same words.
 */
public final class ResourcePaths {

    /** {@code GET}: the catalog, a {@link Catalog}. */
    public static final String DATASETS = "datasets";

    /** {@code GET datasets/{name}/info}: one {@link DatasetInfo}. */
    public static final String INFO = "info";

    /** {@code GET datasets/{name}/schema}: the schema, as an Arrow stream or as JSON. */
    public static final String SCHEMA = "schema";

    /** {@code POST}: HTTP Basic credentials in, a {@link HandshakeResponse} out. */
    public static final String HANDSHAKE = "auth/handshake";

    /** {@code GET}: the server's Arrow memory and responses by outcome. */
    public static final String STATUS = "status";

    /** {@code GET}: the application's meters in Prometheus's text format, when it exposes them. */
    public static final String METRICS = "metrics";

    /** {@code GET}: 200 while the server runs, for liveness probes; no authentication. */
    public static final String HEALTH_LIVE = "health/live";

    /**
     * {@code GET}: 200 when every dataset's source answers, 503 when one does not, for readiness
     * probes; no authentication, and no dataset names in the answer.
     */
    public static final String HEALTH_READY = "health/ready";

    /**
     * {@code GET ui/}: the web page of the server application (catalog, rows, progress, a
     * histogram); static files that hold no data, so no authentication.
     */
    public static final String UI = "ui";

    /**
     * The suffix of a dataset's bare-stream URL: {@code GET datasets/{name}.arrows} answers the
     * bare Arrow stream ({@link ArrowMediaTypes#ARROW_STREAM}) whatever the request's
     * {@code Accept} says, for clients that cannot set headers. A dataset whose own name is
     * {@code {name}.arrows} keeps that URL (an exact name wins): its bare stream is then at
     * {@code {name}.arrows.arrows}.
     */
    public static final String ARROW_STREAM_SUFFIX = ".arrows";

    /** What a dataset's name may hold, so that it is one path segment as it is: see {@link #isDatasetName}. */
    public static final String DATASET_NAME_RULE = "1 to 128 letters, digits, '.', '_' and '-', not '.' or '..'";

    private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private ResourcePaths() {}

    /** Whether {@code name} can name a dataset: {@link #DATASET_NAME_RULE}. */
    public static boolean isDatasetName(String name) {
        return name != null && DATASET_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** {@code {name}.arrows}: the last path segment of the dataset's bare-stream URL. */
    public static String bareStreamSegment(String name) {
        return name + ARROW_STREAM_SUFFIX;
    }

    /** {@code datasets/{name}}, for a URI builder's {@code path}. */
    public static String dataset(String name) {
        return DATASETS + "/" + name;
    }
}
