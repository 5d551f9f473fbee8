package io.arrowhttp.testing;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** A dataset that refuses every request with the exception it is given, before the response starts. */
public final class ThrowingDataset implements Dataset {

    private final String name;
    private final Supplier<RuntimeException> failure;

    public ThrowingDataset(String name, Supplier<RuntimeException> failure) {
        this.name = name;
        this.failure = failure;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "always fails";
    }

    @Override
    public Schema schema() {
        return ScriptedDataset.SCHEMA;
    }

    @Override
    public Object metadata(DatasetRequest request) {
        throw failure.get();
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        throw failure.get();
    }
}
