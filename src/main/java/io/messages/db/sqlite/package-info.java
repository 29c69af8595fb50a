/**
 * What only a SQLite database has: the file and its faults, its write-ahead log and WAL index,
 * writes one at a time (several sharing a commit), backups taken by the service, and the
 * {@link io.messages.db.sqlite.SqliteStorage} that puts them together for the engine.
 */
@NullMarked
package io.messages.db.sqlite;

import org.jspecify.annotations.NullMarked;
