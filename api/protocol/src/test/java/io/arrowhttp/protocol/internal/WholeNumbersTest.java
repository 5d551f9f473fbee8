package io.arrowhttp.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What counts as a whole number or a size, for clients and for operators. */
class WholeNumbersTest {

    private static final long ANY_MIN = Long.MIN_VALUE;
    private static final long ANY_MAX = Long.MAX_VALUE;

    @Test
    void aClientsNumberIsDigitsWithAnOptionalMinus() {
        assertEquals(OptionalLong.of(42), WholeNumbers.parse("42", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(42), WholeNumbers.parse(" 42 ", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(-7), WholeNumbers.parse("-7", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(5), WholeNumbers.parse("0005", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), WholeNumbers.parse("9223372036854775807", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(Long.MIN_VALUE), WholeNumbers.parse("-9223372036854775808", ANY_MIN, ANY_MAX));
        for (String refused : new String[] {
            "",
            " ",
            "ten",
            "+5",
            "1_000",
            "1,000",
            "1.0",
            "1e3",
            "--1",
            "\u0663",
            "12\u0663",
            "9223372036854775808",
            "0x10"
        }) {
            assertEquals(OptionalLong.empty(), WholeNumbers.parse(refused, ANY_MIN, ANY_MAX), refused);
        }
        assertEquals(OptionalLong.empty(), WholeNumbers.parse(null, ANY_MIN, ANY_MAX));
    }

    @Test
    void aNumberOutsideTheRangeIsRefused() {
        assertEquals(OptionalLong.of(1), WholeNumbers.parse("1", 1, 100));
        assertEquals(OptionalLong.of(100), WholeNumbers.parse("100", 1, 100));
        assertEquals(OptionalLong.empty(), WholeNumbers.parse("0", 1, 100));
        assertEquals(OptionalLong.empty(), WholeNumbers.parse("101", 1, 100));
        assertEquals(OptionalLong.empty(), WholeNumbers.parseSetting("0", 1, ANY_MAX));
        assertEquals(OptionalLong.empty(), WholeNumbers.parseSize("0GB", 1, ANY_MAX));
        assertEquals(OptionalLong.empty(), WholeNumbers.parseSize("2KB", 1, 1_999));
    }

    @Test
    void anOperatorsNumberMayHaveASignAndGroups() {
        assertEquals(OptionalLong.of(1_000_000), WholeNumbers.parseSetting("1_000_000", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(5), WholeNumbers.parseSetting("+5", ANY_MIN, ANY_MAX));
        assertEquals(OptionalLong.of(-5), WholeNumbers.parseSetting(" -5\n", ANY_MIN, ANY_MAX));
        for (String refused : new String[] {"", "ten", "_1", "1_", "1__0", "1 000", "\u0663", "99999999999999999999"}) {
            assertEquals(OptionalLong.empty(), WholeNumbers.parseSetting(refused, ANY_MIN, ANY_MAX), refused);
        }
    }

    @Test
    void aSizeIsBytesOrANumberWithADecimalOrBinaryUnit() {
        assertEquals(OptionalLong.of(1_073_741_824), WholeNumbers.parseSize("1073741824", 1, ANY_MAX));
        assertEquals(OptionalLong.of(10_000_000_000L), WholeNumbers.parseSize("10GB", 1, ANY_MAX));
        assertEquals(OptionalLong.of(20_000_000), WholeNumbers.parseSize("20MB", 1, ANY_MAX));
        assertEquals(OptionalLong.of(1L << 30), WholeNumbers.parseSize("1 GiB", 1, ANY_MAX));
        assertEquals(OptionalLong.of(512L << 20), WholeNumbers.parseSize("512mib", 1, ANY_MAX));
        assertEquals(OptionalLong.of(3_000), WholeNumbers.parseSize(" 3kb ", 1, ANY_MAX));
        assertEquals(OptionalLong.of(2L << 40), WholeNumbers.parseSize("2TiB", 1, ANY_MAX));
        assertEquals(OptionalLong.of(1_000_000), WholeNumbers.parseSize("1_000 KB", 1, ANY_MAX));
        for (String refused :
                new String[] {"", "ten", "10 G", "10GBs", "-1KB", "+1KB", "1.5GB", "10PB", "9999999TiB"}) {
            assertEquals(OptionalLong.empty(), WholeNumbers.parseSize(refused, 1, ANY_MAX), refused);
        }
    }
}
