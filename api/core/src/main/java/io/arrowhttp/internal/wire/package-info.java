/** Not API. Small pieces of the bytes on the wire: multipart boundaries, the empty body of a HEAD answer. */
package io.arrowhttp.internal.wire;
