package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.internal.provider.ProblemResponses;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.response.ArrowStream;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Date;

/**
 * A stored Arrow stream answered as a static file is: with its length, validators and byte
 * ranges ({@code Range}, {@code If-Range}: {@code 206}, or {@code 416} with the length), its bytes
 * sent as stored.
 */
final class StoredStreamRanges {

    // HTTP's own headers of byte ranges (RFC 9110), which Jakarta REST does not name.
    static final String RANGE = "Range";
    static final String IF_RANGE = "If-Range";
    static final String CONTENT_RANGE = "Content-Range";
    static final String ACCEPT_RANGES = "Accept-Ranges";

    private StoredStreamRanges() {}

    /** The whole stored stream, or the range {@code headers} ask for, opened within {@code streams}' limits for {@code clientAddress}. */
    static Response respond(
            Dataset dataset,
            StoredStream.Bytes bytes,
            DatasetRequest request,
            HttpHeaders headers,
            String clientAddress,
            RunningStreams streams) {
        ByteRange range = ByteRange.of(headers.getHeaderString(RANGE), headers.getHeaderString(IF_RANGE), bytes);
        if (range.unsatisfiable()) {
            return unsatisfiable(bytes);
        }
        ArrowStream arrow = streams.open(dataset, request, clientAddress, responseAllocator -> {
            try {
                FileChannel file = FileChannel.open(bytes.file(), StandardOpenOption.READ);
                return ArrowStream.ofStoredBytes(
                        file,
                        bytes.offset() + range.start(),
                        range.count(),
                        dataset.schema(),
                        responseAllocator,
                        request.call());
            } catch (IOException e) {
                throw new ArrowHttpException(
                        ErrorCode.UNAVAILABLE,
                        "The file of dataset " + ClientText.quote(dataset.name()) + " cannot be read now; tell the"
                                + " server's operators");
            }
        });
        return statusAndHeaders(range, bytes).entity(arrow).build();
    }

    /**
     * What a {@code HEAD} of the stored stream answers: exactly the status and headers of the same
     * {@code GET} (length, validators, range), without opening the file.
     */
    static Response head(StoredStream.Bytes bytes, HttpHeaders headers) {
        ByteRange range = ByteRange.of(headers.getHeaderString(RANGE), headers.getHeaderString(IF_RANGE), bytes);
        return range.unsatisfiable()
                ? unsatisfiable(bytes)
                : statusAndHeaders(range, bytes).build();
    }

    private static Response unsatisfiable(StoredStream.Bytes bytes) {
        return Response.fromResponse(ProblemResponses.of(
                        HttpStatus.RANGE_NOT_SATISFIABLE,
                        ErrorCode.INVALID_ARGUMENT,
                        "The range asked for is beyond the stream's " + bytes.length() + " bytes"))
                .header(CONTENT_RANGE, "bytes */" + bytes.length())
                .build();
    }

    private static Response.ResponseBuilder statusAndHeaders(ByteRange range, StoredStream.Bytes bytes) {
        Response.ResponseBuilder response = range.partial()
                ? Response.status(HttpStatus.PARTIAL_CONTENT)
                        .header(
                                CONTENT_RANGE,
                                "bytes " + range.start() + "-" + (range.start() + range.count() - 1) + "/"
                                        + bytes.length())
                : Response.ok();
        return response.type(ArrowMediaTypes.ARROW_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_LENGTH, range.count())
                .header(HttpHeaders.ETAG, bytes.entityTag())
                .header(HttpHeaders.LAST_MODIFIED, Date.from(bytes.lastModified()))
                .header(ACCEPT_RANGES, "bytes");
    }
}
