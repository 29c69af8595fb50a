/**
 * Wiring: config, then the engine, then routing, then the web server.
 */
@NullMarked
package io.messages.app;

import org.jspecify.annotations.NullMarked;
