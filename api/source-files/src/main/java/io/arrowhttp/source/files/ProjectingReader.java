package io.arrowhttp.source.files;

import io.arrowhttp.dataset.DerivedReader;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches of another reader with only some of its columns, and at most so many rows. The
 * chosen vectors' buffers are handed over to this reader's root (transferred, not copied); the
 * last batch under a limit is a slice of the source's, made valid Arrow by
 * {@code handOver}.
 *
 * <h2>Ownership</h2>
 * As every {@link DerivedReader}: owns {@code source}, and allocates from the response's allocator.
 */
final class ProjectingReader extends DerivedReader {

    private final List<Integer> columns;
    private long rowsLeft;

    ProjectingReader(ArrowReader source, BufferAllocator allocator, Schema schema, List<Integer> columns, long limit) {
        super(source, allocator, schema);
        this.columns = List.copyOf(columns);
        this.rowsLeft = limit;
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        if (rowsLeft <= 0 || !source.loadNextBatch()) {
            return false;
        }
        VectorSchemaRoot batch = source.getVectorSchemaRoot();
        int rows = (int) Math.min(batch.getRowCount(), rowsLeft);
        for (int i = 0; i < columns.size(); i++) {
            handOver(batch.getVector(columns.get(i)), root.getVector(i), 0, rows);
        }
        root.setRowCount(rows);
        rowsLeft -= rows;
        return true;
    }
}
