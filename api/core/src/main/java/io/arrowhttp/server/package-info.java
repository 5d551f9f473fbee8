/**
 * The server API: {@link io.arrowhttp.server.ArrowHttpFeature}, the one thing an application
 * registers, and what resource methods and datasets use: {@link io.arrowhttp.server.ArrowStream},
 * {@link io.arrowhttp.server.ArrowMultipart}, {@link io.arrowhttp.server.CallContext}.
 */
package io.arrowhttp.server;
