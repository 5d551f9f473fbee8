package io.arrowhttp.client.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@code Content-Type} value taken apart: the media type, lower case, and its parameters. */
public record ContentType(String mediaType, Map<String, String> parameters) {

    /** Parses {@code type/subtype; name=value; name="quoted value"}; null for null. */
    public static ContentType parse(String header) {
        if (header == null) {
            return null;
        }
        String[] pieces = header.split(";");
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 1; i < pieces.length; i++) {
            int equals = pieces[i].indexOf('=');
            if (equals > 0) {
                String value = pieces[i].substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                parameters.put(pieces[i].substring(0, equals).trim().toLowerCase(Locale.ROOT), value);
            }
        }
        return new ContentType(pieces[0].trim().toLowerCase(Locale.ROOT), Map.copyOf(parameters));
    }

    public boolean isMultipart() {
        return mediaType.startsWith("multipart/");
    }
}
