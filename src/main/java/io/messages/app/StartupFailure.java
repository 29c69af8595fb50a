package io.messages.app;

import io.messages.db.Causes;

/**
 * Turns the exception that stopped start-up into one line for the operator: what failed (the
 * outermost message) and why (the root cause's message), without the layers in between and
 * without a stack trace.
 */
final class StartupFailure {
    private StartupFailure() {
    }

    static String describe(Throwable failure) {
        Throwable root = Causes.root(failure);
        String what = messageOf(failure);
        // Helidon's config mapping message names its internal mapper lambda; the root says why.
        int mapper = what.indexOf(": Invocation of mapper");
        if (mapper >= 0) {
            what = what.substring(0, mapper);
        }
        String why = messageOf(root);
        return what.contains(why) ? what : what + ": " + why;
    }

    private static String messageOf(Throwable t) {
        String message = t.getMessage();
        // One line, whatever a driver puts in its messages (PostgreSQL adds "\n  Position: 13").
        return message == null || message.isBlank() ? t.getClass().getSimpleName()
                : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
