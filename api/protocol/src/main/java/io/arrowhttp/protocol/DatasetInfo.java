package io.arrowhttp.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A dataset as the catalog describes it, in the spirit of Arrow Flight's {@code FlightInfo}: what
 * it is, its schema, its size when known, and where to fetch it.
 *
 * @param name the name in {@code /datasets/{name}}
 * @param description one line for people
 * @param schema the schema; on the wire in Arrow's JSON form, the one {@code Schema.toJson()}
 *     writes and {@code Schema.fromJSON} reads: {@code {"fields":[{"name":..., "nullable":...,
 *     "type":{"name":...}, "children":[...]}]}}, as the schema message carries it: a
 *     dictionary-encoded column has its value type, and its index type in its {@code
 *     dictionary} (Arrow Java's {@code DictionaryUtility.toMessageFormat})
 * @param totalRecords rows of a request without parameters, or null when not known
 * @param totalBytes bytes of that Arrow stream, or null when not known
 * @param endpoints where to fetch it: one endpoint for the whole dataset, or one per partition of a
 *     partitioned one; fetching every endpoint gives the whole dataset
 * @param compression what the server can compress the dataset with, or null from a server that
 *     does not say
 * @param location the whole dataset in one response, whatever its endpoints; null from a server
 *     that does not say (then the single endpoint's location is it)
 * @param ordered whether the endpoints' rows, taken in their order, are the dataset's order; null
 *     when it does not matter or is not said
 * @param batchOffsets for a dataset whose bare stream is served as stored bytes, with byte ranges:
 *     where each record batch's message starts in that stream, so that a client can fetch
 *     batches by range; null otherwise
 * @param parameters the query parameters the dataset declares, beyond those of every dataset
 *     ({@code columns}, {@code limit}...): empty when none; null from a server that does not say
 * @param metadata what the operator or an upload says of the dataset beyond its description (the
 *     extra entries of the JSON part): empty when nothing; null from a server that does not say
 * @param streamLocation the whole dataset as a bare Arrow stream whatever the request's
 *     {@code Accept} says ({@code datasets/{name}.arrows}, see
 *     {@link ResourcePaths#ARROW_STREAM_SUFFIX}), for clients that cannot set headers; null from a
 *     server that does not say, or when another dataset's name takes that URL
 */
public record DatasetInfo(
        String name,
        String description,

        @JsonSerialize(using = SchemaJson.Writer.class) @JsonDeserialize(using = SchemaJson.Reader.class)
        Schema schema,

        Long totalRecords,
        Long totalBytes,
        List<Endpoint> endpoints,
        Compression compression,
        URI location,
        Boolean ordered,
        List<Long> batchOffsets,
        List<Parameter> parameters,
        Map<String, Object> metadata,
        URI streamLocation) {

    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        endpoints = List.copyOf(endpoints);
        batchOffsets = batchOffsets == null ? null : List.copyOf(batchOffsets);
        parameters = parameters == null ? null : List.copyOf(parameters);
    }

    /**
     * A query parameter a dataset declares, given as the URL query parameter of the same name.
     *
     * @param name the name, in the URL
     * @param type how the value is read: {@code string}, {@code long}, {@code double}, {@code
     *     boolean}, {@code date} or {@code timestamp}
     * @param defaultValue the value when a request gives none, as a URL would give it; null when
     *     the parameter is required
     * @param required whether a request must give it
     */
    public record Parameter(String name, String type, String defaultValue, boolean required) {

        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /** An entry without a bare-stream URL, as from a server that does not give one. */
    public DatasetInfo(
            String name,
            String description,
            Schema schema,
            Long totalRecords,
            Long totalBytes,
            List<Endpoint> endpoints,
            Compression compression,
            URI location,
            Boolean ordered,
            List<Long> batchOffsets) {
        this(
                name,
                description,
                schema,
                totalRecords,
                totalBytes,
                endpoints,
                compression,
                location,
                ordered,
                batchOffsets,
                null,
                null,
                null);
    }

    /**
     * A part of the dataset, like Flight's {@code FlightEndpoint}: each location serves the same
     * rows, so a client may fetch from any of them and try the next when one fails.
     *
     * @param totalRecords rows of this part, or null when not known
     * @param streamLocations the same rows as a bare Arrow stream whatever {@code Accept} says, one
     *     per location and in the same order ({@code datasets/{name}.arrows...}); null from a
     *     server that does not say, or when another dataset's name takes those URLs
     */
    public record Endpoint(List<URI> locations, Long totalRecords, List<URI> streamLocations) {

        public Endpoint {
            locations = List.copyOf(locations);
            streamLocations = streamLocations == null ? null : List.copyOf(streamLocations);
        }

        /** An endpoint without bare-stream URLs. */
        public Endpoint(List<URI> locations, Long totalRecords) {
            this(locations, totalRecords, null);
        }

        /** An endpoint of unknown size. */
        public Endpoint(List<URI> locations) {
            this(locations, null, null);
        }
    }

    /**
     * The compression a client may ask for: the IPC codecs for the {@code codecs} parameter, the
     * content codings for {@code Accept-Encoding}, each in the server's order of preference.
     */
    public record Compression(List<String> ipcCodecs, List<String> contentCodings) {

        public Compression {
            ipcCodecs = List.copyOf(ipcCodecs);
            contentCodings = List.copyOf(contentCodings);
        }
    }

    /** Arrow's own JSON form of a schema, embedded as a JSON object. */
    static final class SchemaJson {

        private SchemaJson() {}

        static final class Writer extends JsonSerializer<Schema> {
            @Override
            public void serialize(Schema schema, JsonGenerator json, SerializerProvider provider) throws IOException {
                // Re-read so the catalog stays compact JSON whatever layout Arrow writes.
                json.writeTree(ProtocolJson.mapper().readTree(schema.toJson()));
            }
        }

        static final class Reader extends JsonDeserializer<Schema> {
            @Override
            public Schema deserialize(JsonParser json, DeserializationContext context) throws IOException {
                return Schema.fromJSON(json.readValueAsTree().toString());
            }
        }
    }
}
