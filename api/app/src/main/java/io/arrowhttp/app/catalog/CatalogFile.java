package io.arrowhttp.app.catalog;

import io.arrowhttp.protocol.UploadMetadata;
import io.arrowhttp.protocol.internal.WholeNumbers;
import io.arrowhttp.source.files.ArrowFileStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML catalog, read and checked: which datasets to serve and how. Its keys:
 *
 * <pre>
 * default: trades                  # optional: the dataset of GET /
 * data_directories: [/data]        # optional: the folders SQL may read; see below
 * duckdb: {memory_limit: 2GB, threads: 2, batch_rows: 65536}   # optional
 * datasets:
 *   - name: trades
 *     description: "Trades of 2024"
 *     file: /data/trades/*.parquet  # an Arrow, Parquet, CSV or JSON-lines file, or a glob
 *     metadata: {source: exchange}  # optional: extra content of the JSON part
 *   - name: big_trades
 *     sql: "SELECT * FROM '/data/trades/*.parquet' WHERE volume > :least"
 *     parameters: {least: {type: long, default: "1000"}}   # optional, as for JDBC queries
 *   - name: orders
 *     jdbc: {url: "jdbc:postgresql://127.0.0.1:5432/shop", user: shop, password: "${env:SHOP_PASSWORD}",
 *            pool: {max: 8}}
 *     sql: "SELECT id, placed, amount FROM orders WHERE placed >= :since"
 *     parameters: {since: {type: date, default: "2024-01-01"}}
 *   - name: orders_table
 *     jdbc: {url: "jdbc:postgresql://127.0.0.1:5432/shop", user: shop, password: "${env:SHOP_PASSWORD}"}
 *     table: orders                # serves its rows; with writers (or writable) takes uploads
 *     writers: [etl]
 *     upload_method: copy          # optional: copy (the bulk path: PostgreSQL's COPY, DuckDB's appender) or inserts
 *     partition: {column: id, count: 8}   # optional, for JDBC without parameters: endpoints on ranges of id
 * uploads:                        # optional: datasets clients may PUT and POST (Arrow files)
 *   directory: uploads             # the folder uploaded datasets are written to
 *   writers: [etl]                 # with authentication: who may upload
 *   writable: true                 # without authentication: needed, as anyone may then upload
 *   max_bytes: 10GB                # optional limits per upload: Arrow bytes stored (decompressed),
 *   max_body_bytes: 1GB            #   bytes of the body as received, rows, uploads at once
 *   max_rows: 100000000
 *   max_concurrent: 4
 *   min_bytes_per_second: 1KiB     # optional: the least pace of every upload's body, over
 *   rate_window_seconds: 10        #   each window of this many seconds (0 bytes: no least pace)
 *   max_description_bytes: 1KiB    # optional limits on what is kept (defaults: ArrowFileStore.Limits.DEFAULTS)
 *   max_metadata_bytes: 8KiB
 *   max_schema_bytes: 64KiB
 *   max_datasets: 1000
 *   max_datasets_per_writer: 100
 *   max_dataset_bytes: 10GiB
 *   max_total_bytes: 100GiB
 *   min_free_disk: 1GiB
 * cache:                          # optional: the Arrow cache of decoded datasets (see docs/catalog.md)
 *   directory: /var/cache/arrowhttp
 *   max_bytes: 4GiB
 *   ttl: 5m                        # entries of SQL over files; none by default (not cached)
 * </pre>
 *
 * <p>A dataset's {@code cache: false} keeps it out of the Arrow cache; {@code cache: {ttl: 10m}}
 * puts a SQL or JDBC dataset in it, its entries served for that long.
 *
 * <p>Relative paths, in {@code file} and in SQL, resolve against the catalog file's folder. Any
 * value may hold {@code ${env:NAME}} or {@code ${file:PATH}}, replaced by that environment variable
 * or that file's content; such values never appear in messages. Without {@code data_directories}, DuckDB may read the catalog file's folder
 * and the folder of every {@code file}.
 */
final class CatalogFile {

    private static final Set<String> TOP_KEYS =
            Set.of("default", "data_directories", "duckdb", "datasets", "uploads", "cache");
    private static final Set<String> CACHE_KEYS = Set.of("directory", "max_bytes", "ttl");
    private static final Set<String> DATASET_CACHE_KEYS = Set.of("ttl");
    private static final Set<String> STORE_KEYS = Set.of(
            "max_description_bytes",
            "max_metadata_bytes",
            "max_schema_bytes",
            "max_datasets",
            "max_datasets_per_writer",
            "max_dataset_bytes",
            "max_total_bytes",
            "min_free_disk");
    private static final Set<String> UPLOAD_KEYS = Stream.concat(
                    Stream.of(
                            "directory",
                            "writable",
                            "writers",
                            "max_bytes",
                            "max_body_bytes",
                            "max_rows",
                            "max_concurrent",
                            "min_bytes_per_second",
                            "rate_window_seconds"),
                    STORE_KEYS.stream())
            .collect(Collectors.toUnmodifiableSet());
    private static final Set<String> DATASET_KEYS = Set.of(
            "name",
            "description",
            "file",
            "sql",
            "table",
            "metadata",
            "jdbc",
            "parameters",
            "batch_rows",
            "writers",
            "writable",
            "upload_method",
            "partition",
            "cache");
    private static final Set<String> JDBC_KEYS = Set.of("url", "user", "password", "pool");
    private static final Set<String> POOL_KEYS = Set.of("max", "connection_timeout_seconds");
    private static final Set<String> PARAMETER_KEYS = Set.of("type", "default");
    private static final Set<String> DUCKDB_KEYS = Set.of("memory_limit", "threads", "batch_rows");
    private static final Set<String> PARTITION_KEYS = Set.of("column", "count");

    /**
     * One entry of {@code datasets}. {@code file}, {@code sql} and {@code table}: exactly one is
     * set; {@code parameters} go with {@code sql}, through DuckDB or JDBC; {@code jdbc} (with
     * {@code batchRows}) makes {@code sql} a query on
     * that database instead of DuckDB's, and is needed by {@code table}, whose {@code writes} say
     * who may upload to it (null: nobody).
     */
    record Entry(
            String name,
            String description,
            String file,
            String sql,
            String table,
            Map<String, Object> metadata,
            Jdbc jdbc,
            List<Parameter> parameters,
            Integer batchRows,
            Writes writes,
            Partition partition,
            int line,
            DatasetCaching cache) {}

    /**
     * A dataset's {@code cache}: {@code false} (off), {@code true} (the server's default), or
     * {@code {ttl: SECONDS}}; null when not given.
     *
     * @param enabled whether its bare streams may be kept in the Arrow cache
     * @param ttlSeconds how long an entry is served, null for the server's default
     */
    record DatasetCaching(boolean enabled, Long ttlSeconds) {}

    /** The catalog's {@code cache} section; null where not given. */
    record CacheSection(Path directory, Long maxBytes, Long ttlSeconds) {}

    /** A JDBC dataset's {@code partition}: ranges of {@code column}, at most {@code count}. */
    record Partition(String column, int count, int line) {}

    /**
     * Who may upload, and how, for an {@code uploads} section or a {@code table}.
     *
     * @param writable true when anyone may, without authentication
     * @param writers the identities that may, with authentication
     * @param method {@code copy} or {@code inserts} for a table; null for the default
     */
    record Writes(boolean writable, List<String> writers, String method, int line) {}

    /** The {@code jdbc} of a dataset; {@code user}, {@code password} and the pool settings may be null. */
    record Jdbc(String url, String user, String password, Integer poolMax, Integer connectionTimeoutSeconds) {}

    /** One of a dataset's {@code parameters}; {@code defaultValue} may be null. */
    record Parameter(String name, String type, String defaultValue, int line) {}

    /**
     * The {@code uploads} settings: where {@code PUT} and {@code POST} write, and who may. The
     * limits of one upload are null where not given; those of what the directory keeps are the
     * store's defaults where not given.
     */
    record Uploads(
            Path directory,
            Writes writes,
            Long maxBytes,
            Long maxBodyBytes,
            Long maxRows,
            Integer maxConcurrent,
            int line,
            ArrowFileStore.Limits stored,
            Long minBytesPerSecond,
            Integer rateWindowSeconds) {}

    /** The {@code duckdb} settings; null where not given. */
    record DuckDbSettings(String memoryLimit, Integer threads, Integer batchRows) {}

    private final Path path;
    private final ValueReferences references;
    private String defaultDataset;
    private int defaultLine;
    private final List<Path> dataDirectories = new ArrayList<>();
    private DuckDbSettings duckdb = new DuckDbSettings(null, null, null);
    private final List<Entry> entries = new ArrayList<>();
    private Uploads uploads;
    private CacheSection cache;

    private CatalogFile(Path path, ValueReferences references) {
        this.path = path;
        this.references = references;
    }

    /**
     * Reads and checks {@code path}.
     *
     * @throws ConfigurationException for a file that cannot be read, is not YAML, has an unknown
     *     key, a value of the wrong kind, or a name used twice
     */
    static CatalogFile read(Path path, Map<String, String> environment) {
        CatalogFile catalog = new CatalogFile(
                path.toAbsolutePath().normalize(),
                new ValueReferences(
                        environment, path.toAbsolutePath().normalize().getParent()));
        Node root;
        LoadSettings settings = LoadSettings.builder()
                .setLabel(path.toString())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(10)
                .build();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            root = new Compose(settings).composeReader(reader).orElse(null);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(path, 0, "the catalog file does not exist; give the path of a YAML file");
        } catch (IOException e) {
            throw new ConfigurationException(path, 0, "cannot read the catalog file: " + e.getMessage());
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(mark -> mark.getLine() + 1).orElse(0);
            throw new ConfigurationException(path, line, "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigurationException(path, 0, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw catalog.error(null, "the catalog is empty; list datasets under 'datasets:'");
        }
        catalog.readTop(catalog.mapping(root, "the catalog", TOP_KEYS));
        return catalog;
    }

    Path path() {
        return path;
    }

    /** The folder relative paths resolve against. */
    Path folder() {
        return path.getParent();
    }

    Optional<String> defaultDataset() {
        return Optional.ofNullable(defaultDataset);
    }

    int defaultLine() {
        return defaultLine;
    }

    List<Path> dataDirectories() {
        return dataDirectories;
    }

    DuckDbSettings duckdb() {
        return duckdb;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The {@code cache} section, if there is one. */
    Optional<CacheSection> cache() {
        return Optional.ofNullable(cache);
    }

    Optional<Uploads> uploads() {
        return Optional.ofNullable(uploads);
    }

    /** An error at {@code line} of this file, with values from the environment redacted. */
    ConfigurationException error(int line, String problem, Throwable cause) {
        return new ConfigurationException(path, line, references.redact(problem), cause);
    }

    private ConfigurationException error(Node node, String problem) {
        return new ConfigurationException(path, line(node), references.redact(problem));
    }

    private void readTop(Map<String, Node> top) {
        if (top.containsKey("default")) {
            defaultDataset = scalar(top.get("default"), "default");
            defaultLine = line(top.get("default"));
        }
        if (top.containsKey("data_directories")) {
            for (Node folder : sequence(top.get("data_directories"), "data_directories")) {
                dataDirectories.add(resolve(scalar(folder, "a data directory")));
            }
        }
        if (top.containsKey("duckdb")) {
            Map<String, Node> settings = mapping(top.get("duckdb"), "duckdb", DUCKDB_KEYS);
            duckdb = new DuckDbSettings(
                    settings.containsKey("memory_limit") ? scalar(settings.get("memory_limit"), "memory_limit") : null,
                    positive(settings.get("threads"), "threads"),
                    positive(settings.get("batch_rows"), "batch_rows"));
        }
        if (top.containsKey("uploads")) {
            uploads = readUploads(top.get("uploads"));
        }
        if (top.containsKey("cache")) {
            Map<String, Node> keys = mapping(top.get("cache"), "cache", CACHE_KEYS);
            cache = new CacheSection(
                    keys.containsKey("directory") ? resolve(scalar(keys.get("directory"), "directory")) : null,
                    size(keys.get("max_bytes"), "max_bytes"),
                    seconds(keys.get("ttl"), "ttl"));
        }
        Node datasets = top.get("datasets");
        if (datasets == null) {
            if (uploads != null) {
                return;
            }
            throw error(null, "the catalog has no 'datasets:' list; add one");
        }
        Map<String, Integer> names = new LinkedHashMap<>();
        for (Node item : sequence(datasets, "datasets")) {
            Entry entry = readEntry(item);
            Integer first = names.putIfAbsent(entry.name(), entry.line());
            if (first != null) {
                throw error(
                        item,
                        "the dataset name '" + entry.name() + "' is used twice (first at line " + first
                                + "); rename one");
            }
            entries.add(entry);
        }
    }

    private Entry readEntry(Node item) {
        Map<String, Node> keys = mapping(item, "a dataset", DATASET_KEYS);
        Node nameNode = keys.get("name");
        if (nameNode == null) {
            throw error(item, "a dataset has no 'name'; add one");
        }
        String name = scalar(nameNode, "name");
        String file = keys.containsKey("file") ? scalar(keys.get("file"), "file") : null;
        String sql = keys.containsKey("sql") ? scalar(keys.get("sql"), "sql") : null;
        String table = keys.containsKey("table") ? scalar(keys.get("table"), "table") : null;
        if (Stream.of(file, sql, table).filter(Objects::nonNull).count() != 1) {
            throw error(item, "dataset '" + name + "' needs exactly one of 'file', 'sql' and 'table'");
        }
        Jdbc jdbc = keys.containsKey("jdbc") ? readJdbc(keys.get("jdbc")) : null;
        if (jdbc != null && file != null) {
            throw error(keys.get("jdbc"), "dataset '" + name + "': 'jdbc' goes with 'sql' or 'table', not 'file'");
        }
        if (jdbc == null && table != null) {
            throw error(keys.get("table"), "dataset '" + name + "': 'table' needs 'jdbc', the database it is in");
        }
        Writes writes = null;
        if (keys.containsKey("writers") || keys.containsKey("writable") || keys.containsKey("upload_method")) {
            if (table == null) {
                throw error(
                        item,
                        "dataset '" + name + "': only a 'table' takes uploads ('writers', 'writable',"
                                + " 'upload_method'); for files, see 'uploads'");
            }
            writes = readWrites(keys, item);
            if (writes.method() != null && !Set.of("copy", "inserts").contains(writes.method())) {
                throw error(
                        keys.get("upload_method"), "'upload_method' is copy or inserts; got '" + writes.method() + "'");
            }
        }
        if (sql == null && keys.containsKey("parameters")) {
            throw error(
                    keys.get("parameters"),
                    "dataset '" + name + "': 'parameters' goes with 'sql', the query that uses them");
        }
        for (String jdbcOnly : List.of("batch_rows", "partition")) {
            if (jdbc == null && keys.containsKey(jdbcOnly)) {
                throw error(keys.get(jdbcOnly), "dataset '" + name + "': '" + jdbcOnly + "' needs 'jdbc'");
            }
        }
        List<Parameter> parameters = new ArrayList<>();
        if (keys.containsKey("parameters")) {
            Map<String, Node> declared = mapping(keys.get("parameters"), "parameters", null);
            declared.forEach((parameter, node) -> {
                Map<String, Node> settings = mapping(node, "parameter '" + parameter + "'", PARAMETER_KEYS);
                if (!settings.containsKey("type")) {
                    throw error(
                            node,
                            "parameter '" + parameter + "' has no 'type'; give one of string, long, double,"
                                    + " boolean, date, timestamp");
                }
                parameters.add(new Parameter(
                        parameter,
                        scalar(settings.get("type"), "type"),
                        settings.containsKey("default") ? scalar(settings.get("default"), "default") : null,
                        line(node)));
            });
        }
        String description = keys.containsKey("description") ? scalar(keys.get("description"), "description") : "";
        Map<String, Object> metadata =
                keys.containsKey("metadata") ? jsonObject(mapping(keys.get("metadata"), "metadata", null)) : Map.of();
        return new Entry(
                name,
                description,
                file,
                sql,
                table,
                metadata,
                jdbc,
                List.copyOf(parameters),
                positive(keys.get("batch_rows"), "batch_rows"),
                writes,
                keys.containsKey("partition") ? readPartition(keys.get("partition")) : null,
                line(item),
                keys.containsKey("cache") ? readCaching(keys.get("cache")) : null);
    }

    private DatasetCaching readCaching(Node node) {
        if (node instanceof ScalarNode) {
            String text = scalar(node, "cache").trim();
            if (!text.equals("true") && !text.equals("false")) {
                throw error(node, "'cache' is true, false or {ttl: SECONDS}; got '" + text + "'");
            }
            return new DatasetCaching(Boolean.parseBoolean(text), null);
        }
        Map<String, Node> keys = mapping(node, "cache", DATASET_CACHE_KEYS);
        return new DatasetCaching(true, seconds(keys.get("ttl"), "ttl"));
    }

    /** A duration in whole seconds, or with a unit: 90, 90s, 15m, 2h, 1d. */
    private Long seconds(Node node, String what) {
        if (node == null) {
            return null;
        }
        String text = scalar(node, what).trim();
        long unit = 1;
        String number = text;
        if (!text.isEmpty()) {
            switch (text.charAt(text.length() - 1)) {
                case 's' -> number = text.substring(0, text.length() - 1);
                case 'm' -> {
                    unit = 60;
                    number = text.substring(0, text.length() - 1);
                }
                case 'h' -> {
                    unit = 3600;
                    number = text.substring(0, text.length() - 1);
                }
                case 'd' -> {
                    unit = 86_400;
                    number = text.substring(0, text.length() - 1);
                }
                default -> {
                    // Seconds without a unit.
                }
            }
        }
        long factor = unit;
        OptionalLong value = WholeNumbers.parseSetting(number.trim(), 1, Long.MAX_VALUE / factor);
        if (value.isEmpty()) {
            throw error(node, "'" + what + "' is a duration such as 300, 90s, 15m, 2h or 1d; got '" + text + "'");
        }
        return value.getAsLong() * factor;
    }

    private Partition readPartition(Node node) {
        Map<String, Node> keys = mapping(node, "partition", PARTITION_KEYS);
        if (!keys.containsKey("column") || !keys.containsKey("count")) {
            throw error(node, "'partition' needs 'column' and 'count', such as {column: id, count: 8}");
        }
        return new Partition(scalar(keys.get("column"), "column"), positive(keys.get("count"), "count"), line(node));
    }

    private Uploads readUploads(Node node) {
        Map<String, Node> keys = mapping(node, "uploads", UPLOAD_KEYS);
        if (!keys.containsKey("directory")) {
            throw error(node, "'uploads' has no 'directory'; give the folder uploaded datasets are written to");
        }
        return new Uploads(
                resolve(scalar(keys.get("directory"), "directory")),
                readWrites(keys, node),
                size(keys.get("max_bytes"), "max_bytes"),
                size(keys.get("max_body_bytes"), "max_body_bytes"),
                wholeNumber(keys.get("max_rows"), "max_rows"),
                positive(keys.get("max_concurrent"), "max_concurrent"),
                line(node),
                readStoreLimits(keys),
                size(keys.get("min_bytes_per_second"), "min_bytes_per_second", 0),
                positive(keys.get("rate_window_seconds"), "rate_window_seconds"));
    }

    /** What the uploads directory keeps at most (and the disk at least), the defaults where not given. */
    private ArrowFileStore.Limits readStoreLimits(Map<String, Node> keys) {
        ArrowFileStore.Limits defaults = ArrowFileStore.Limits.DEFAULTS;
        Integer datasets = positive(keys.get("max_datasets"), "max_datasets");
        Integer perWriter = positive(keys.get("max_datasets_per_writer"), "max_datasets_per_writer");
        return new ArrowFileStore.Limits(
                metadataSize(keys, "max_description_bytes", defaults.maxDescriptionBytes()),
                metadataSize(keys, "max_metadata_bytes", defaults.maxMetadataBytes()),
                orDefault(size(keys.get("max_schema_bytes"), "max_schema_bytes"), defaults.maxSchemaBytes()),
                datasets == null ? defaults.maxDatasets() : datasets,
                perWriter == null ? defaults.maxDatasetsPerWriter() : perWriter,
                orDefault(size(keys.get("max_dataset_bytes"), "max_dataset_bytes"), defaults.maxDatasetBytes()),
                orDefault(size(keys.get("max_total_bytes"), "max_total_bytes"), defaults.maxTotalBytes()),
                orDefault(size(keys.get("min_free_disk"), "min_free_disk", 0), defaults.minFreeBytes()));
    }

    /** A limit on the description or metadata kept: at most what the JSON part of an upload may hold. */
    private long metadataSize(Map<String, Node> keys, String what, long defaultBytes) {
        Node node = keys.get(what);
        if (node == null) {
            return defaultBytes;
        }
        String text = scalar(node, what).trim();
        return WholeNumbers.parseSize(text, 1, UploadMetadata.MAX_BYTES)
                .orElseThrow(() -> error(
                        node,
                        "'" + what + "' is a size from 1 to 1MiB (the most an upload's JSON part may hold), such as"
                                + " 4KiB; got '" + text + "'"));
    }

    private static long orDefault(Long value, long defaultValue) {
        return value == null ? defaultValue : value;
    }

    private Writes readWrites(Map<String, Node> keys, Node owner) {
        boolean writable = false;
        if (keys.containsKey("writable")) {
            String value = scalar(keys.get("writable"), "writable");
            if (!value.equals("true") && !value.equals("false")) {
                throw error(keys.get("writable"), "'writable' is true or false; got '" + value + "'");
            }
            writable = Boolean.parseBoolean(value);
        }
        List<String> writers = new ArrayList<>();
        if (keys.containsKey("writers")) {
            for (Node writer : sequence(keys.get("writers"), "writers")) {
                writers.add(scalar(writer, "a writer"));
            }
        }
        String method = keys.containsKey("upload_method") ? scalar(keys.get("upload_method"), "upload_method") : null;
        return new Writes(writable, List.copyOf(writers), method, line(owner));
    }

    /** A number of bytes: a whole number, or one with a unit (KB, MB, GB, TB or KiB, MiB, GiB, TiB). */
    private Long size(Node node, String what) {
        return size(node, what, 1);
    }

    private Long size(Node node, String what, long min) {
        if (node == null) {
            return null;
        }
        String text = scalar(node, what).trim();
        return WholeNumbers.parseSize(text, min, Long.MAX_VALUE)
                .orElseThrow(() ->
                        error(node, "'" + what + "' is a size such as 1073741824, 10GB or 512MiB; got '" + text + "'"));
    }

    private Long wholeNumber(Node node, String what) {
        if (node == null) {
            return null;
        }
        String text = scalar(node, what).trim();
        return WholeNumbers.parseSetting(text, 1, Long.MAX_VALUE)
                .orElseThrow(
                        () -> error(node, "'" + what + "' must be a whole number greater than 0; got '" + text + "'"));
    }

    private Jdbc readJdbc(Node node) {
        Map<String, Node> keys = mapping(node, "jdbc", JDBC_KEYS);
        if (!keys.containsKey("url")) {
            throw error(node, "'jdbc' has no 'url'; add one, such as jdbc:postgresql://host:5432/database");
        }
        Map<String, Node> pool = keys.containsKey("pool") ? mapping(keys.get("pool"), "pool", POOL_KEYS) : Map.of();
        return new Jdbc(
                scalar(keys.get("url"), "url"),
                keys.containsKey("user") ? scalar(keys.get("user"), "user") : null,
                keys.containsKey("password") ? scalar(keys.get("password"), "password") : null,
                positive(pool.get("max"), "max"),
                positive(pool.get("connection_timeout_seconds"), "connection_timeout_seconds"));
    }

    /** A path from the catalog, resolved against the catalog's folder. */
    Path resolve(String value) {
        return folder().resolve(value).normalize();
    }

    private Map<String, Node> mapping(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, what + " must be a mapping of keys to values");
        }
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
            if (key == null) {
                throw error(tuple.getKeyNode(), "a key of " + what + " must be plain text");
            }
            if (allowed != null && !allowed.contains(key)) {
                throw error(
                        tuple.getKeyNode(),
                        "unknown key '" + key + "' in " + what + "; the keys are: "
                                + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (keys.put(key, tuple.getValueNode()) != null) {
                throw error(tuple.getKeyNode(), "the key '" + key + "' is given twice in " + what + "; keep one");
            }
        }
        return keys;
    }

    private List<Node> sequence(Node node, String what) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, "'" + what + "' must be a list (lines starting with '- ')");
        }
        return sequence.getValue();
    }

    private String scalar(Node node, String what) {
        if (!(node instanceof ScalarNode scalar) || Tag.NULL.equals(node.getTag())) {
            throw error(node, "'" + what + "' must be a single value");
        }
        try {
            return references.resolve(scalar.getValue());
        } catch (IllegalArgumentException e) {
            throw error(node, "'" + what + "': " + e.getMessage());
        }
    }

    private Integer positive(Node node, String what) {
        if (node == null) {
            return null;
        }
        String text = scalar(node, what);
        return (int) WholeNumbers.parseSetting(text, 1, Integer.MAX_VALUE)
                .orElseThrow(
                        () -> error(node, "'" + what + "' must be a whole number greater than 0; got '" + text + "'"));
    }

    /** Metadata as JSON values: YAML's numbers, booleans and nulls as such, the rest as text. */
    private Map<String, Object> jsonObject(Map<String, Node> keys) {
        Map<String, Object> object = new LinkedHashMap<>();
        keys.forEach((key, value) -> object.put(key, jsonValue(value)));
        return object;
    }

    private Object jsonValue(Node node) {
        if (node instanceof MappingNode) {
            return jsonObject(mapping(node, "metadata", null));
        }
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue().stream().map(this::jsonValue).toList();
        }
        if (Tag.NULL.equals(node.getTag())) {
            return null;
        }
        String text = scalar(node, "metadata");
        Tag tag = node.getTag();
        if (Tag.BOOL.equals(tag)) {
            return Boolean.parseBoolean(text);
        }
        if (Tag.INT.equals(tag)) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return text;
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return text;
            }
        }
        return text;
    }

    private static int line(Node node) {
        return node == null
                ? 0
                : node.getStartMark().map(Mark::getLine).map(line -> line + 1).orElse(0);
    }
}
