/**
 * The recipe's listing, {@code GET /}: kept in memory up to a budget and proven exact against
 * any writer before it is served again, or streamed when it is larger; its rows read outside the
 * request's transaction.
 */
@NullMarked
package io.messages.listing;

import org.jspecify.annotations.NullMarked;
