package io.arrowhttp.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Names become identifiers that keep their spelling and cannot end early. */
class SqlIdentifiersTest {

    @Test
    void aNameGoesBetweenDoubleQuotesWithItsOwnQuotesDoubled() {
        assertEquals("\"id\"", SqlIdentifiers.STANDARD.quote("id"));
        assertEquals("\"Trade Day\"", SqlIdentifiers.STANDARD.quote("Trade Day"));
        assertEquals("\"a\"\" FROM secrets --\"", SqlIdentifiers.STANDARD.quote("a\" FROM secrets --"));
        assertEquals("\"\"", SqlIdentifiers.STANDARD.quote(""));
    }

    @Test
    void theDatabasesQuoteIsUsedAndDoubled() {
        SqlIdentifiers mysql = SqlIdentifiers.quotedWith("`");
        assertEquals("`id`", mysql.quote("id"));
        assertEquals("`a``b`", mysql.quote("a`b"));
        assertEquals("`say \"hi\"`", mysql.quote("say \"hi\""));
        assertEquals("`a`, `b c`", mysql.list(List.of("a", "b c")));
    }

    @Test
    void driversThatNameNoQuoteGetTheStandardOne() {
        assertSame(SqlIdentifiers.STANDARD, SqlIdentifiers.quotedWith(null));
        assertSame(SqlIdentifiers.STANDARD, SqlIdentifiers.quotedWith(" "));
        assertSame(SqlIdentifiers.STANDARD, SqlIdentifiers.quotedWith(""));
        assertSame(SqlIdentifiers.STANDARD, SqlIdentifiers.quotedWith(" \" "));
        assertEquals("`x`", SqlIdentifiers.quotedWith(" ` ").quote("x"));
    }

    @Test
    void aListKeepsTheOrder() {
        assertEquals("\"b\", \"a\", \"c\"\"\"", SqlIdentifiers.STANDARD.list(List.of("b", "a", "c\"")));
        assertEquals("", SqlIdentifiers.STANDARD.list(List.of()));
    }
}
