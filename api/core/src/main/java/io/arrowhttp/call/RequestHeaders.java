package io.arrowhttp.call;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A request's headers, read-only, names compared without regard to case as HTTP wants. */
public final class RequestHeaders {

    private static final RequestHeaders NONE = new RequestHeaders(Map.of());

    private final Map<String, List<String>> headers;

    private RequestHeaders(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    /** No headers. */
    public static RequestHeaders none() {
        return NONE;
    }

    /** These headers; the map is copied. */
    public static RequestHeaders of(Map<String, List<String>> headers) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), (a, b) -> {
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            return List.copyOf(both);
        }));
        return new RequestHeaders(Collections.unmodifiableMap(copy));
    }

    /** The first value of the header, if present. */
    public Optional<String> first(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of the header, in order; empty when absent. */
    public List<String> all(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** All headers, read-only, with case-insensitive names. */
    public Map<String, List<String>> asMap() {
        return headers;
    }
}
