package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.internal.compression.OfferedCompression;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.protocol.ResourcePaths;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The datasets an application serves, by name, in registration order. Uploads add and replace
 * datasets while requests read the catalog: every change makes a new map, and readers see one
 * map or the next, never a change half made.
 */
public final class DatasetCatalog {

    /** How many names a {@code 404} lists. */
    private static final int NAMES_SHOWN = 50;

    private volatile Map<String, Dataset> byName = Map.of();

    public synchronized void add(Dataset dataset) {
        String name = checkedName(dataset);
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("Two datasets are named '" + name + "'; names must be unique");
        }
        put(dataset);
    }

    /** Adds the dataset, or replaces the one of the same name in its place: for uploads. */
    public synchronized void put(Dataset dataset) {
        String name = checkedName(dataset);
        Map<String, Dataset> next = new LinkedHashMap<>(byName);
        next.put(name, dataset);
        byName = Collections.unmodifiableMap(next);
    }

    /** Serves dataset {@code name} no more, if it is served: for deletions. */
    public synchronized void remove(String name) {
        if (byName.containsKey(name)) {
            Map<String, Dataset> next = new LinkedHashMap<>(byName);
            next.remove(name);
            byName = Collections.unmodifiableMap(next);
        }
    }

    /** The names, the first {@link #NAMES_SHOWN} of them: uploads may make many datasets. */
    private static String named(Collection<String> names) {
        if (names.size() <= NAMES_SHOWN) {
            return String.join(", ", names);
        }
        return String.join(", ", names.stream().limit(NAMES_SHOWN).toList()) + " and " + (names.size() - NAMES_SHOWN)
                + " more (GET /datasets lists them all)";
    }

    private static String checkedName(Dataset dataset) {
        String name = dataset.name();
        if (!ResourcePaths.isDatasetName(name)) {
            throw new IllegalArgumentException("Dataset name " + ClientText.quote(name)
                    + " cannot be used in a URL path; use " + ResourcePaths.DATASET_NAME_RULE);
        }
        return name;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** @throws ArrowHttpException {@code NOT_FOUND} naming the datasets there are */
    public Dataset get(String name) {
        Map<String, Dataset> current = byName;
        Dataset dataset = current.get(name);
        if (dataset == null) {
            throw ArrowHttpException.notFound(
                    "No dataset named " + ClientText.quote(name) + "; this server has: " + named(current.keySet()));
        }
        return dataset;
    }

    /** The catalog entry of the dataset {@code name}, its locations under {@code bases}. */
    DatasetInfo entry(String name, LocationBases bases) {
        return entry(get(name), bases);
    }

    /** Every dataset's catalog entry. */
    List<DatasetInfo> entries(LocationBases bases) {
        return byName.values().stream().map(dataset -> entry(dataset, bases)).toList();
    }

    private DatasetInfo entry(Dataset dataset, LocationBases bases) {
        URI location = location(bases.own(), dataset.name());
        // An exact name wins: when another dataset is named "{name}.arrows", that URL is its.
        String bareStream = bareStreamName(dataset.name()).orElse(null);
        List<OptionalLong> partitions = dataset.partitions();
        List<DatasetInfo.Endpoint> endpoints = new ArrayList<>();
        if (partitions.isEmpty()) {
            List<URI> locations = new ArrayList<>();
            List<URI> streamLocations = new ArrayList<>();
            for (URI base : bases.forEndpoint(0)) {
                locations.add(location(base, dataset.name()));
                if (bareStream != null) {
                    streamLocations.add(location(base, bareStream));
                }
            }
            endpoints.add(new DatasetInfo.Endpoint(locations, null, bareStream == null ? null : streamLocations));
        }
        for (int partition = 0; partition < partitions.size(); partition++) {
            List<URI> locations = new ArrayList<>();
            List<URI> streamLocations = new ArrayList<>();
            for (URI base : bases.forEndpoint(partition)) {
                locations.add(UriBuilder.fromUri(location(base, dataset.name()))
                        .queryParam(QueryParameters.PARTITION, partition)
                        .build());
                if (bareStream != null) {
                    streamLocations.add(UriBuilder.fromUri(location(base, bareStream))
                            .queryParam(QueryParameters.PARTITION, partition)
                            .build());
                }
            }
            OptionalLong rows = partitions.get(partition);
            endpoints.add(new DatasetInfo.Endpoint(
                    locations,
                    rows.isPresent() ? rows.getAsLong() : null,
                    bareStream == null ? null : streamLocations));
        }
        Optional<StoredStream.Bytes> stored =
                dataset instanceof StoredStream storedStream ? storedStream.storedBytes() : Optional.empty();
        Long totalBytes = stored.map(StoredStream.Bytes::length)
                .orElse(dataset.totalBytes().isPresent() ? dataset.totalBytes().getAsLong() : null);
        return new DatasetInfo(
                dataset.name(),
                dataset.description(),
                dataset.messageSchema(),
                dataset.totalRecords().isPresent() ? dataset.totalRecords().getAsLong() : null,
                totalBytes,
                endpoints,
                OfferedCompression.INFO,
                location,
                partitions.isEmpty() ? null : dataset.partitionsInOrder(),
                stored.map(StoredStream.Bytes::batchOffsets).orElse(null),
                dataset.parameters(),
                dataset.catalogMetadata(),
                bareStream == null ? null : location(bases.own(), bareStream));
    }

    /**
     * The last path segment of dataset {@code name}'s bare-stream URL, {@code {name}.arrows}; empty
     * when another dataset has that name, which then wins.
     */
    Optional<String> bareStreamName(String name) {
        String segment = ResourcePaths.bareStreamSegment(name);
        return byName.containsKey(segment) ? Optional.empty() : Optional.of(segment);
    }

    /**
     * The dataset that the path segment {@code segment} names as a bare stream: {@code x} for
     * {@code x.arrows} when {@code x} is served and no dataset is named {@code x.arrows} itself.
     */
    public Optional<String> bareStreamOf(String segment) {
        Map<String, Dataset> current = byName;
        if (!segment.endsWith(ResourcePaths.ARROW_STREAM_SUFFIX) || current.containsKey(segment)) {
            return Optional.empty();
        }
        String name = segment.substring(0, segment.length() - ResourcePaths.ARROW_STREAM_SUFFIX.length());
        return current.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    private static URI location(URI base, String segment) {
        return UriBuilder.fromUri(base)
                .path(ResourcePaths.DATASETS)
                .path(segment)
                .build();
    }

    public Collection<Dataset> all() {
        return byName.values();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }
}
