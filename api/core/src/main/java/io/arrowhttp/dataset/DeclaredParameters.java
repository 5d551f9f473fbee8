package io.arrowhttp.dataset;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.QueryParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named parameters a query declares ({@code :since} in {@code WHERE placed >= :since}), checked
 * against those the query uses, and the values a request gives them. One implementation for every
 * source that sends SQL (JDBC and DuckDB): values are parsed by their {@link ParameterType} and
 * returned for binding as prepared-statement parameters, never written into SQL.
 */
public final class DeclaredParameters {

    private final Map<String, QueryParameter> declared;
    private final List<String> positions;

    private DeclaredParameters(Map<String, QueryParameter> declared, List<String> positions) {
        this.declared = declared;
        this.positions = positions;
    }

    /**
     * The parameters {@code declared} for a query whose positional parameters are, in order, the
     * named ones {@code positions} (a name may repeat).
     *
     * @throws IllegalArgumentException when a parameter is declared twice, takes the name of a
     *     parameter of every dataset, is used but not declared, or declared but not used (for the
     *     operator, at start-up)
     */
    public static DeclaredParameters of(List<QueryParameter> declared, List<String> positions) {
        Map<String, QueryParameter> byName = new LinkedHashMap<>();
        for (QueryParameter parameter : declared) {
            if (byName.put(parameter.name(), parameter) != null) {
                throw new IllegalArgumentException("parameter '" + parameter.name() + "' is declared twice");
            }
            if (QueryParameters.COMMON.contains(parameter.name())) {
                throw new IllegalArgumentException("'" + parameter.name() + "' is a parameter of every dataset;"
                        + " name the query's parameter otherwise");
            }
        }
        for (String used : positions) {
            if (!byName.containsKey(used)) {
                throw new IllegalArgumentException(
                        "the query uses :" + used + ", which is not declared under 'parameters'; declare it");
            }
        }
        for (String name : byName.keySet()) {
            if (!positions.contains(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is declared but the query does not use :"
                        + name + "; remove it or use it");
            }
        }
        return new DeclaredParameters(byName, List.copyOf(positions));
    }

    /** Whether the query declares none. */
    public boolean isEmpty() {
        return declared.isEmpty();
    }

    /** The declared parameters, by name, in the order of their declaration. */
    public Map<String, QueryParameter> byName() {
        return Collections.unmodifiableMap(declared);
    }

    /** The declared parameter of each positional parameter of the query, in order. */
    public List<QueryParameter> positions() {
        return positions.stream().map(declared::get).toList();
    }

    /** The declared parameters in the catalog's form. */
    public List<DatasetInfo.Parameter> catalog() {
        return declared.values().stream()
                .map(parameter -> new DatasetInfo.Parameter(
                        parameter.name(), parameter.type().yamlName(), parameter.defaultValue(), parameter.required()))
                .toList();
    }

    /**
     * The value of each positional parameter of the query, from {@code request} or the defaults,
     * parsed by its type: to be bound in order with {@code PreparedStatement.setObject}.
     *
     * @param dataset the dataset's name, for messages
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming a missing required parameter, an
     *     ill-typed value (or text with a NUL), or a parameter the dataset does not take
     */
    public List<Object> values(DatasetRequest request, String dataset) {
        for (String given : request.parameters().keySet()) {
            if (!declared.containsKey(given) && !QueryParameters.COMMON.contains(given)) {
                throw ArrowHttpException.invalidArgument("Dataset " + ClientText.quote(dataset)
                        + " takes no parameter " + ClientText.quote(given) + "; it takes: "
                        + takes());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (QueryParameter parameter : declared.values()) {
            String text = request.singleParameter(parameter.name()).orElse(parameter.defaultValue());
            if (text == null) {
                throw ArrowHttpException.invalidArgument("Dataset " + ClientText.quote(dataset)
                        + " needs query parameter " + ClientText.quote(parameter.name()) + " ("
                        + parameter.type().yamlName() + ")");
            }
            values.put(parameter.name(), parameter.type().parse(parameter.name(), text));
        }
        return positions.stream().map(values::get).toList();
    }

    private String takes() {
        List<String> names = new ArrayList<>(declared.keySet());
        names.addAll(List.of(QueryParameters.COLUMNS, QueryParameters.LIMIT));
        return String.join(", ", names);
    }
}
