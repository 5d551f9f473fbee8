package io.arrowhttp.response;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A text part whose content is computed only when the part is written, after the parts before it:
 * footnotes can then report on the Arrow stream that precedes them.
 */
final class LazyText implements StreamingOutput {

    private final Supplier<String> text;

    LazyText(Supplier<String> text) {
        this.text = text;
    }

    @Override
    public void write(OutputStream output) throws IOException {
        output.write(text.get().getBytes(StandardCharsets.UTF_8));
    }
}
