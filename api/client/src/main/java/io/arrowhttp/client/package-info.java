/** The Java client: {@link io.arrowhttp.client.ArrowHttpClient}, its options and the streams it returns. */
package io.arrowhttp.client;
