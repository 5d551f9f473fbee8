/** The Java client of arrowhttp servers. Its internals ({@code io.arrowhttp.client.internal}) are not exported. */
module io.arrowhttp.client {
    requires transitive io.arrowhttp.protocol;

    exports io.arrowhttp.client;
}
