package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.dataset.Dataset;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** The cache's wrapper of a dataset says all the dataset says. */
class CachedDatasetTest {

    @Test
    void everyMethodOfTheDatasetIsPassedOnNotLeftToItsDefault() throws NoSuchMethodException {
        // A default left in place would answer for the wrapped dataset: its parameters, its
        // metadata or its dictionary types would go missing from the catalog once it is cached.
        for (Method method : Dataset.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Method implementation = CachedDataset.class.getMethod(method.getName(), method.getParameterTypes());
            assertEquals(CachedDataset.class, implementation.getDeclaringClass(), method.getName());
        }
    }
}
