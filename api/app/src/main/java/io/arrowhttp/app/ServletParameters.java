package io.arrowhttp.app;

import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import org.glassfish.jersey.InjectionManagerProvider;
import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * The servlet context parameters of the war, when the application runs in a servlet container.
 *
 * <p>Jersey copies context parameters into the application's configuration only when it makes the
 * application itself; an application found through {@code @ApplicationPath} does not get them,
 * so they are read from the {@code ServletContext} Jersey has bound. Reflection keeps the servlet
 * API out of the standalone server, which has none.
 */
final class ServletParameters {

    private static final ServletParameters NONE = new ServletParameters(null, null);

    private final Object servletContext;
    private final Method getInitParameter;

    private ServletParameters(Object servletContext, Method getInitParameter) {
        this.servletContext = servletContext;
        this.getInitParameter = getInitParameter;
    }

    static ServletParameters of(FeatureContext context) {
        try {
            Class<?> type =
                    Class.forName("jakarta.servlet.ServletContext", false, ServletParameters.class.getClassLoader());
            InjectionManager injectionManager = InjectionManagerProvider.getInjectionManager(context);
            Object servletContext = injectionManager.getInstance(type);
            return servletContext == null
                    ? NONE
                    : new ServletParameters(servletContext, type.getMethod("getInitParameter", String.class));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notInAServletContainer) {
            return NONE;
        }
    }

    /** The context parameter, or null. */
    Object get(String name) {
        if (servletContext == null) {
            return null;
        }
        try {
            return getInitParameter.invoke(servletContext, name);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
