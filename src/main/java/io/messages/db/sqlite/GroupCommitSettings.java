package io.messages.db.sqlite;

import java.time.Duration;

import io.helidon.config.Config;
import io.messages.db.EngineException;

/**
 * Group commit, from the {@code db.group-commit} config: whether several requests' writes share
 * one SQLite commit, how many at most, and how long a batch may stay open. Ignored for server
 * databases, which commit concurrently on their own.
 *
 * @param enabled  whether SQLite writes are committed in groups
 * @param maxBatch most request transactions in one commit
 * @param maxWait  how long a batch may collect requests before the next one to leave commits it
 */
public record GroupCommitSettings(boolean enabled, int maxBatch, Duration maxWait) {
    /** Defaults, mirroring {@code config/application.yaml}. */
    static final GroupCommitSettings DEFAULT = new GroupCommitSettings(true, 64, Duration.ofMillis(10));

    public GroupCommitSettings {
        if (maxBatch < 1) {
            throw new EngineException("db.group-commit.max-batch must be at least 1, not " + maxBatch);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new EngineException("db.group-commit.max-wait must be positive, not " + maxWait);
        }
    }

    /**
     * Reads the settings from the {@code db.group-commit} node.
     *
     * @param groupCommit the {@code db.group-commit} node
     * @return the settings
     */
    public static GroupCommitSettings from(Config groupCommit) {
        return new GroupCommitSettings(groupCommit.get("enabled").asBoolean().orElse(DEFAULT.enabled()),
                                       groupCommit.get("max-batch").asInt().orElse(DEFAULT.maxBatch()),
                                       groupCommit.get("max-wait").as(Duration.class).orElse(DEFAULT.maxWait()));
    }
}
