package io.messages.db;

/**
 * The database engine could not be opened: unreachable database, unusable path, bad {@code db}
 * config. Its message is one sentence meant for the operator.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
