/**
 * Implementation shared by arrowhttp's server and client, not API: a check that the JVM can read
 * and write Arrow IPC streams, the codecs of compressed record batches, content decoding,
 * multipart bodies (fresh boundaries, a streaming reader), header syntax and whole numbers.
 * Exported only to arrowhttp's own modules; it may change in any release.
 */
package io.arrowhttp.protocol.internal;
