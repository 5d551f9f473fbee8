package io.arrowhttp.internal.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.IpcCodec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The negotiation rules, header by header, as clients write them. */
class ResponseCompressionTest {

    /** What the negotiation chose: the preferred codec and the coding. */
    private record Choice(IpcCodec ipcCodec, ContentCoding contentCoding) {}

    private static Choice negotiate(String accept, String acceptEncoding, String codecs) {
        ResponseCompression compression = ResponseCompression.negotiate(
                accept == null ? null : List.of(accept),
                acceptEncoding == null ? null : List.of(acceptEncoding),
                codecs == null ? null : List.of(codecs));
        return new Choice(compression.ipcCodec(), compression.contentCoding());
    }

    private static Choice ipc(IpcCodec codec) {
        return new Choice(codec, null);
    }

    private static Choice coding(ContentCoding coding) {
        return new Choice(null, coding);
    }

    private static final Choice NONE = new Choice(null, null);

    @Test
    void everyAcceptedCodecIsKeptInTheServersOrder() {
        ResponseCompression compression = ResponseCompression.negotiate(
                List.of("application/vnd.apache.arrow.stream; codecs=\"lz4, snappy, zstd\""), null, null);
        assertEquals(List.of(IpcCodec.ZSTD, IpcCodec.LZ4), compression.ipcCodecs());
    }

    @Test
    void withNeitherHeaderNothingIsCompressed() {
        assertEquals(NONE, negotiate(null, null, null));
        assertEquals(NONE, negotiate("*/*", null, null));
        assertEquals(NONE, negotiate("application/vnd.apache.arrow.stream", "", null));
    }

    @Test
    void theServersFirstCodecTheClientListsIsChosenQuotedOrNot() {
        assertEquals(
                ipc(IpcCodec.ZSTD), negotiate("application/vnd.apache.arrow.stream; codecs=\"lz4, zstd\"", null, null));
        assertEquals(ipc(IpcCodec.LZ4), negotiate("application/vnd.apache.arrow.stream;codecs=lz4", null, null));
        assertEquals(ipc(IpcCodec.LZ4), negotiate("application/vnd.apache.arrow.stream; CODECS=\"LZ4\"", null, null));
    }

    @Test
    void codecsOnWiderRangesCountAndTheMostSpecificRangeWins() {
        assertEquals(ipc(IpcCodec.ZSTD), negotiate("application/*; codecs=zstd", null, null));
        assertEquals(ipc(IpcCodec.LZ4), negotiate("*/*; codecs=\"lz4\"", null, null));
        assertEquals(
                ipc(IpcCodec.LZ4),
                negotiate("*/*; codecs=zstd, application/vnd.apache.arrow.stream; codecs=lz4", null, null));
        assertEquals(
                ipc(IpcCodec.ZSTD),
                negotiate("multipart/mixed, application/vnd.apache.arrow.stream; codecs=\"zstd\"; q=0.5", null, null));
    }

    @Test
    void anEmptyListOrOnlyUnknownCodecsMeansUncompressedBuffers() {
        assertEquals(NONE, negotiate("application/vnd.apache.arrow.stream; codecs=\"\"", null, null));
        assertEquals(NONE, negotiate("application/vnd.apache.arrow.stream; codecs=\"snappy, brotli\"", null, null));
        assertEquals(NONE, negotiate("text/csv; codecs=zstd", null, null));
    }

    @Test
    void theQueryParameterTakesThePlaceOfAccept() {
        assertEquals(ipc(IpcCodec.LZ4), negotiate("application/vnd.apache.arrow.stream; codecs=zstd", null, "lz4"));
        assertEquals(ipc(IpcCodec.ZSTD), negotiate(null, null, "snappy,zstd"));
        assertEquals(NONE, negotiate("application/vnd.apache.arrow.stream; codecs=zstd", null, ""));
    }

    @Test
    void contentCodingsFollowQualitiesThenTheServersOrder() {
        assertEquals(coding(ContentCoding.ZSTD), negotiate(null, "gzip, deflate, br, zstd", null));
        assertEquals(coding(ContentCoding.GZIP), negotiate(null, "gzip", null));
        assertEquals(coding(ContentCoding.GZIP), negotiate(null, "x-gzip", null));
        assertEquals(coding(ContentCoding.BR), negotiate(null, "zstd;q=0.5, br;q=0.8, gzip;q=0.5", null));
        assertEquals(coding(ContentCoding.GZIP), negotiate(null, "compress;q=0.5, GZIP;q=1.0", null));
        assertEquals(coding(ContentCoding.ZSTD), negotiate(null, "*", null));
        assertEquals(coding(ContentCoding.BR), negotiate(null, "br, *;q=0", null));
        assertEquals(coding(ContentCoding.GZIP), negotiate(null, "gzip;q=1.0, identity; q=0.5, *;q=0", null));
    }

    @Test
    void identityIsChosenWhenTheClientPrefersItOrListsNothingOffered() {
        assertEquals(NONE, negotiate(null, "identity", null));
        assertEquals(NONE, negotiate(null, "compress, deflate", null));
        assertEquals(NONE, negotiate(null, "gzip;q=0.5, identity", null));
        assertEquals(NONE, negotiate(null, "gzip;q=0", null));
        assertEquals(NONE, negotiate(null, "*;q=0, identity", null));
    }

    @Test
    void anIpcCodecIsNeverCombinedWithAContentCoding() {
        assertEquals(
                ipc(IpcCodec.ZSTD), negotiate("application/vnd.apache.arrow.stream; codecs=zstd", "gzip, br", null));
        // Only a content coding satisfies a client that refuses identity.
        assertEquals(
                coding(ContentCoding.GZIP),
                negotiate("application/vnd.apache.arrow.stream; codecs=zstd", "gzip, identity;q=0", null));
    }

    @Test
    void refusingEverythingOfferedIsNotAcceptableAndTheMessageSaysWhatIsOffered() {
        for (String refusing : List.of("compress, identity;q=0", "*;q=0", "br;q=0, zstd;q=0, gzip;q=0, identity;q=0")) {
            ResponseCompression.NotAcceptableException refused = assertThrows(
                    ResponseCompression.NotAcceptableException.class, () -> negotiate(null, refusing, null));
            assertTrue(refused.getMessage().contains("zstd, br, gzip and identity"), refused.getMessage());
            assertTrue(refused.getMessage().contains("Arrow IPC codecs zstd, lz4"), refused.getMessage());
        }
    }

    @Test
    void aMalformedAcceptEncodingIsNotAcceptableNamingThePart() {
        for (String malformed :
                List.of("gzip;q=2", "gzip;q=0.0001", "gzip;level=9", "gzip;q=", "g zip", "gzip;q=abc")) {
            ResponseCompression.NotAcceptableException refused = assertThrows(
                    ResponseCompression.NotAcceptableException.class, () -> negotiate(null, malformed, null));
            assertTrue(
                    refused.getMessage().startsWith("The Accept-Encoding header is malformed: '"),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("this server offers"), refused.getMessage());
        }
    }

    @Test
    void underAPolicyOnlyTheCodingsItAllowsAreAppliedToAClientThatAcceptsIdentity() {
        Set<ContentCoding> zstdOnly = EnumSet.of(ContentCoding.ZSTD);
        assertEquals(
                ContentCoding.ZSTD,
                ResponseCompression.negotiate(null, List.of("gzip, deflate, br, zstd"), null, zstdOnly, false)
                        .contentCoding());
        assertNull(ResponseCompression.negotiate(null, List.of("gzip, deflate"), null, zstdOnly, false)
                .contentCoding());
        assertEquals(
                ContentCoding.GZIP,
                ResponseCompression.negotiate(null, List.of("gzip, *;q=0"), null, zstdOnly, false)
                        .contentCoding());
        assertNull(ResponseCompression.negotiate(null, List.of("zstd"), null, EnumSet.allOf(ContentCoding.class), true)
                .contentCoding());
        assertThrows(
                ResponseCompression.NotAcceptableException.class,
                () -> ResponseCompression.negotiate(null, List.of("zstd, *;q=0"), null, zstdOnly, true));
    }
}
