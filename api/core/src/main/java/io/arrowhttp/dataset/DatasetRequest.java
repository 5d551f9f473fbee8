package io.arrowhttp.dataset;

import io.arrowhttp.call.CallContext;
import io.arrowhttp.call.RequestHeaders;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.internal.WholeNumbers;
import java.security.Principal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client asked of a dataset: the query parameters and headers of its request, who asks,
 * and the call it belongs to. Immutable.
 */
public final class DatasetRequest {

    private final Map<String, List<String>> parameters;
    private final RequestHeaders headers;
    private final CallContext call;
    private final Principal principal;

    private DatasetRequest(
            Map<String, List<String>> parameters, RequestHeaders headers, CallContext call, Principal principal) {
        this.parameters = parameters;
        this.headers = headers;
        this.call = call;
        this.principal = principal;
    }

    /** A request with these decoded query parameters and no deadline; the map is copied. */
    public static DatasetRequest of(Map<String, List<String>> parameters) {
        return of(parameters, CallContext.withoutDeadline());
    }

    /** A request with these decoded query parameters, for {@code call}; the map is copied. */
    public static DatasetRequest of(Map<String, List<String>> parameters, CallContext call) {
        return of(parameters, call, null);
    }

    /** A request of {@code principal} (null when anonymous), for {@code call}; the map is copied. */
    public static DatasetRequest of(Map<String, List<String>> parameters, CallContext call, Principal principal) {
        return of(parameters, RequestHeaders.none(), call, principal);
    }

    /** A request with these headers too; the map is copied. */
    public static DatasetRequest of(
            Map<String, List<String>> parameters, RequestHeaders headers, CallContext call, Principal principal) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        parameters.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return new DatasetRequest(
                Collections.unmodifiableMap(copy),
                Objects.requireNonNull(headers, "headers"),
                Objects.requireNonNull(call, "call"),
                principal);
    }

    /** The request's headers, such as {@code Range} or {@code Accept-Language}. */
    public RequestHeaders headers() {
        return headers;
    }

    /**
     * Who calls, when the application authenticates its callers: a dataset may refuse with
     * {@link io.arrowhttp.protocol.ErrorCode#UNAUTHORIZED} (403) what this caller may not read.
     */
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    /** The call: whether it was cancelled, its deadline, cancel callbacks for slow producers. */
    public CallContext call() {
        return call;
    }

    /** Whether the parameter is present, with or without a value ({@code ?name} or {@code ?name=x}). */
    public boolean has(String name) {
        return parameters.containsKey(name);
    }

    /**
     * The value of a parameter that may be given once, if present.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} when it is given more than once: which
     *     one was meant is ambiguous
     */
    public Optional<String> singleParameter(String name) {
        List<String> values = parameters.get(name);
        if (values != null && values.size() > 1) {
            throw ArrowHttpException.invalidArgument("Query parameter " + ClientText.quote(name)
                    + " may be given once; it was given " + values.size() + " times");
        }
        return parameter(name);
    }

    /** The first value of the parameter, if present; see {@link #singleParameter} for one that must be unique. */
    public Optional<String> parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** All parameters, decoded. */
    public Map<String, List<String>> parameters() {
        return parameters;
    }

    /**
     * A whole-number parameter within {@code [min, max]}, or {@code defaultValue} when absent.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} when present but not such a number
     */
    public long longParameter(String name, long defaultValue, long min, long max) {
        Optional<String> value = singleParameter(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String text = value.get().trim();
        return WholeNumbers.parse(text, min, max).orElseThrow(() -> outOfRange(name, text, min, max));
    }

    private static ArrowHttpException outOfRange(String name, String value, long min, long max) {
        return ArrowHttpException.invalidArgument(String.format(
                "Query parameter '%s' must be a whole number from %d to %d; got %s",
                name, min, max, ClientText.quote(value)));
    }
}
