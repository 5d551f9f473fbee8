package io.arrowhttp.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON mapper of the protocol's records ({@link DatasetInfo}, {@link Problem},
 * {@link StreamStatus}, ...) and of the metadata parts, shared by server and client so that both
 * read and write them alike. Thread-safe; do not reconfigure the mapper it returns.
 */
public final class ProtocolJson {

    // Readers ignore members they do not know, so that servers can add members without breaking clients.
    private static final ObjectMapper MAPPER =
            new ObjectMapper().findAndRegisterModules().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ProtocolJson() {}

    /**
     * Serializes {@code value} to UTF-8 JSON.
     *
     * @throws IllegalArgumentException when Jackson cannot serialize it
     */
    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "Cannot serialize " + value.getClass().getName()
                            + " to JSON: make it a record, a bean, a Map or a Jackson JsonNode",
                    e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
