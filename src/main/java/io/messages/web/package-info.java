/**
 * The web glue between Helidon's routing and the service: a transaction per request, the one
 * place error answers are made, and the heap responses may hold while clients take them.
 * Neither the database layer nor the routes know Helidon's web server beyond what this package
 * hands them.
 */
@NullMarked
package io.messages.web;

import org.jspecify.annotations.NullMarked;
