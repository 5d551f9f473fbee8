/** What a server offers: the {@link io.arrowhttp.dataset.Dataset} interface users implement, and its request. */
package io.arrowhttp.dataset;
