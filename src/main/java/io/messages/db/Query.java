package io.messages.db;

import java.util.List;

/**
 * A named query ({@code db.statements}) with its parameters, for a {@link Read}.
 *
 * @param statement  the query's name in {@code db.statements}
 * @param parameters its parameters, in order
 */
public record Query(String statement, List<Object> parameters) {

    /**
     * The query named {@code statement}, with {@code parameters} in order.
     *
     * @param statement  the query's name in {@code db.statements}
     * @param parameters its parameters, in order
     * @return the query
     */
    public static Query of(String statement, Object... parameters) {
        return new Query(statement, List.of(parameters));
    }
}
