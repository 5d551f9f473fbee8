package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.testing.PostgresCluster;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.holders.NullableIntervalMonthDayNanoHolder;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL table of the types that have no plain JDBC mapping (arrays, {@code jsonb},
 * {@code json}, {@code uuid}, {@code interval}, an enum, {@code bytea}, {@code inet}, {@code cidr},
 * {@code macaddr}, {@code numeric} with and without a precision), each column served with its
 * documented Arrow type (docs/types.md) and every value compared with what {@code psql} prints.
 */
class PostgresTypesTest {

    private static final String NULL = "<NULL>";

    /** Each served column, and the psql expression that prints its values as the test prints the served ones. */
    private static final Map<String, String> PRINTED = new LinkedHashMap<>();

    static {
        PRINTED.put("id", "id");
        PRINTED.put("tags", "coalesce(array_to_string(tags, ',', '<null>'), '<NULL>')");
        PRINTED.put("scores", "coalesce(array_to_string(scores, ',', '<null>'), '<NULL>')");
        PRINTED.put("doc", "coalesce(doc::text, '<NULL>')");
        PRINTED.put("js", "coalesce(js::text, '<NULL>')");
        PRINTED.put("uid", "coalesce(uid::text, '<NULL>')");
        PRINTED.put(
                "span",
                "coalesce((extract(year from span) * 12 + extract(month from span))::int || ' '"
                        + " || extract(day from span)::int || ' ' || round((extract(hour from span) * 3600"
                        + " + extract(minute from span) * 60 + extract(second from span)) * 1000000000)::bigint, '<NULL>')");
        PRINTED.put("feeling", "coalesce(feeling::text, '<NULL>')");
        PRINTED.put("raw", "coalesce(encode(raw, 'hex'), '<NULL>')");
        PRINTED.put("addr", "CASE WHEN addr IS NULL THEN '<NULL>' ELSE format('%s', addr) END");
        PRINTED.put("net", "coalesce(net::text, '<NULL>')");
        PRINTED.put("mac", "coalesce(mac::text, '<NULL>')");
        PRINTED.put("amount", "coalesce(amount::text, '<NULL>')");
        PRINTED.put("price", "coalesce(price::text, '<NULL>')");
    }

    private static PostgresFixture fixture;
    private static PostgresCluster postgres;
    private static HikariDataSource pool;
    private static ArrowHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = PostgresFixture.start("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
                + " CREATE TABLE kinds (id int NOT NULL, tags text[], scores int[], doc jsonb, js json, uid uuid,"
                + " span interval, feeling mood, raw bytea, addr inet, net cidr, mac macaddr, amount numeric,"
                + " price numeric(10, 2));"
                + " INSERT INTO kinds VALUES"
                + " (1, '{a,NULL,\"c d\"}', '{1,NULL,-2147483648}', '{\"k\": [1, 2], \"s\": \"é\"}', '{\"x\":1}',"
                + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 year 2 mons 3 days 04:05:06.789', 'happy',"
                + " '\\xdeadbeef00', '192.168.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', 123.456789012345678901234,"
                + " 185.90),"
                + " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
                + " (3, '{}', '{}', 'null', '[]', '00000000-0000-0000-0000-000000000000', '-1 days +02:03:00', 'sad',"
                + " '', '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff', -0.5, -99999999.99),"
                + " (4, '{NULL}', '{7}', '\"text\"', '2', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '-00:00:00.000001',"
                + " 'ok', '\\x00', '10.1.2.3/32', '192.168.0.0/16', '00:00:00:00:00:00', 1e30, 0)");
        postgres = fixture.postgres;
        pool = fixture.pool;
        fixture.serve(
                source -> feature -> {
                    datasets(source).forEach(feature::dataset);
                    return feature;
                },
                Duration.ofSeconds(60));
        client = fixture.client();
    }

    private static List<JdbcDataset> datasets(DataSource source) {
        return List.of(
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("kinds", "Types without a plain JDBC mapping"),
                        "SELECT * FROM kinds ORDER BY id",
                        List.of(),
                        2),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("grid", "A two-dimensional array"),
                        "SELECT id, CASE WHEN id = 3 THEN ARRAY[[1, 2], [3, 4]] ELSE ARRAY[id] END AS grid"
                                + " FROM kinds ORDER BY id",
                        List.of(),
                        10));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void everyColumnIsServedWithItsDocumentedTypeAndTheValuesPsqlPrints() throws Exception {
        List<String> printed =
                postgres.psql("SELECT " + String.join(", ", PRINTED.values()) + " FROM kinds ORDER BY id");
        List<String> served = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get("kinds", GetOptions.defaults(), allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            assertDocumentedTypes(root.getSchema());
            while (stream.reader().loadNextBatch()) {
                for (int row = 0; row < root.getRowCount(); row++) {
                    List<String> values = new ArrayList<>();
                    for (String column : PRINTED.keySet()) {
                        values.add(text(root.getVector(column), row));
                    }
                    served.add(String.join("|", values));
                }
            }
        }
        assertEquals(printed, served);
    }

    @Test
    void aMultiDimensionalArrayFailsNamingTheDatasetColumnAndRow() {
        ArrowHttpException failed = assertThrows(ArrowHttpException.class, () -> {
            try (BufferAllocator allocator = new RootAllocator();
                    DatasetStream stream = client.get("grid", GetOptions.defaults(), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    // reading every batch
                }
            }
        });
        assertEquals(ErrorCode.UNAVAILABLE, failed.code());
        assertTrue(
                failed.getMessage()
                        .contains("Dataset 'grid' cannot serve column 'grid', row 3: a multi-dimensional" + " array"),
                failed.getMessage());
        assertTrue(failed.getMessage().contains("to_json(x)"), failed.getMessage());
    }

    @Test
    void everyColumnWithoutAnArrowTypeIsNamedAtOnceWithItsCast() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> JdbcDataset.of(
                        pool,
                        DatasetDescription.of("shapes", "Geometric types"),
                        "SELECT point(1, 2) AS p, 'a b'::tsvector AS words, 1 AS fine, ARRAY[point(0, 0)] AS points",
                        List.of(),
                        10));
        String message = refused.getMessage();
        assertTrue(message.contains("column 'p' has no Arrow type: type point"), message);
        assertTrue(message.contains("column 'words' has no Arrow type: type tsvector"), message);
        assertTrue(
                message.contains(
                        "column 'points' has no Arrow type: an array of point; cast it in the query to" + " text[]"),
                message);
        assertTrue(message.contains("x::text"), message);
    }

    private static void assertDocumentedTypes(Schema schema) {
        assertEquals(new ArrowType.List(), schema.findField("tags").getType());
        assertEquals(
                ArrowType.Utf8.INSTANCE,
                schema.findField("tags").getChildren().get(0).getType());
        assertEquals("element", schema.findField("tags").getChildren().get(0).getName());
        assertEquals(
                new ArrowType.Int(32, true),
                schema.findField("scores").getChildren().get(0).getType());
        for (String json : List.of("doc", "js")) {
            Field field = schema.findField(json);
            assertEquals(ArrowType.Utf8.INSTANCE, field.getType(), json);
            assertEquals("arrow.json", field.getMetadata().get("ARROW:extension:name"), json);
        }
        assertEquals(new ArrowType.FixedSizeBinary(16), schema.findField("uid").getType());
        assertEquals("arrow.uuid", schema.findField("uid").getMetadata().get("ARROW:extension:name"));
        assertEquals(
                new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO),
                schema.findField("span").getType());
        for (String text : List.of("feeling", "addr", "net", "mac", "amount")) {
            assertEquals(ArrowType.Utf8.INSTANCE, schema.findField(text).getType(), text);
            assertNull(schema.findField(text).getDictionary(), text);
        }
        assertEquals(ArrowType.Binary.INSTANCE, schema.findField("raw").getType());
        assertEquals(
                new ArrowType.Decimal(10, 2, 128), schema.findField("price").getType());
    }

    /** A served value as the psql expressions of {@link #PRINTED} print it. */
    private static String text(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return NULL;
        }
        if (vector instanceof ListVector list) {
            List<String> elements = new ArrayList<>();
            for (Object element : list.getObject(row)) {
                elements.add(element == null ? "<null>" : element.toString());
            }
            return String.join(",", elements);
        }
        if (vector instanceof FixedSizeBinaryVector uuid) {
            ByteBuffer bytes = ByteBuffer.wrap(uuid.get(row));
            return new UUID(bytes.getLong(), bytes.getLong()).toString();
        }
        if (vector instanceof IntervalMonthDayNanoVector interval) {
            NullableIntervalMonthDayNanoHolder holder = new NullableIntervalMonthDayNanoHolder();
            interval.get(row, holder);
            return holder.months + " " + holder.days + " " + holder.nanoseconds;
        }
        if (vector instanceof VarBinaryVector binary) {
            return HexFormat.of().formatHex(binary.get(row));
        }
        if (vector instanceof DecimalVector decimal) {
            BigDecimal value = decimal.getObject(row);
            return value.toPlainString();
        }
        return vector.getObject(row).toString();
    }
}
