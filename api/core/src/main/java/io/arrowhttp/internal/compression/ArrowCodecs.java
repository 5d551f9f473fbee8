package io.arrowhttp.internal.compression;

import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The IPC codecs a client decodes: the {@code codecs} query parameter when present, else the
 * {@code codecs} parameter of the most specific {@code Accept} range that covers the Arrow stream
 * ({@code application/vnd.apache.arrow.stream}, then {@code application/*}, then &#42;/&#42;) and
 * has one. Codecs this server does not know are skipped: every reader decodes uncompressed buffers,
 * so they only narrow the choice.
 */
final class ArrowCodecs {

    private ArrowCodecs() {}

    /** The codecs the client lists that this server can apply, in the server's order of preference. */
    static List<IpcCodec> accepted(List<String> acceptValues, List<String> queryValues) {
        List<String> listed = queryValues != null && !queryValues.isEmpty()
                ? queryValues
                : fromAccept(acceptValues == null ? List.of() : acceptValues);
        List<IpcCodec> named = new ArrayList<>();
        for (String value : listed) {
            for (String token : value.split(",", -1)) {
                if (!token.isBlank()) {
                    IpcCodec.of(token).ifPresent(named::add);
                }
            }
        }
        List<IpcCodec> accepted = new ArrayList<>();
        for (IpcCodec codec : IpcCodec.values()) {
            if (named.contains(codec) && IpcCompression.isAvailable(codec)) {
                accepted.add(codec);
            }
        }
        return accepted;
    }

    /** The {@code codecs} value of the most specific Arrow range that has one, as a one-element list. */
    static List<String> fromAccept(List<String> acceptValues) {
        String best = null;
        int bestSpecificity = -1;
        for (HeaderSyntax.Element range : HeaderSyntax.elements(acceptValues)) {
            int specificity = specificity(range.value());
            Optional<String> codecs = range.parameter(ArrowMediaTypes.CODECS);
            if (specificity > bestSpecificity && codecs.isPresent()) {
                best = codecs.get();
                bestSpecificity = specificity;
            }
        }
        return best == null ? List.of() : List.of(best);
    }

    /** How closely a media range names the Arrow stream: 2 exactly, 1 {@code application/*}, 0 any, -1 not. */
    private static int specificity(String range) {
        if (range.equals(ArrowMediaTypes.ARROW_STREAM)) {
            return 2;
        }
        if (range.equals("application/*")) {
            return 1;
        }
        return range.equals("*/*") ? 0 : -1;
    }
}
