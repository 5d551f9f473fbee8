package io.arrowhttp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ClientTextTest {

    @Test
    void controlCharactersCannotBreakALine() {
        String forged = "x\n2026-12-01 13:46:00 INFO io.arrowhttp.access: GET /\r\u001b[2J\u0000";
        String shown = ClientText.quote(forged, 200);
        assertFalse(shown.chars().anyMatch(Character::isISOControl), shown);
        assertEquals("'x\\u000a2026-12-01 13:46:00 INFO io.arrowhttp.access: GET /\\u000d\\u001b[2J\\u0000'", shown);
    }

    @Test
    void unicodeLineSeparatorsAndInvisibleFormatCharactersAreEscaped() {
        assertEquals("'a\\u2028b\\u202ec'", ClientText.quote("a\u2028b\u202ec"));
    }

    @Test
    void quotesAndBackslashesCannotCloseTheQuote() {
        assertEquals("'it\\'s a\\\\b'", ClientText.quote("it's a\\b"));
    }

    @Test
    void longValuesAreCut() {
        assertEquals("'" + "a".repeat(64) + "...'", ClientText.quote("a".repeat(5000)));
        assertEquals("'abc'", ClientText.quote("abc"));
        assertEquals("null", ClientText.quote(null));
    }
}
