package io.arrowhttp.protocol;

import java.util.List;

/** The answer to {@code GET} {@link ResourcePaths#DATASETS}: every dataset the caller may see. */
public record Catalog(List<DatasetInfo> datasets) {

    public Catalog {
        datasets = List.copyOf(datasets);
    }
}
