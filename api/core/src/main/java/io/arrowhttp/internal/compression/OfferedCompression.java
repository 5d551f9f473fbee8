package io.arrowhttp.internal.compression;

import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.IpcCodec;
import java.util.Arrays;

/** What this server can compress with on this platform, as catalog entries list it. */
public final class OfferedCompression {

    /** The IPC codecs and content codings that load here, in the order the server prefers them. */
    public static final DatasetInfo.Compression INFO = new DatasetInfo.Compression(
            Arrays.stream(IpcCodec.values())
                    .filter(IpcCompression::isAvailable)
                    .map(IpcCodec::token)
                    .toList(),
            Arrays.stream(ContentCoding.values())
                    .filter(ContentEncodingStream::isAvailable)
                    .map(ContentCoding::token)
                    .toList());

    private OfferedCompression() {}
}
