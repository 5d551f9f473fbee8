package io.arrowhttp.protocol.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the library: metadata parts and problem details. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

    private Json() {
    }

    /**
     * Serializes {@code value} to UTF-8 JSON.
     *
     * @throws IllegalArgumentException when Jackson cannot serialize it
     */
    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize " + value.getClass().getName()
                    + " to JSON: make it a record, a bean, a Map or a Jackson JsonNode", e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
