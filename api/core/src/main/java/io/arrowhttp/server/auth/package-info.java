/**
 * Who calls: the {@link io.arrowhttp.server.auth.Authenticator} interface applications implement
 * to plug in their own check, and {@link io.arrowhttp.server.auth.TokenAuthenticator}, the
 * password handshake with signed bearer tokens that ships with the library.
 */
package io.arrowhttp.server.auth;
