/** Checks that the JVM lets Arrow read and write IPC streams, run before either side first uses Arrow. */
package io.arrowhttp.runtime;
