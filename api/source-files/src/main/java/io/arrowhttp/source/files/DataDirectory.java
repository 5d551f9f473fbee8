package io.arrowhttp.source.files;

import io.arrowhttp.dataset.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every file a folder holds directly that this source serves, as a dataset named after the file's
 * base name ({@code trades.arrow} is {@code trades}). A file whose base name cannot be a dataset
 * name is skipped with a warning naming it; so is one that two files would share.
 */
public final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private DataDirectory() {}

    /**
     * The datasets of {@code folder}, in file-name order; each file's schema is read now.
     *
     * @throws IllegalArgumentException when the folder cannot be listed or a file cannot be read,
     *     naming it, so the server stops at start-up with the reason
     */
    public static List<Dataset> datasets(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--data needs a folder; " + folder + " is not one");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(ArrowFileDataset::isArrowFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the data folder " + folder, e);
        }
        List<Dataset> datasets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.lastIndexOf('.'));
            if (!NAME.matcher(name).matches()) {
                LOG.warn("Skipping {}: a dataset name is letters, digits, '.', '_' and '-'; rename the file", file);
            } else if (names.contains(name)) {
                LOG.warn("Skipping {}: another file already gives the dataset name '{}'", file, name);
            } else {
                names.add(name);
                datasets.add(ArrowFileDataset.of(name, file));
            }
        }
        return datasets;
    }
}
