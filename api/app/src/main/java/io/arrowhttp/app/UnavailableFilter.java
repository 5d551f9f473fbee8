package io.arrowhttp.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.HttpStatus;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Answers every request with 503 and the reason, for an application that cannot work in this JVM. */
@PreMatching
final class UnavailableFilter implements ContainerRequestFilter {

    private final byte[] body;

    UnavailableFilter(String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Service Unavailable");
        problem.put("status", HttpStatus.SERVICE_UNAVAILABLE);
        problem.put("detail", detail);
        problem.put("code", "UNAVAILABLE");
        try {
            this.body = new ObjectMapper().writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.abortWith(Response.status(HttpStatus.SERVICE_UNAVAILABLE)
                .type(ArrowMediaTypes.PROBLEM_JSON_TYPE)
                .entity(body)
                .build());
    }
}
