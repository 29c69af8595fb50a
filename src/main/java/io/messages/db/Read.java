package io.messages.db;

import java.util.List;

/**
 * A read outside any request's transaction ({@link Engine#read}): named queries
 * ({@code db.statements}) run in order in one snapshot, their rows given to a {@link RowVisitor}.
 * A {@link #small} read is one query that runs often and returns few rows (the listing's checks):
 * it skips what a pooled transaction costs beside the query ({@link Reads}).
 *
 * @param queries the queries, in order
 * @param small   whether it is one small, frequent query: at most {@value Reads#MAX_SMALL_ROWS} rows
 */
public record Read(List<Query> queries, boolean small) {

    /**
     * A read of {@code queries}.
     *
     * @param queries the queries, in order
     * @param small   whether it is one small, frequent query
     */
    public Read {
        queries = List.copyOf(queries);
        if (queries.isEmpty() || small && queries.size() > 1) {
            throw new IllegalArgumentException("a read is one query or more; a small one, exactly one: " + queries);
        }
    }

    /**
     * A read of the query named {@code statement}, with {@code parameters} in order.
     *
     * @param statement  the query's name in {@code db.statements}
     * @param parameters its parameters, in order
     * @return the read
     */
    public static Read of(String statement, Object... parameters) {
        return new Read(List.of(Query.of(statement, parameters)), false);
    }

    /**
     * A read of {@code queries} one after another, in one snapshot.
     *
     * @param queries the queries, in order
     * @return the read
     */
    public static Read inOneSnapshot(Query... queries) {
        return new Read(List.of(queries), false);
    }

    /**
     * A small, frequent read of the query named {@code statement}: at most
     * {@value Reads#MAX_SMALL_ROWS} rows are read ({@link Engine#read} says false if it had more).
     *
     * @param statement  the query's name in {@code db.statements}
     * @param parameters its parameters, in order
     * @return the read
     */
    public static Read small(String statement, Object... parameters) {
        return new Read(List.of(Query.of(statement, parameters)), true);
    }
}
