/**
 * The arrowhttp application, the same in the war and on the standalone server: settings from
 * context parameters, system properties and environment, and the datasets they name.
 */
package io.arrowhttp.app;
