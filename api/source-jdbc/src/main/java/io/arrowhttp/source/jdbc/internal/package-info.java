/**
 * Not API. How the JDBC source reads (Arrow types of JDBC columns, named parameters, batches of a
 * result set) and writes (a table's columns, PostgreSQL's binary COPY, batched inserts).
 */
package io.arrowhttp.source.jdbc.internal;
