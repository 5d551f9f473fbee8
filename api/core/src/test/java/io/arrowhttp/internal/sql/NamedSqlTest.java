package io.arrowhttp.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Named parameters become positional ones; the same text inside literals, comments and casts does not. */
class NamedSqlTest {

    @Test
    void namedParametersBecomeQuestionMarksInOrderAndMayRepeat() {
        NamedSql parsed = NamedSql.parse("SELECT * FROM t WHERE a >= :from AND a < :from + 10 AND b = :kind");
        assertEquals("SELECT * FROM t WHERE a >= ? AND a < ? + 10 AND b = ?", parsed.jdbcSql());
        assertEquals(List.of("from", "from", "kind"), parsed.names());
    }

    @Test
    void colonsInLiteralsIdentifiersCommentsAndCastsAreText() {
        String sql = "SELECT ':a', \"col:b\", x::date, $$:c$$, $tag$ it''s :d $tag$ -- :e\n"
                + "/* :f */ FROM t WHERE y = :g AND z = 'it''s :h'";
        NamedSql parsed = NamedSql.parse(sql);
        assertEquals(sql.replace(":g", "?"), parsed.jdbcSql());
        assertEquals(List.of("g"), parsed.names());
    }
}
