/**
 * What only a database server (PostgreSQL) has: writers side by side, ordered by the server,
 * and the {@link io.messages.db.server.ServerStorage} that says so to the engine.
 */
@NullMarked
package io.messages.db.server;

import org.jspecify.annotations.NullMarked;
