package io.messages.message;

import java.util.List;
import java.util.Optional;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HttpException;
import io.helidon.http.Status;

/**
 * A page of the listing, {@code GET /?limit=N&after=ID}: at most {@code limit} messages with an
 * id above {@code after}, oldest first. The next page starts after the last id of a full page.
 *
 * @param after the id to start after (0: from the first message)
 * @param limit the most messages on the page
 */
record Page(long after, int limit) {

    /**
     * The page a query asks for, if it names {@code limit} or {@code after}.
     *
     * @throws HttpException 400 if either is given more than once, is not a whole number, or is
     *                       out of range
     */
    static Optional<Page> from(UriQuery query, MessageLimits limits) {
        if (!query.contains("limit") && !query.contains("after")) {
            return Optional.empty();
        }
        return Optional.of(firstOf(query, limits));
    }

    /** The page a query asks for, the first full page when it names none. */
    static Page firstOf(UriQuery query, MessageLimits limits) {
        long after = number(query, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) number(query, "limit", 1, limits.maxPageSize(), limits.maxPageSize());
        return new Page(after, limit);
    }

    /** The page after {@code messages}, when this page was full (there may be more). */
    Optional<Page> next(List<Message> messages) {
        return messages.size() < limit ? Optional.empty() : Optional.of(new Page(messages.getLast().id(), limit));
    }

    /** This page as a path: {@code /?after=ID&limit=N}. */
    String path() {
        return "/?after=" + after + "&limit=" + limit;
    }

    private static long number(UriQuery query, String name, long min, long max, long absent) {
        if (!query.contains(name)) {
            return absent;
        }
        List<String> values = query.all(name);
        if (values.size() != 1) {
            throw badRequest(name + " must be given once");
        }
        try {
            long value = Long.parseLong(values.getFirst());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        // The value is not echoed: it can hold anything (CR, LF, escape sequences) a client sent.
        throw badRequest(name + " must be a whole number from " + min + " to " + max);
    }

    private static HttpException badRequest(String message) {
        return new HttpException(message, Status.BAD_REQUEST_400, true);
    }
}
