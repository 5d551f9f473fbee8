/** Not API. Small pieces of the bytes on the wire: footnotes, header syntax, the empty body of a HEAD answer. */
package io.arrowhttp.internal.wire;
