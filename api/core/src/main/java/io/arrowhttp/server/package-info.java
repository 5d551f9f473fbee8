/**
 * The server API: {@link io.arrowhttp.server.ArrowHttpFeature}, the one thing an application
 * registers. What resource methods return is in {@code io.arrowhttp.response}, what a call
 * carries in {@code io.arrowhttp.call}, the dataset SPI in {@code io.arrowhttp.dataset}.
 */
package io.arrowhttp.server;
