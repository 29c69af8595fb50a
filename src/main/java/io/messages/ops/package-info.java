/**
 * What an operator sees: health checks, metrics and their wiring into Helidon's observe feature.
 */
@NullMarked
package io.messages.ops;

import org.jspecify.annotations.NullMarked;
