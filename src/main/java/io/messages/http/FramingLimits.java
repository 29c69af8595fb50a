package io.messages.http;

/**
 * How large each part of a request may be, from the server config.
 *
 * @param maxRequestLine longest request line ({@code protocols.http_1_1.max-prologue-length}); longer is 414
 * @param maxHeaders     largest header (or trailer) section ({@code protocols.http_1_1.max-headers-size}); 431
 * @param maxPayload     largest body ({@code max-payload-size}); 413
 */
record FramingLimits(int maxRequestLine, int maxHeaders, long maxPayload) {
}
