package io.messages.db;

/**
 * Takes the rows of a query read alone ({@link Engine#read}), one at a time, as the database
 * gives them: the first column as a number, the second as its bytes (text as stored: UTF-8), with
 * no row object made in between.
 */
@FunctionalInterface
public interface RowVisitor {
    /**
     * Takes one row.
     *
     * @param key   the row's first column, e.g. an id
     * @param value the row's second column's bytes
     * @return true for the next row, false to stop reading
     */
    boolean row(long key, byte[] value);
}
