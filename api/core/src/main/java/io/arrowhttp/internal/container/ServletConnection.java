package io.arrowhttp.internal.container;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.GenericType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.internal.util.collection.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ServerConnection} in a servlet container. Loaded only where the servlet API is present.
 *
 * <p>Containers cut any write larger than the response buffer (8 KiB in Tomcat) into buffer-sized
 * chunks; a larger buffer keeps a record batch in one chunk. Containers do not send chunked bodies
 * to HTTP/1.0 clients.
 *
 * <p>The servlet API cannot abort a response, and Jersey, once a response is committed, logs a
 * failure and completes the response normally: the container would send the last chunk. So the
 * abort reaches, by reflection, below the servlet API of the two containers arrowhttp supports:
 * Tomcat's {@code CLOSE_NOW} action, and the Grizzly connection under Payara's web container.
 * Elsewhere it reports that it could not abort.
 */
final class ServletConnection implements ServerConnection {

    /** Batches up to this size leave in one chunk; larger ones in chunks of this size. */
    static final int RESPONSE_BUFFER_BYTES = 512 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ServletConnection.class);
    private static final Type RESPONSE_REF = new GenericType<Ref<HttpServletResponse>>() {}.getType();
    private static final Type REQUEST_REF = new GenericType<Ref<HttpServletRequest>>() {}.getType();

    private final HttpServletResponse response;
    private final HttpServletRequest request;

    private ServletConnection(HttpServletResponse response, HttpServletRequest request) {
        this.response = response;
        this.request = request;
    }

    static ServerConnection current(InjectionManager injectionManager) {
        try {
            // The reference, not the injectable proxy: aborting needs the container's own object.
            Ref<HttpServletResponse> ref = injectionManager.getInstance(RESPONSE_REF);
            HttpServletResponse response = ref == null ? null : ref.get();
            Ref<HttpServletRequest> requestRef = injectionManager.getInstance(REQUEST_REF);
            HttpServletRequest request = requestRef == null ? null : requestRef.get();
            return response == null ? null : new ServletConnection(response, request);
        } catch (RuntimeException notInAServletContainer) {
            return null;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return request == null || request.getLocalAddr() == null
                ? null
                : InetSocketAddress.createUnresolved(request.getLocalAddr(), request.getLocalPort());
    }

    @Override
    public String remoteAddress() {
        return request == null ? null : request.getRemoteAddr();
    }

    @Override
    public void beforeBody() {
        if (!response.isCommitted() && response.getBufferSize() < RESPONSE_BUFFER_BYTES) {
            response.setBufferSize(RESPONSE_BUFFER_BYTES);
        }
    }

    @Override
    public boolean abort() {
        try {
            Object containerResponse = containerResponse(unwrap(response));
            if (containerResponse == null) {
                return false;
            }
            Object coyote =
                    containerResponse.getClass().getMethod("getCoyoteResponse").invoke(containerResponse);
            return closeNowOnTomcat(coyote) || terminateOnGrizzly(coyote);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("Cannot abort the response on this container: {}", e.toString());
            return false;
        }
    }

    private static ServletResponse unwrap(ServletResponse response) {
        ServletResponse current = response;
        while (current instanceof ServletResponseWrapper wrapper) {
            current = wrapper.getResponse();
        }
        return current;
    }

    /** The {@code org.apache.catalina.connector.Response} behind the container's facade. */
    private static Object containerResponse(ServletResponse facade) throws IllegalAccessException {
        for (Class<?> type = facade.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getType().getName().equals("org.apache.catalina.connector.Response")) {
                    field.setAccessible(true);
                    return field.get(facade);
                }
            }
        }
        return null;
    }

    private static boolean closeNowOnTomcat(Object coyote) throws ReflectiveOperationException {
        if (!coyote.getClass().getName().equals("org.apache.coyote.Response")) {
            return false;
        }
        Class<?> actionCode = Class.forName(
                "org.apache.coyote.ActionCode", false, coyote.getClass().getClassLoader());
        Object closeNow = actionCode.getField("CLOSE_NOW").get(null);
        coyote.getClass().getMethod("action", actionCode, Object.class).invoke(coyote, closeNow, null);
        return true;
    }

    private static boolean terminateOnGrizzly(Object coyote) throws ReflectiveOperationException {
        if (!coyote.getClass().getName().startsWith("org.glassfish.grizzly.")) {
            return false;
        }
        Object request = coyote.getClass().getMethod("getRequest").invoke(coyote);
        Object context = request.getClass().getMethod("getContext").invoke(request);
        Object connection = context.getClass().getMethod("getConnection").invoke(context);
        Method terminate = findPublicMethod(connection.getClass(), "terminateWithReason", IOException.class);
        terminate.invoke(connection, new IOException("arrowhttp aborted a response that failed after it had started"));
        return true;
    }

    /** The method through a public type, so that reflection may call it across class loaders. */
    private static Method findPublicMethod(Class<?> type, String name, Class<?>... parameters)
            throws NoSuchMethodException {
        for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
            for (Class<?> face : candidate.getInterfaces()) {
                try {
                    return face.getMethod(name, parameters);
                } catch (NoSuchMethodException next) {
                    // keep looking
                }
            }
        }
        return type.getMethod(name, parameters);
    }
}
