package io.arrowhttp.standalone;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.Problem;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.server.middleware.AccessLog;
import io.arrowhttp.server.middleware.CallInfo;
import io.arrowhttp.server.middleware.CallOutcome;
import io.arrowhttp.server.middleware.RequestIds;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;

/**
 * What Grizzly's HTTP parser refuses on its own, before any application sees the request, is
 * answered like every other refusal of the server:
 *
 * <ul>
 *   <li>its bodiless {@code 4xx} and {@code 505} answers (a header too large, an HTTP version it
 *       does not speak, a malformed request line) get a problem body with the code, an
 *       {@code X-Request-Id}, and one access-log line;
 *   <li>an HTTP/0.9 request (a request line without a version), which Grizzly would hold open
 *       until the idle timeout waiting for headers, is closed at once. Only the bytes that start a
 *       request are checked: a request body may hold anything;
 *   <li>a request with both {@code Transfer-Encoding} and {@code Content-Length}, which Grizzly
 *       reads as chunked and forgets the length of, while a proxy in front may read the length
 *       (request smuggling, RFC 9112 section 6.1), is answered {@code 400} and the connection
 *       closed before Grizzly sees the end of its head: no byte after it is read as a request.
 *       Bodies of a declared length are counted, so a head pipelined after one in the same read
 *       is checked as well (the whole read is refused then); after a chunked body, the next head
 *       is checked from the next read on;
 *   <li>so is a header value holding a control character (below a space but the tab, or DEL),
 *       which Grizzly would trim or pass on (RFC 9110 section 5.5);
 *   <li>and a head that a proxy in front could read otherwise: whitespace between a header's name
 *       and its colon (RFC 9112 section 5.1 requires a {@code 400}), a header line folded onto the
 *       one before (obs-fold), a header line without a colon, or a line ending in a line feed
 *       without its carriage return.
 * </ul>
 *
 * It sits just before Grizzly's HTTP filter, on the plain-text side of TLS.
 */
final class ProtocolErrorAddOn implements AddOn {

    /**
     * Whether the next bytes of a connection start a request: only a request line is checked for
     * HTTP/0.9, never a body (an upload's binary data holds line breaks anywhere).
     */
    private static final Attribute<Boolean> AWAITING_REQUEST_LINE =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("arrowhttp.awaitingRequestLine", Boolean.TRUE);

    /** The head of the request being read, as far as it has come, until its blank line; else null. */
    private static final Attribute<StringBuilder> HEAD_SO_FAR =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("arrowhttp.headSoFar");

    /**
     * Bytes of the current request's body still to come when its head gave a length, so that the
     * head of a request pipelined after it in the same read is checked too; -1 while a chunked
     * body runs, whose end Grizzly's parser reports ({@link RequestEndFilter}).
     */
    private static final Attribute<Long> BODY_LEFT =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("arrowhttp.bodyLeft", 0L);

    private static final Pattern CONTENT_LENGTH =
            Pattern.compile("(?im)^content-length[ \\t]*:[ \\t]*([0-9]{1,18})[ \\t]*\\r?$");

    /** Heads longer than this are Grizzly's to refuse (431); the framing check stops there. */
    private static final int LONGEST_HEAD = 64 * 1024;

    private static final Pattern FRAMING_HEADER = Pattern.compile("(?im)^(content-length|transfer-encoding)[ \\t]*:");

    /** A framing header with its value, to the end of its line. */
    private static final Pattern FRAMING_VALUE =
            Pattern.compile("(?im)^(content-length|transfer-encoding)[ \\t]*:([^\\r\\n]*)");

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int http = builder.indexOfType(HttpServerFilter.class);
        builder.add(http + 1, new RequestEndFilter());
        builder.add(http, new ProtocolErrorFilter());
    }

    /** After Grizzly's HTTP parser: marks the end of each request's body. */
    static final class RequestEndFilter extends BaseFilter {

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content
                    && content.isLast()
                    && BODY_LEFT.get(ctx.getConnection()) < 0) {
                BODY_LEFT.set(ctx.getConnection(), 0L);
                AWAITING_REQUEST_LINE.set(ctx.getConnection(), Boolean.TRUE);
            }
            return ctx.getInvokeAction();
        }
    }

    static final class ProtocolErrorFilter extends BaseFilter {

        private static final Pattern BODILESS_ERROR = Pattern.compile(
                "HTTP/1\\.[01] (4\\d\\d|505) [^\\r\\n]*\\r\\n((?:(?!content-type:)[^\\r\\n]*\\r\\n)*)\\r\\n",
                Pattern.CASE_INSENSITIVE);
        private static final Pattern ZERO_LENGTH = Pattern.compile("(?i)(^|\\r\\n)content-length: *0\\r\\n");

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            if (!(message instanceof Buffer buffer)) {
                return ctx.getInvokeAction();
            }
            Connection<?> connection = ctx.getConnection();
            String text = buffer.toStringContent(StandardCharsets.ISO_8859_1);
            int pos = 0;
            while (pos < text.length()) {
                StringBuilder head = HEAD_SO_FAR.get(connection);
                if (head == null && AWAITING_REQUEST_LINE.get(connection)) {
                    if (isHttp09(text, pos)) {
                        connection.closeSilently();
                        return ctx.getStopAction();
                    }
                    AWAITING_REQUEST_LINE.set(connection, Boolean.FALSE);
                    head = new StringBuilder();
                    HEAD_SO_FAR.set(connection, head);
                }
                if (head != null) {
                    int before = head.length();
                    head.append(text, pos, text.length());
                    int end = head.indexOf("\r\n\r\n");
                    if (hasBareLineFeed(head, end < 0 ? head.length() : end)) {
                        HEAD_SO_FAR.remove(connection);
                        refuseAndClose(
                                ctx,
                                "Each line of a request's head ends with CR LF; a line feed alone is not read"
                                        + " here (RFC 9112, section 2.2)");
                        return ctx.getStopAction();
                    }
                    if (end < 0) {
                        if (head.length() > LONGEST_HEAD) {
                            HEAD_SO_FAR.remove(connection);
                        }
                        break;
                    }
                    HEAD_SO_FAR.remove(connection);
                    String complete = head.substring(0, end);
                    String malformed = malformedFieldLine(complete);
                    if (malformed != null) {
                        refuseAndClose(ctx, malformed);
                        return ctx.getStopAction();
                    }
                    if (smuggles(complete)) {
                        refuseAndClose(
                                ctx,
                                "The request has both Transfer-Encoding and Content-Length, which proxies may"
                                        + " read differently; send one of them (RFC 9112, section 6.1)");
                        return ctx.getStopAction();
                    }
                    String framing = ambiguousFraming(complete);
                    if (framing != null) {
                        refuseAndClose(ctx, framing);
                        return ctx.getStopAction();
                    }
                    String controlled = headerWithControlCharacter(complete);
                    if (controlled != null) {
                        refuseAndClose(
                                ctx,
                                "The value of header " + controlled + " holds a control character; header values"
                                        + " may hold visible characters, spaces and tabs only (RFC 9110, section 5.5)");
                        return ctx.getStopAction();
                    }
                    pos += end + 4 - before;
                    long length = bodyLength(complete);
                    if (length < 0) {
                        // Chunked, or a length Grizzly will refuse: its end is Grizzly's to find.
                        BODY_LEFT.set(connection, -1L);
                        break;
                    }
                    BODY_LEFT.set(connection, length);
                    AWAITING_REQUEST_LINE.set(connection, length == 0);
                    continue;
                }
                long left = BODY_LEFT.get(connection);
                if (left <= 0) {
                    break;
                }
                long skipped = Math.min(left, text.length() - pos);
                pos += (int) skipped;
                BODY_LEFT.set(connection, left - skipped);
                AWAITING_REQUEST_LINE.set(connection, left == skipped);
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof Buffer buffer && buffer.remaining() < 4096) {
                String head = buffer.toStringContent(StandardCharsets.ISO_8859_1);
                Matcher error = BODILESS_ERROR.matcher(head);
                if (error.matches() && ZERO_LENGTH.matcher(error.group(2)).find()) {
                    int status = Integer.parseInt(error.group(1));
                    ctx.setMessage(Buffers.wrap(ctx.getMemoryManager(), problemResponse(status, error.group(2))));
                }
            }
            return ctx.getInvokeAction();
        }

        /** Whether the head's first {@code end} characters hold a line feed without a carriage return before it. */
        private static boolean hasBareLineFeed(CharSequence head, int end) {
            for (int i = 0; i < end; i++) {
                if (head.charAt(i) == '\n' && (i == 0 || head.charAt(i - 1) != '\r')) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Why a header line of the head is one a proxy and this server could read differently, or
         * null: a line folded onto the one before (obs-fold, RFC 9112 section 5.2), a line without
         * a colon, or whitespace between a name and its colon, which RFC 9112 section 5.1 requires
         * a server to refuse (a proxy may take {@code Content-Length :} for the length that this
         * server ignores).
         */
        private static String malformedFieldLine(String head) {
            String[] lines = head.split("\r\n", -1);
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                    return "A header line continues the one before it (obs-fold), which this server does not read;"
                            + " send each header on one line (RFC 9112, section 5.2)";
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    return "A header line has no name and colon; send name: value (RFC 9112, section 5.1)";
                }
                for (int j = 0; j < colon; j++) {
                    char c = line.charAt(j);
                    if (c == ' ' || c == '\t') {
                        return "A header name is followed by whitespace before its colon, which proxies may read"
                                + " differently; send name: value (RFC 9112, section 5.1)";
                    }
                }
            }
            return null;
        }

        /** Whether a head names both Content-Length and Transfer-Encoding, however spelled. */
        private static boolean smuggles(String head) {
            Matcher names = FRAMING_HEADER.matcher(head);
            boolean length = false;
            boolean coding = false;
            while (names.find()) {
                boolean isLength = names.group(1).equalsIgnoreCase("content-length");
                length |= isLength;
                coding |= !isLength;
            }
            return length && coding;
        }

        /**
         * Why the body's framing could be read two ways, or null: a {@code Transfer-Encoding} other
         * than {@code chunked} alone (a proxy reads {@code gzip, chunked} as chunked, Grizzly does
         * not), or {@code Content-Length} given more than once or as a list, even of equal values.
         */
        private static String ambiguousFraming(String head) {
            Matcher headers = FRAMING_VALUE.matcher(head);
            int lengths = 0;
            int codings = 0;
            while (headers.find()) {
                String value = headers.group(2).trim();
                if (headers.group(1).equalsIgnoreCase("content-length")) {
                    lengths++;
                    if (lengths > 1 || value.contains(",")) {
                        return "The request gives Content-Length more than once; give it once"
                                + " (RFC 9112, section 6.3)";
                    }
                } else {
                    codings++;
                    if (codings > 1 || !value.equalsIgnoreCase("chunked")) {
                        return "This server reads a body sent with Transfer-Encoding: chunked alone, or with a"
                                + " Content-Length; other transfer codings are not read (RFC 9112, section 6.1)";
                    }
                }
            }
            return null;
        }

        /**
         * The name of the first header whose value holds a control character (any below a space but
         * the tab, or DEL), which Grizzly would otherwise trim or pass on; else null. Names are
         * given only as letters, digits and dashes, so that none reaches the answer or the log raw.
         */
        private static String headerWithControlCharacter(String head) {
            String[] lines = head.split("\n", -1);
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
                int colon = line.indexOf(':');
                String value = colon < 0 ? line : line.substring(colon + 1);
                for (int j = 0; j < value.length(); j++) {
                    char c = value.charAt(j);
                    if (c < ' ' && c != '\t' || c == 0x7f) {
                        String name = colon < 0 ? "" : line.substring(0, colon).replaceAll("[^A-Za-z0-9-]", "");
                        return name.isEmpty() ? "(unnamed)" : name;
                    }
                }
            }
            return null;
        }

        /** Answers 400 with a problem, then closes the connection once the answer is written. */
        @SuppressWarnings("rawtypes") // Grizzly's FilterChainContext.write takes a handler of raw WriteResult
        private static void refuseAndClose(FilterChainContext ctx, String detail) {
            Connection<?> connection = ctx.getConnection();
            byte[] response = problemResponse(HttpStatus.BAD_REQUEST, "Connection: close", detail);
            ctx.write(Buffers.wrap(ctx.getMemoryManager(), response), new EmptyCompletionHandler<>() {
                @Override
                public void completed(WriteResult result) {
                    connection.closeSilently();
                }

                @Override
                public void failed(Throwable throwable) {
                    connection.closeSilently();
                }
            });
        }

        /** A first line that ends without an HTTP version: "GET /path" then a line break. */
        private static boolean isHttp09(String text, int from) {
            int limit = Math.min(text.length(), from + 8192);
            for (int i = from; i < limit; i++) {
                if (text.charAt(i) == '\n') {
                    String line = text.substring(from, i).trim();
                    return !line.isEmpty() && !line.contains(" HTTP/");
                }
            }
            return false;
        }

        /**
         * The body length a head declares: its Content-Length, 0 without one, or -1 when chunked or
         * when the length is not one number (Grizzly refuses those).
         */
        private static long bodyLength(String head) {
            if (FRAMING_HEADER
                    .matcher(head)
                    .results()
                    .anyMatch(name -> name.group(1).equalsIgnoreCase("transfer-encoding"))) {
                return -1;
            }
            Matcher length = CONTENT_LENGTH.matcher(head);
            if (length.find()) {
                long value = Long.parseLong(length.group(1));
                return length.find() ? -1 : value;
            }
            return FRAMING_HEADER.matcher(head).find() ? -1 : 0;
        }

        private static byte[] problemResponse(int status, String headers) {
            return problemResponse(status, headers, detail(status));
        }

        private static byte[] problemResponse(int status, String headers, String detail) {
            ErrorCode code = ErrorCode.forStatus(status);
            Problem problem = Problem.of(status, code, detail);
            byte[] body = ProtocolJson.toBytes(problem);
            String requestId = RequestIds.newId();
            StringBuilder response = new StringBuilder("HTTP/1.1 ")
                    .append(status)
                    .append(' ')
                    .append(problem.title())
                    .append("\r\n");
            for (String line : headers.split("\r\n")) {
                String name = line.contains(":")
                        ? line.substring(0, line.indexOf(':')).trim()
                        : "";
                if (!line.isEmpty() && !name.equalsIgnoreCase("content-length")) {
                    response.append(line).append("\r\n");
                }
            }
            response.append("Content-Type: ")
                    .append(ArrowMediaTypes.PROBLEM_JSON)
                    .append("\r\n")
                    .append(HeaderNames.REQUEST_ID)
                    .append(": ")
                    .append(requestId)
                    .append("\r\n")
                    .append("Content-Length: ")
                    .append(body.length)
                    .append("\r\n\r\n");
            AccessLog.write(
                    new CallInfo("-", "-", new MultivaluedHashMap<>()),
                    new CallOutcome(
                            status,
                            body.length,
                            -1,
                            Duration.ZERO,
                            new ArrowHttpException(code, "Refused by the HTTP parser")),
                    requestId);
            byte[] head = response.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        private static String detail(int status) {
            switch (status) {
                case HttpStatus.HTTP_VERSION_NOT_SUPPORTED:
                    return "This server speaks HTTP/1.1 and HTTP/1.0";
                case HttpStatus.CONTENT_TOO_LARGE:
                case HttpStatus.URI_TOO_LONG:
                case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
                    return "The request's line or headers are larger than this server accepts";
                default:
                    return "The request is not valid HTTP: check its request line and headers";
            }
        }
    }
}
