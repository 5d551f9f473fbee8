/** Not API. The client's HTTP exchanges and the streams under them. */
package io.arrowhttp.client.internal;
