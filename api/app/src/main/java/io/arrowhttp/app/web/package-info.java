/**
 * The web page at {@code /ui/}: its static files from the {@code arrowhttp-web} jar, and the
 * redirect that sends a browser asking for {@code /} there.
 */
package io.arrowhttp.app.web;
