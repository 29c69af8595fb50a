/**
 * HTTP/1.1 as the service speaks it: strict request framing in front of Helidon's parser, fixed
 * one-sentence answers for what the HTTP layer rejects, and connections that really close.
 */
@NullMarked
package io.messages.http;

import org.jspecify.annotations.NullMarked;
