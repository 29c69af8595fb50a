package io.messages.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The SQLite file an engine opened, and whether it can still take writes. Open connections keep
 * working on a file that was moved away or deleted, so a write there would be acknowledged and
 * then be gone from the path the next start opens; and a file or directory that cannot be
 * written fails at the next checkpoint or new connection. This tells, in a few system calls,
 * before any write is accepted.
 */
public final class DatabaseFile {
    private final Path path;
    private final @Nullable Object identity;

    private DatabaseFile(Path path, @Nullable Object identity) {
        this.path = path;
        this.identity = identity;
    }

    /** The file at {@code path}, as it is now (just opened). */
    static DatabaseFile opened(Path path) {
        Path absolute = path.toAbsolutePath();
        return new DatabaseFile(absolute, attributes(absolute).map(BasicFileAttributes::fileKey).orElse(null));
    }

    /** Where the file is. */
    public Path path() {
        return path;
    }

    /**
     * What keeps the file from taking writes, if anything: it is missing, it was replaced by
     * another file, or it or its directory is not writable.
     *
     * @return a short description of the problem, or empty when writes can go ahead
     */
    public Optional<String> problem() {
        Optional<BasicFileAttributes> attributes = attributes(path);
        if (attributes.isEmpty()) {
            return Optional.of("the database file is missing");
        }
        if (identity != null && !Objects.equals(identity, attributes.get().fileKey())) {
            return Optional.of("the database file was replaced by another file");
        }
        if (!Files.isWritable(path)) {
            return Optional.of("the database file is not writable");
        }
        if (!Files.isWritable(path.getParent())) {
            return Optional.of("the database directory is not writable");
        }
        return Optional.empty();
    }

    private static Optional<BasicFileAttributes> attributes(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class));
        } catch (IOException e) {
            // Gone or unreadable: either way nothing can be written there.
            return Optional.empty();
        }
    }
}
