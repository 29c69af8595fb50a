package io.messages.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one class logs (its JUL logger) while this is open. */
public final class LogLines implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getLoggerName() + ": " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogLines(Logger logger) {
        this.logger = logger;
        logger.addHandler(handler);
    }

    /** Starts capturing what the logger named {@code name} logs (a class's name). */
    public static LogLines of(String name) {
        return new LogLines(Logger.getLogger(name));
    }

    /** The messages so far (unformatted: parameters as placeholders). */
    public List<String> lines() {
        return lines;
    }

    /** The messages so far at WARNING or above, each after its logger's name. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
