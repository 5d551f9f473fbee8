/**
 * What server and client both need at run time: a check that the JVM can read and write Arrow IPC
 * streams, the codecs of compressed record batches, content decoding, and multipart bodies (fresh
 * boundaries, a streaming reader).
 */
package io.arrowhttp.runtime;
