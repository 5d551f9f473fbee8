package io.arrowhttp.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.List;

/**
 * A dataset as the catalog describes it, in the spirit of Arrow Flight's {@code FlightInfo}: what
 * it is, its schema, its size when known, and where to fetch it.
 *
 * @param name the name in {@code /datasets/{name}}
 * @param description one line for people
 * @param schema the schema in Arrow's JSON form, the one {@code Schema.toJson()} writes and
 *     {@code Schema.fromJSON} reads: {@code {"fields":[{"name":..., "nullable":..., "type":{"name":...},
 *     "children":[...]}]}}
 * @param totalRecords rows of a request without parameters, or null when not known
 * @param totalBytes bytes of that Arrow stream, or null when not known
 * @param endpoints where to fetch it: each with the absolute URIs that serve it
 */
public record DatasetInfo(String name, String description, JsonNode schema, Long totalRecords, Long totalBytes,
        List<Endpoint> endpoints) {

    /** A place the whole dataset can be fetched from, like Flight's {@code FlightEndpoint}. */
    public record Endpoint(List<URI> locations) {
    }
}
