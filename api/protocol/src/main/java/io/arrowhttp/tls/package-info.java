/** TLS keys and certificates from PEM files or PKCS12 keystores, for servers and clients alike. */
package io.arrowhttp.tls;
