package io.messages.db;

/**
 * Transaction totals since start, as the request transactions report them.
 *
 * @param begun           request transactions begun
 * @param committed       request transactions committed
 * @param rolledBack      request transactions rolled back (or lost with a failed commit)
 * @param databaseCommits commits of the database that made written request transactions
 *                        durable: one each, or one per group with group commit
 */
public record TransactionCounts(long begun, long committed, long rolledBack, long databaseCommits) {
}
