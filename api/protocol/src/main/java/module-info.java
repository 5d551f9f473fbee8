/** The protocol shared by arrowhttp servers and clients. */
// lz4-java publishes no module descriptor, only an Automatic-Module-Name: requiring it by that name
// is the one way a named module can use it.
@SuppressWarnings("requires-automatic")
module io.arrowhttp.protocol {
    requires transitive jakarta.ws.rs;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.apache.arrow.vector;
    requires transitive org.apache.arrow.memory.core;
    requires org.apache.arrow.compression;
    requires org.lz4.java;
    requires org.apache.commons.compress;
    requires com.github.luben.zstd_jni;
    requires com.aayushatharva.brotli4j;

    exports io.arrowhttp.protocol;
    // Implementation shared by arrowhttp's own server and client modules, not API (see its
    // package-info). Exported to all: the server modules that use it have no module names.
    exports io.arrowhttp.protocol.internal;
    exports io.arrowhttp.tls;

    opens io.arrowhttp.protocol to
            com.fasterxml.jackson.databind;
}
