/**
 * Datasets from Parquet, CSV and JSON-lines files and from read-only SQL over them, read by
 * DuckDB embedded and handed over as Arrow batches through the C data interface:
 * {@link io.arrowhttp.source.duckdb.DuckDbEngine} is the locked-down database every such
 * dataset shares, {@link io.arrowhttp.source.duckdb.DuckDbDataset} one dataset.
 */
package io.arrowhttp.source.duckdb;
