package io.arrowhttp.app.example;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The built-in example: synthetic trades of 60 random tickers, as served by the
 * {@code get_multipart} example of Arrow's HTTP experiments.
 *
 * <p>A base batch of {@value #BASE_ROWS} rows is made once; each response is a run of
 * {@value #BATCH_ROWS}-row batches, each a random slice of the base batch, produced while the
 * response is written. The JSON part lists the tickers with a made-up description each.
 *
 * <p>Query parameter {@code rows}: how many rows to send, from 1 to {@link #maxRows()}, default
 * {@value #DEFAULT_ROWS} (about 1 GB).
 */
public final class TickersDataset implements Dataset {

    public static final String NAME = "tickers";
    public static final long DEFAULT_ROWS = 42_000_000L;
    /** Largest {@code rows} accepted unless configured otherwise: about 25 GB, minutes of streaming. */
    public static final long DEFAULT_MAX_ROWS = 1_000_000_000L;

    public static final int BATCH_ROWS = 6 * 1024;
    public static final int BASE_ROWS = 8 * BATCH_ROWS;
    public static final int TICKER_COUNT = 60;

    static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("ticker", ArrowType.Utf8.INSTANCE),
            Field.notNullable("price", new ArrowType.Int(64, true)),
            Field.notNullable("volume", new ArrowType.Int(64, true))));

    private final List<Ticker> tickers;
    private final BaseBatch base;
    private final long maxRows;
    private final SplittableRandom seeds;

    /** One ticker and its description: an element of the JSON part. */
    public record Ticker(String ticker, String description) {}

    /** A dataset with random content and the default bound on {@code rows}. */
    public TickersDataset() {
        this(new SplittableRandom().nextLong(), DEFAULT_MAX_ROWS);
    }

    /**
     * @param seed makes the tickers, the base batch and every response's slices repeatable
     * @param maxRows the largest {@code rows} a client may ask for; bounds how long one response
     *     can keep a connection and a thread busy
     */
    public TickersDataset(long seed, long maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        SplittableRandom random = new SplittableRandom(seed);
        this.tickers = makeTickers(random);
        this.base = BaseBatch.make(tickers, random);
        this.maxRows = maxRows;
        this.seeds = random.split();
    }

    public long maxRows() {
        return maxRows;
    }

    /** The 60 tickers with their descriptions, in the order of the JSON part. */
    public List<Ticker> tickers() {
        return tickers;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Synthetic trades (ticker, price, volume) of 60 random tickers; 'rows' sets the row count";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public OptionalLong totalRecords() {
        return OptionalLong.of(DEFAULT_ROWS);
    }

    @Override
    public Object metadata(DatasetRequest request) {
        return tickers;
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        long rows = request.longParameter("rows", DEFAULT_ROWS, 1, maxRows);
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        return new TickersReader(allocator, base, rows, new SplittableRandom(seed));
    }

    /** The base batch every response slices. */
    BaseBatch base() {
        return base;
    }

    private static List<Ticker> makeTickers(SplittableRandom random) {
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < TICKER_COUNT) {
            names.add(letters(random, 'A', random.nextInt(3, 5)));
        }
        List<Ticker> result = new ArrayList<>();
        for (String name : names) {
            StringBuilder description = new StringBuilder();
            for (char initial : name.toCharArray()) {
                if (description.length() > 0) {
                    description.append(' ');
                }
                description.append(initial).append(letters(random, 'a', random.nextInt(3, 8)));
            }
            result.add(new Ticker(name, description.toString()));
        }
        return List.copyOf(result);
    }

    private static String letters(SplittableRandom random, char first, int count) {
        char[] chars = new char[count];
        for (int i = 0; i < count; i++) {
            chars[i] = (char) (first + random.nextInt(26));
        }
        return new String(chars);
    }

    /**
     * The base batch kept on the heap in Arrow's little-endian layout, so that a slice is copied
     * into a record batch with a few bulk copies instead of row by row.
     */
    record BaseBatch(byte[] tickerBytes, int[] tickerOffsets, byte[] prices, byte[] volumes) {

        static BaseBatch make(List<Ticker> tickers, SplittableRandom random) {
            byte[][] encoded = tickers.stream()
                    .map(t -> t.ticker().getBytes(StandardCharsets.UTF_8))
                    .toArray(byte[][]::new);
            ByteBuffer tickerBytes = ByteBuffer.allocate(BASE_ROWS * 4);
            int[] offsets = new int[BASE_ROWS + 1];
            ByteBuffer prices = ByteBuffer.allocate(BASE_ROWS * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer volumes = ByteBuffer.allocate(BASE_ROWS * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int row = 0; row < BASE_ROWS; row++) {
                tickerBytes.put(encoded[random.nextInt(encoded.length)]);
                offsets[row + 1] = tickerBytes.position();
                prices.putLong(random.nextInt(1, 1001) * 100L);
                volumes.putLong(random.nextInt(1, 10_001));
            }
            byte[] bytes = new byte[tickerBytes.position()];
            tickerBytes.flip().get(bytes);
            return new BaseBatch(bytes, offsets, prices.array(), volumes.array());
        }
    }
}
