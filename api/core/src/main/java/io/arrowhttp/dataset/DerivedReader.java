package io.arrowhttp.dataset;

import java.io.IOException;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches of another reader, changed on their way by a subclass (fewer columns, fewer rows,
 * fewer batches): the dictionaries of dictionary-encoded columns are the source's.
 *
 * <h2>Ownership</h2>
 * Owns {@code source}: {@link #close()} closes it after this reader's own root. Both allocate from
 * the response's allocator, which the caller closes after this reader.
 */
public abstract class DerivedReader extends GeneratingReader {

    /** The reader the batches come from. */
    protected final ArrowReader source;

    protected DerivedReader(ArrowReader source, BufferAllocator allocator, Schema schema) {
        super(allocator, schema);
        this.source = source;
    }

    @Override
    public Dictionary lookup(long id) {
        return source.lookup(id);
    }

    @Override
    public Set<Long> getDictionaryIds() {
        return source.getDictionaryIds();
    }

    @Override
    protected void closeSource() throws IOException {
        source.close();
    }
}
