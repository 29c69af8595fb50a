package io.messages.message;

import io.helidon.config.Config;

/**
 * Limits on accepted messages, pages and the listing kept in memory, from the {@code messages}
 * config.
 *
 * @param maxMessageBytes longest accepted message, in bytes of UTF-8
 * @param maxPageSize     largest page of {@code GET /?limit=N&after=ID}, and every JSON page
 * @param keptListing     largest listing kept in memory, in bytes (its compressed form included);
 *                        a larger one streams
 */
public record MessageLimits(int maxMessageBytes, int maxPageSize, long keptListing) {
    /** Defaults, mirroring {@code config/application.yaml}. */
    public static final MessageLimits DEFAULT = new MessageLimits(4096, 1000, automaticKeptListing());

    public MessageLimits {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("messages.max-message-bytes must be at least 1, not " + maxMessageBytes);
        }
        if (maxPageSize < 1) {
            throw new IllegalArgumentException("messages.max-page-size must be at least 1, not " + maxPageSize);
        }
        if (keptListing < 0) {
            throw new IllegalArgumentException("messages.listing.keep must be auto or a number of bytes, not " + keptListing);
        }
    }

    /**
     * Reads the limits from the {@code messages} config node.
     *
     * @param messages the {@code messages} node
     * @return the limits
     */
    public static MessageLimits from(Config messages) {
        String keep = messages.get("listing.keep").asString().orElse("auto").strip();
        long keptListing;
        try {
            keptListing = keep.equals("auto") ? automaticKeptListing() : Long.parseLong(keep);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("messages.listing.keep must be auto or a number of bytes, not '" + keep + "'");
        }
        return new MessageLimits(messages.get("max-message-bytes").asInt().orElse(DEFAULT.maxMessageBytes()),
                                 messages.get("max-page-size").asInt().orElse(DEFAULT.maxPageSize()),
                                 keptListing);
    }

    // An eighth of the heap: 72 MiB in a pod with a 768 MiB limit (576 MiB heap), about 1.3
    // million messages of 50 bytes. Beside it: a quarter for idle connections, a quarter for
    // responses waiting for their clients, and the listing being read while the kept one serves.
    private static long automaticKeptListing() {
        return Runtime.getRuntime().maxMemory() / 8;
    }
}
