/**
 * The datasets the application serves without code: the YAML catalog ({@code --config},
 * {@code arrowhttp.config}), the files of a data folder ({@code --data}, {@code arrowhttp.data-dir}),
 * and the DuckDB engine they share. Every configuration error names the file, the line and the
 * remedy, and stops the application before it listens.
 */
package io.arrowhttp.app.catalog;
