/**
 * Not API. Compression of Arrow responses: which one a request asks for ({@code Accept}'s
 * {@code codecs}, the {@code codecs} query parameter, {@code Accept-Encoding}), and the streams
 * that apply an HTTP content coding batch by batch.
 */
package io.arrowhttp.internal.compression;
