/** Not API. The client's HTTP exchanges and the streaming multipart reader under it. */
package io.arrowhttp.client.internal;
