/**
 * What server and client need of the JVM to use Arrow: a check that it can read and write IPC
 * streams, run before either side first uses Arrow, and the codecs of compressed record batches.
 */
package io.arrowhttp.runtime;
