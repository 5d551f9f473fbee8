package io.arrowhttp.internal.compression;

import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Accept-Encoding} as RFC 9110 (section 12.5.3) reads it: each coding with its quality, a
 * {@code *} for the codings not listed, and {@code identity} acceptable unless refused by
 * {@code identity;q=0}, or by {@code *;q=0} without an {@code identity} entry of its own.
 */
final class AcceptEncoding {

    /** Quality of identity when the header does not name it: below any coding the client lists. */
    private static final double IDENTITY_BY_DEFAULT = 0.0001;

    private final Map<String, Double> listed;
    private final Double any;

    private AcceptEncoding(Map<String, Double> listed, Double any) {
        this.listed = listed;
        this.any = any;
    }

    /**
     * Reads the header's values (several lines read as one list); an empty list or an empty value
     * accepts identity only.
     *
     * @throws IllegalArgumentException naming the part that is not a coding with an optional quality
     */
    static AcceptEncoding parse(List<String> values) {
        Map<String, Double> listed = new LinkedHashMap<>();
        Double any = null;
        for (HeaderSyntax.Element entry : HeaderSyntax.elements(values)) {
            String coding = entry.value();
            String q = entry.parameter("q").orElse(null);
            // A coding takes no parameter but its weight (RFC 9110, section 12.5.3).
            boolean onlyWeight = entry.parameters().size() == (q == null ? 0 : 1);
            if (!HeaderSyntax.isToken(coding) || !onlyWeight || (q != null && !HeaderSyntax.isQuality(q))) {
                StringBuilder shown = new StringBuilder(coding);
                entry.parameters()
                        .forEach((name, value) ->
                                shown.append(';').append(name).append('=').append(value));
                throw new IllegalArgumentException(ClientText.quote(shown.toString())
                        + " is not a content coding with an optional quality (q from 0 to 1, at most three"
                        + " decimals)");
            }
            double quality = entry.quality();
            if (coding.equals("*")) {
                any = any == null ? quality : any;
            } else {
                String name = ContentCoding.of(coding).map(ContentCoding::token).orElse(coding);
                listed.putIfAbsent(name, quality);
            }
        }
        return new AcceptEncoding(listed, any);
    }

    /**
     * The coding to use: the acceptable one of highest quality, ties going to the server's order
     * ({@link ContentCoding}'s, identity last); empty means identity. Call only when
     * {@link #acceptsAny()}.
     */
    Optional<ContentCoding> choose() {
        ContentCoding best = null;
        double bestQuality = 0;
        for (ContentCoding coding : ContentCoding.values()) {
            double quality = ContentEncodingStream.isAvailable(coding) ? quality(coding.token()) : 0;
            if (quality > bestQuality) {
                best = coding;
                bestQuality = quality;
            }
        }
        return identityQuality() > bestQuality ? Optional.empty() : Optional.ofNullable(best);
    }

    /** Whether a coding the server offers, identity included, is acceptable. */
    boolean acceptsAny() {
        if (identityQuality() > 0) {
            return true;
        }
        for (ContentCoding coding : ContentCoding.values()) {
            if (ContentEncodingStream.isAvailable(coding) && quality(coding.token()) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the client refuses a body without a content coding. */
    boolean refusesIdentity() {
        return identityQuality() == 0;
    }

    private double quality(String coding) {
        Double quality = listed.get(coding);
        if (quality != null) {
            return quality;
        }
        return any == null ? 0 : any;
    }

    private double identityQuality() {
        Double quality = listed.get(ContentCoding.IDENTITY);
        if (quality != null) {
            return quality;
        }
        if (any != null) {
            return any == 0 ? 0 : Math.min(any, IDENTITY_BY_DEFAULT);
        }
        return IDENTITY_BY_DEFAULT;
    }
}
