/**
 * How DuckDB datasets are read: SQL text built from quoted identifiers and literals, the check
 * that a configured query is one {@code SELECT}, and the reader that owns a query's statement and
 * connection. Not part of the API.
 */
package io.arrowhttp.source.duckdb.internal;
