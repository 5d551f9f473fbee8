/** The example dataset of the seed protocol: random ticker prices, made batch by batch. */
package io.arrowhttp.app.example;
