package io.arrowhttp.internal.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.UploadMetadata;
import io.arrowhttp.protocol.internal.ContentDecoding;
import io.arrowhttp.protocol.internal.MultipartReader;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The Arrow stream of an upload's body, decoded from its {@code Content-Encoding}: the whole body,
 * or the second part of a multipart body ({@code multipart/mixed} or {@code multipart/form-data})
 * whose first part is the {@link UploadMetadata} as JSON. Read as it arrives; only the JSON part
 * is held, up to {@link UploadMetadata#MAX_BYTES}. The body as received, before decoding, is
 * refused past its limit of bytes.
 *
 * <h2>Ownership</h2>
 * The caller owns the request body; this only reads it.
 */
final class UploadBody {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream arrow;
    private final MultipartReader parts;
    private final UploadMetadata metadata;

    private UploadBody(InputStream arrow, MultipartReader parts, UploadMetadata metadata) {
        this.arrow = arrow;
        this.parts = parts;
        this.metadata = metadata;
    }

    /**
     * Starts reading {@code body}: decodes it, and reads a multipart body up to its Arrow part.
     *
     * @param maxBodyBytes the most bytes of {@code body} read, before decoding; reading past them
     *     throws {@link ArrowHttpException} {@code TOO_LARGE}
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} for a body not coded as it says, or a
     *     multipart body without the JSON and Arrow parts in that order
     */
    static UploadBody open(MediaType type, String contentEncoding, InputStream body, long maxBodyBytes) {
        InputStream decoded;
        try {
            decoded = ContentDecoding.decode(contentEncoding, new Received(body, maxBodyBytes));
        } catch (IOException e) {
            throw ArrowHttpException.invalidArgument("The body does not start as its Content-Encoding "
                    + ClientText.quote(contentEncoding) + " says. Nothing was written.");
        }
        if (!isMultipart(type)) {
            return new UploadBody(decoded, null, UploadMetadata.NONE);
        }
        String boundary = type.getParameters().get("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw ArrowHttpException.invalidArgument(
                    "A multipart upload's Content-Type needs its boundary parameter. Nothing was written.");
        }
        InputStream buffered = new BufferedInputStream(decoded, BUFFER_BYTES);
        MultipartReader parts = new MultipartReader(buffered, boundary);
        try {
            Map<String, String> first = parts.firstPart();
            requirePart(first, MediaType.APPLICATION_JSON_TYPE, "first");
            byte[] json = parts.readPart(UploadMetadata.MAX_BYTES);
            UploadMetadata metadata = parseMetadata(json);
            if (parts.finished()) {
                throw ArrowHttpException.invalidArgument(
                        "The multipart upload ends after its JSON part: its second part must be the Arrow stream."
                                + " Nothing was written.");
            }
            requirePart(parts.nextPartHeaders(), ArrowMediaTypes.ARROW_STREAM_TYPE, "second");
            return new UploadBody(buffered, parts, metadata);
        } catch (IOException e) {
            throw ArrowHttpException.invalidArgument("The multipart upload is not well formed before its Arrow part ("
                    + ClientText.quote(e.getMessage()) + "). Nothing was written.");
        }
    }

    /** The Arrow IPC stream; for a multipart body, it ends with the Arrow part. */
    InputStream arrow() {
        return arrow;
    }

    UploadMetadata metadata() {
        return metadata;
    }

    /**
     * After the Arrow stream's end-of-stream marker: checks that the body ends there, or, for a
     * multipart body, with the Arrow part's close delimiter.
     */
    void finish() {
        if (parts == null) {
            int next;
            try {
                next = arrow.read();
            } catch (IOException e) {
                throw ArrowHttpException.invalidArgument("The upload's body cannot be read after its Arrow stream's"
                        + " end-of-stream marker (" + ClientText.quote(e.getMessage()) + "). Nothing was written.");
            }
            if (next >= 0) {
                throw ArrowHttpException.invalidArgument("The upload has bytes after its Arrow stream's end-of-stream"
                        + " marker; send one Arrow stream per request, each batch of it before the marker."
                        + " Nothing was written.");
            }
            return;
        }
        try {
            parts.afterSelfDelimitedPart();
        } catch (IOException e) {
            throw ArrowHttpException.invalidArgument("The multipart upload's Arrow part is not followed by its"
                    + " boundary delimiter. Nothing was written.");
        }
        if (!parts.finished()) {
            throw ArrowHttpException.invalidArgument("The multipart upload has parts after its Arrow stream; send"
                    + " the JSON part and the Arrow part only. Nothing was written.");
        }
    }

    /**
     * The body as it arrives, refused past {@code maxBytes}: with {@link ArrowHttpException}, which
     * the decoders and Arrow's reader pass on as it is.
     */
    private static final class Received extends FilterInputStream {

        private final long maxBytes;
        private long count;

        Received(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] skipped = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            return Math.max(read(skipped, 0, skipped.length), 0);
        }

        private void counted(int n) {
            count += n;
            if (count > maxBytes) {
                throw new ArrowHttpException(
                        ErrorCode.TOO_LARGE,
                        "The upload's body is larger than the " + maxBytes
                                + " bytes this server receives in one upload; send it in parts. Nothing was written.");
            }
        }
    }

    private static boolean isMultipart(MediaType type) {
        return "multipart".equalsIgnoreCase(type.getType())
                && ("mixed".equalsIgnoreCase(type.getSubtype()) || "form-data".equalsIgnoreCase(type.getSubtype()));
    }

    private static void requirePart(Map<String, String> headers, MediaType expected, String which) {
        String given = headers.get("content-type");
        MediaType type;
        try {
            type = given == null ? null : MediaType.valueOf(given);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !expected.isCompatible(type)) {
            throw ArrowHttpException.invalidArgument("The " + which + " part of a multipart upload must have "
                    + HttpHeaders.CONTENT_TYPE + " " + expected + "; this one has "
                    + (given == null ? "none" : ClientText.quote(given))
                    + ". Send the JSON part, then the Arrow part. Nothing was written.");
        }
    }

    private static UploadMetadata parseMetadata(byte[] json) {
        try {
            return ProtocolJson.mapper()
                    .readerFor(UploadMetadata.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json);
        } catch (UnrecognizedPropertyException e) {
            throw ArrowHttpException.invalidArgument("The JSON part of the upload has key "
                    + ClientText.quote(e.getPropertyName()) + "; its keys are: " + UploadMetadata.KEYS
                    + ". Nothing was written.");
        } catch (JsonProcessingException e) {
            throw ArrowHttpException.invalidArgument("The JSON part of the upload is not an object with keys "
                    + UploadMetadata.KEYS + ". Nothing was written.");
        } catch (IOException e) {
            throw ArrowHttpException.invalidArgument(
                    "The JSON part of the upload cannot be read. Nothing was written.");
        }
    }
}
