/** The Java client of arrowhttp servers. Its internals ({@code io.arrowhttp.client.internal}) are not exported. */
module io.arrowhttp.client {
    requires transitive io.arrowhttp.protocol;
    requires com.github.luben.zstd_jni;
    requires com.aayushatharva.brotli4j;

    exports io.arrowhttp.client;
}
