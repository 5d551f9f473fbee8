package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.StoredStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a stored stream a request asks for with {@code Range} and {@code If-Range}, as
 * RFC 9110 has a static file server answer: one range of bytes, or all of them. A header this
 * server does not take (several ranges, another unit, bad syntax) asks for all; an
 * {@code If-Range} that does not match the stored bytes asks for all of the new ones.
 *
 * @param start the first byte, from the stream's start
 * @param count how many bytes, 0 for a range that cannot be satisfied
 * @param partial whether this is a range (206) rather than the whole (200)
 */
record ByteRange(long start, long count, boolean partial) {

    private static final Pattern ONE_RANGE = Pattern.compile("bytes=\\s*(\\d{0,64})\\s*-\\s*(\\d{0,64})\\s*");

    /** Whether no byte of the stream is in the range asked for (416). */
    boolean unsatisfiable() {
        return partial && count == 0;
    }

    static ByteRange of(String range, String ifRange, StoredStream.Bytes bytes) {
        long length = bytes.length();
        ByteRange whole = new ByteRange(0, length, false);
        if (range == null || (ifRange != null && !matches(ifRange.trim(), bytes))) {
            return whole;
        }
        Matcher matcher = ONE_RANGE.matcher(range);
        if (!matcher.matches()
                || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
            return whole;
        }
        if (matcher.group(1).isEmpty()) {
            long suffix = position(matcher.group(2));
            return suffix == 0
                    ? new ByteRange(0, 0, true)
                    : new ByteRange(Math.max(0, length - suffix), Math.min(suffix, length), true);
        }
        long first = position(matcher.group(1));
        long last = matcher.group(2).isEmpty() ? Long.MAX_VALUE : position(matcher.group(2));
        if (last < first) {
            return whole;
        }
        if (first >= length) {
            return new ByteRange(0, 0, true);
        }
        return new ByteRange(first, Math.min(last, length - 1) - first + 1, true);
    }

    /**
     * A position as written, or {@link Long#MAX_VALUE} when it is larger: a range from beyond the
     * end is unsatisfiable ({@code 416}), a last position beyond it ends at the end (RFC 9110,
     * section 14.1.2), however many digits the client sends.
     */
    private static long position(String digits) {
        String significant = digits.replaceFirst("^0+(?=\\d)", "");
        return significant.length() > 18 ? Long.MAX_VALUE : Long.parseLong(significant);
    }

    /** {@code If-Range}: the strong entity tag, or the exact last-modified date. */
    private static boolean matches(String ifRange, StoredStream.Bytes bytes) {
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            return ifRange.equals(bytes.entityTag());
        }
        try {
            Instant date = ZonedDateTime.parse(ifRange, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            return date.getEpochSecond() == bytes.lastModified().getEpochSecond();
        } catch (DateTimeParseException notADate) {
            return false;
        }
    }
}
