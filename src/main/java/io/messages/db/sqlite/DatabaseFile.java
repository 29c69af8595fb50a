package io.messages.db.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.messages.db.DatabaseUnavailableException;

import org.jspecify.annotations.Nullable;

/**
 * The SQLite file an engine opened, and whether it can still take writes, told in a few system
 * calls before any write is accepted. Open connections keep working on a file that was moved away
 * or deleted, so a write there would be acknowledged and then be gone from the path the next start
 * opens; and a file or directory that cannot be written fails at the next checkpoint or new
 * connection.
 *
 * <p>It also keeps two faults that a look at the file alone cannot see: the disk is full, and the
 * write-ahead log was deleted or replaced under the open connections ({@link #lost()}), after
 * which only a restart recovers (docs/design.md, "DatabaseFile").
 */
public final class DatabaseFile {
    private static final long FREED_BYTES = 1 << 20;

    private final Path path;
    private final Path wal;
    private final @Nullable Object identity;
    private final Runnable onLost;
    private volatile @Nullable Object walIdentity;
    // Usable bytes on the disk when a write last failed for lack of space; -1 while writes commit.
    private volatile long fullAt = -1;
    private final AtomicReference<@Nullable String> lost = new AtomicReference<>();

    private DatabaseFile(Path path, @Nullable Object identity, Runnable onLost) {
        this.path = path;
        this.wal = path.resolveSibling(path.getFileName() + "-wal");
        this.identity = identity;
        this.onLost = onLost;
    }

    /**
     * The file at {@code path}, as it is now (just opened).
     *
     * @param path   the database file
     * @param onLost run once, by whoever first finds the write-ahead log lost
     */
    static DatabaseFile opened(Path path, Runnable onLost) {
        Path absolute = path.toAbsolutePath();
        return new DatabaseFile(absolute, attributes(absolute).map(BasicFileAttributes::fileKey).orElse(null), onLost);
    }

    /** Where the file is. */
    public Path path() {
        return path;
    }

    /**
     * What keeps the file from taking writes, if anything: it is missing, it was replaced by
     * another file, it or its directory is not writable, or its write-ahead log was lost.
     *
     * @return a short description of the problem, or empty when writes can go ahead
     */
    public Optional<String> problem() {
        String why = lost.get();
        if (why != null) {
            return Optional.of(why);
        }
        Optional<BasicFileAttributes> now = attributes(path);
        if (now.isEmpty()) {
            return Optional.of("the database file is missing");
        }
        if (identity != null && !Objects.equals(identity, now.get().fileKey())) {
            return Optional.of("the database file was replaced by another file");
        }
        if (!Files.isWritable(path)) {
            return Optional.of("the database file is not writable");
        }
        if (!Files.isWritable(path.getParent())) {
            return Optional.of("the database directory is not writable");
        }
        Object log = walIdentity;
        // The file is looked at again after its log: a directory moved away takes both at once.
        if (log != null && !Objects.equals(log, fileKey(wal)) && Objects.equals(identity, fileKey(path))
                && lost.compareAndSet(null, "the write-ahead log " + wal.getFileName()
                        + " was deleted or replaced while the database was open; restart the service")) {
            onLost.run();
        }
        return Optional.ofNullable(lost.get());
    }

    /**
     * Checks, before writes are accepted, that the file can still take them.
     *
     * @throws DatabaseUnavailableException if it cannot (answered as 503)
     */
    void checkWritable() {
        problem().ifPresent(problem -> {
            throw new DatabaseUnavailableException("the database cannot take writes: " + problem);
        });
    }

    /**
     * What keeps the service from being ready: a {@link #problem()}, or a full disk (with what is
     * free now).
     */
    public Optional<String> readinessProblem() {
        Optional<String> problem = problem();
        long full = fullAt;
        if (problem.isPresent() || full < 0) {
            return problem;
        }
        long usable = usableBytes();
        if (usable >= full + FREED_BYTES) {
            fullAt = -1;
            return Optional.empty();
        }
        return Optional.of("the disk holding the database is full (" + usable / 1024 + " KiB free)");
    }

    /** Why this process can never take writes on this file again, if so: only a restart recovers. */
    public Optional<String> lost() {
        return Optional.ofNullable(lost.get());
    }

    /** Notes the write-ahead log the connections have open, once the database is in use. */
    void noteLog() {
        walIdentity = fileKey(wal);
    }

    /** A write failed for lack of space. */
    void writeFailedForSpace() {
        fullAt = usableBytes();
    }

    /** A write committed: the disk is not full (any more). */
    void written() {
        if (fullAt >= 0) {
            fullAt = -1;
        }
    }

    private long usableBytes() {
        return path.getParent().toFile().getUsableSpace();
    }

    private static @Nullable Object fileKey(Path path) {
        return attributes(path).map(BasicFileAttributes::fileKey).orElse(null);
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
