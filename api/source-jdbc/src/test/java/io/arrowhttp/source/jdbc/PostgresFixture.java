package io.arrowhttp.source.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.server.ArrowHttpFeature;
import io.arrowhttp.testing.PostgresCluster;
import io.arrowhttp.testing.TestServer;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The set-up of this module's PostgreSQL tests: a throwaway cluster with the tables a test makes,
 * a pool of 4 connections to it, then a server on 127.0.0.1 of what the test serves over that pool
 * and a client of the server. {@link #close()} closes all of them, the client first and the
 * cluster last, each one only if it was made (a set-up that failed half-way closes what it made).
 */
final class PostgresFixture implements AutoCloseable {

    final PostgresCluster postgres;
    final HikariDataSource pool;
    private TestServer server;
    private ArrowHttpClient client;

    private PostgresFixture(PostgresCluster postgres, HikariDataSource pool) {
        this.postgres = postgres;
        this.pool = pool;
    }

    /** A cluster where {@code sql} has run (through psql), and a pool over it. */
    static PostgresFixture start(String sql) throws Exception {
        PostgresCluster postgres = PostgresCluster.start();
        try {
            postgres.psql(sql);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(postgres.jdbcUrl("postgres"));
            config.setUsername(PostgresCluster.USER);
            config.setPassword(postgres.password());
            config.setMaximumPoolSize(4);
            config.setConnectionTimeout(2_000);
            return new PostgresFixture(postgres, new HikariDataSource(config));
        } catch (Exception | Error e) {
            postgres.close();
            throw e;
        }
    }

    /**
     * Starts the server of what {@code serve} adds to the feature, given the pool, and its client
     * with {@code readTimeout}.
     */
    PostgresFixture serve(Function<DataSource, UnaryOperator<ArrowHttpFeature.Builder>> serve, Duration readTimeout) {
        server = TestServer.withFeature(serve.apply(pool));
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(readTimeout)
                .build();
        return this;
    }

    TestServer server() {
        return server;
    }

    ArrowHttpClient client() {
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        pool.close();
        postgres.close();
    }
}
