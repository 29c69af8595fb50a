package io.messages.message;

import io.helidon.common.config.Config;

/**
 * Limits on accepted messages, from the {@code messages} config.
 *
 * @param maxMessageBytes longest accepted message, in bytes of UTF-8
 */
public record MessageLimits(int maxMessageBytes) {
    /** Defaults, mirroring {@code config/application.yaml}. */
    public static final MessageLimits DEFAULT = new MessageLimits(4096);

    public MessageLimits {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("messages.max-message-bytes must be at least 1, not " + maxMessageBytes);
        }
    }

    /**
     * Reads the limits from the {@code messages} config node.
     *
     * @param messages the {@code messages} node
     * @return the limits
     */
    public static MessageLimits from(Config messages) {
        return new MessageLimits(messages.get("max-message-bytes").asInt().orElse(DEFAULT.maxMessageBytes()));
    }
}
