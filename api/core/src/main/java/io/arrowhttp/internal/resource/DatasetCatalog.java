package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.protocol.ArrowHttpException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The datasets an application serves, by name, in registration order. */
public final class DatasetCatalog {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Map<String, Dataset> byName = new LinkedHashMap<>();

    public void add(Dataset dataset) {
        String name = dataset.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Dataset name '" + name + "' cannot be used in a URL path; use letters, digits, '.', '_' and '-'");
        }
        if (byName.putIfAbsent(name, dataset) != null) {
            throw new IllegalArgumentException("Two datasets are named '" + name + "'; names must be unique");
        }
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** @throws ArrowHttpException {@code NOT_FOUND} naming the datasets there are */
    public Dataset get(String name) {
        Dataset dataset = byName.get(name);
        if (dataset == null) {
            throw ArrowHttpException.notFound("No dataset named '" + abbreviate(name) + "'; this server has: "
                    + String.join(", ", byName.keySet()));
        }
        return dataset;
    }

    public Collection<Dataset> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    private static String abbreviate(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }
}
