package io.arrowhttp.client.internal;

import io.arrowhttp.protocol.internal.HeaderSyntax;
import java.util.Map;

/** A {@code Content-Type} value taken apart: the media type, lower case, and its parameters. */
public record ContentType(String mediaType, Map<String, String> parameters) {

    /** Parses {@code type/subtype; name=value; name="quoted value"} (see {@link HeaderSyntax}); null for null. */
    public static ContentType parse(String header) {
        if (header == null) {
            return null;
        }
        HeaderSyntax.Element element = HeaderSyntax.element(header);
        return new ContentType(element.value(), element.parameters());
    }

    public boolean isMultipart() {
        return mediaType.startsWith("multipart/");
    }
}
