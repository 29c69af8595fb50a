/**
 * The database engine and the transaction that each request gets.
 */
@NullMarked
package io.messages.db;

import org.jspecify.annotations.NullMarked;
