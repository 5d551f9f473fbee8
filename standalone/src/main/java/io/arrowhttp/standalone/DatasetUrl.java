package io.arrowhttp.standalone;

import io.arrowhttp.protocol.ResourcePaths;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A dataset's URL taken apart, for the commands that need the server and the name: {@code base}
 * is the server's root (with any context path), {@code name} the dataset's.
 */
record DatasetUrl(URI base, String name) {

    /** The server and the dataset of {@code url}, a server's {@code .../datasets/NAME}; empty for other URLs. */
    static Optional<DatasetUrl> parse(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        int datasets = path.lastIndexOf("/" + ResourcePaths.DATASETS + "/");
        if (datasets < 0) {
            return Optional.empty();
        }
        String name = URLDecoder.decode(
                path.substring(datasets + ResourcePaths.DATASETS.length() + 2), StandardCharsets.UTF_8);
        if (!ResourcePaths.isDatasetName(name)) {
            return Optional.empty();
        }
        return Optional.of(new DatasetUrl(url.resolve(path.substring(0, datasets + 1)), name));
    }
}
