package io.arrowhttp.protocol.internal;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole numbers and sizes in bytes read from text, the one way every part of arrowhttp reads
 * them: query parameters a client sends, settings and catalog entries an operator writes. Each
 * answers empty for text that is not such a number or lies outside the range the caller allows,
 * and the caller says which parameter or setting it was and what to write instead.
 *
 * <p>Only ASCII digits count ({@link Long#parseLong} also takes digits of other scripts, which a
 * reader of the text would not take for a number). A client's value takes no {@code +} and no
 * separators, so that a value the server takes is one any other reader takes too; an operator's
 * may be written as YAML and Java write long numbers, {@code 1_000_000}.
 */
public final class WholeNumbers {

    /** A client's whole number: an optional minus and digits. */
    private static final Pattern STRICT = Pattern.compile("-?[0-9]+");

    /** An operator's whole number: an optional sign and digits, groups of them joined by {@code _}. */
    private static final Pattern SETTING = Pattern.compile("[+-]?[0-9]+(?:_[0-9]+)*");

    /** A size: digits (grouped as in a setting), then optionally a unit, with or without a space. */
    private static final Pattern SIZE =
            Pattern.compile("([0-9]+(?:_[0-9]+)*)\\s*([KMGT]i?B)?", Pattern.CASE_INSENSITIVE);

    /** Decimal units are powers of 1000, binary ones ({@code KiB}...) powers of 1024. */
    private static final Map<String, Long> SIZE_UNITS = Map.of(
            "KB",
            1_000L,
            "MB",
            1_000_000L,
            "GB",
            1_000_000_000L,
            "TB",
            1_000_000_000_000L,
            "KIB",
            1L << 10,
            "MIB",
            1L << 20,
            "GIB",
            1L << 30,
            "TIB",
            1L << 40);

    private WholeNumbers() {}

    /**
     * A whole number a client sent, such as a query parameter: {@code 42} or {@code -7}, with
     * space around it ignored; empty when it is not one or lies outside {@code min} to {@code max}.
     */
    public static OptionalLong parse(String text, long min, long max) {
        return inRange(digits(text, STRICT), min, max);
    }

    /**
     * A whole number an operator wrote, in a setting or a catalog: as {@link #parse} but also
     * {@code +42} and {@code 1_000_000}; empty when it is not one or lies outside {@code min} to
     * {@code max}.
     */
    public static OptionalLong parseSetting(String text, long min, long max) {
        return inRange(digits(text, SETTING), min, max);
    }

    /**
     * A number of bytes an operator wrote: a whole number ({@code 1073741824}, {@code 1_000}), or
     * one with a unit in any case: {@code KB}, {@code MB}, {@code GB}, {@code TB} (powers of 1000)
     * or {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024), as in {@code 10GB},
     * {@code 1 GiB} or {@code 512mib}. Empty when it is not one, or its bytes lie outside
     * {@code min} to {@code max} or beyond a {@code long}.
     */
    public static OptionalLong parseSize(String text, long min, long max) {
        if (text == null) {
            return OptionalLong.empty();
        }
        Matcher size = SIZE.matcher(text.trim());
        if (!size.matches()) {
            return OptionalLong.empty();
        }
        OptionalLong number = digits(size.group(1), SETTING);
        if (number.isEmpty()) {
            return number;
        }
        long factor = size.group(2) == null ? 1 : SIZE_UNITS.get(size.group(2).toUpperCase(Locale.ROOT));
        try {
            return inRange(OptionalLong.of(Math.multiplyExact(number.getAsLong(), factor)), min, max);
        } catch (ArithmeticException beyondLong) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong digits(String text, Pattern form) {
        if (text == null) {
            return OptionalLong.empty();
        }
        String trimmed = text.trim();
        if (!form.matcher(trimmed).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(trimmed.replace("_", "")));
        } catch (NumberFormatException beyondLong) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong inRange(OptionalLong value, long min, long max) {
        return value.isPresent() && value.getAsLong() >= min && value.getAsLong() <= max ? value : OptionalLong.empty();
    }
}
