/**
 * The message routes and the SQL behind them.
 */
@NullMarked
package io.messages.message;

import org.jspecify.annotations.NullMarked;
