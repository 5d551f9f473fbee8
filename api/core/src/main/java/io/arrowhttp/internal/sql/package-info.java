/**
 * Not API. SQL text shared by the sources that send SQL to a database (DuckDB and JDBC), which
 * depend on this module but not on each other.
 */
package io.arrowhttp.internal.sql;
