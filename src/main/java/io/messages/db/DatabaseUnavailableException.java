package io.messages.db;

import io.helidon.dbclient.DbClientException;

/**
 * The service itself refused or gave up on database work that may succeed in a moment: the SQLite
 * file cannot take writes, no write turn came in time, the group commit holding the request
 * failed. Nothing was kept; answered 503 with {@code Retry-After} (see {@link DatabaseFailure}).
 */
public final class DatabaseUnavailableException extends DbClientException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message) {
        super(message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
