/**
 * Traces with OpenTelemetry: a span per request, per statement and per commit, exported over
 * OTLP when an endpoint is configured, and nothing at all otherwise.
 */
@NullMarked
package io.messages.tracing;

import org.jspecify.annotations.NullMarked;
