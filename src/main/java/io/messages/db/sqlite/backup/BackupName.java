package io.messages.db.sqlite.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A backup's name, {@code messages-<UTC time it began>.db}, the same on the backup volume and in
 * object storage: names sort by time, and say what a copy holds (every message committed before
 * that time) without opening it.
 */
public final class BackupName {
    private static final String PREFIX = "messages-";
    private static final String SUFFIX = ".db";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private BackupName() {
    }

    /** The name of a backup that began at {@code began}. */
    public static String of(Instant began) {
        return PREFIX + stamp(began) + SUFFIX;
    }

    /** {@code at} as backups' names write it, e.g. {@code 20261207T061500000Z}. */
    public static String stamp(Instant at) {
        return TIME.format(at);
    }

    /** Whether {@code name} is a backup's (a whole one: not {@code .partial}). */
    public static boolean is(String name) {
        return takenAt(name).isPresent();
    }

    /** When the backup named {@code name} began; empty if it is not a backup's name. */
    public static Optional<Instant> takenAt(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(TIME.parse(name.substring(PREFIX.length(), name.length() - SUFFIX.length()))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
