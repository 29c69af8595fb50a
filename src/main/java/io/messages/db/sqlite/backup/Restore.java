package io.messages.db.sqlite.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.helidon.config.Config;

/**
 * {@code java -jar messages.jar restore [name]}: the SQLite database brought back from its newest
 * good backup (or the one named), from the backup volume or object storage. Each candidate,
 * newest first, is fetched beside the database and checked ({@code PRAGMA integrity_check}, the
 * messages table readable); a damaged local copy is fetched again from the bucket, an unreachable
 * bucket leaves the local copies. Only a copy that passes replaces the database, and the files it
 * replaces (the database, its write-ahead log, its shared memory, whether or not the database is
 * still there) are kept beside it as {@code <file>.before-restore-<time>}, never deleted. The
 * database is locked against SQLite processes from the first check to the last rename: it refuses
 * to start while one has the database open, and none can open it meanwhile.
 */
public final class Restore {
    private static final System.Logger LOGGER = System.getLogger(Restore.class.getName());
    // SQLite's unix VFS: every connection holds a read lock on this byte of the -shm file while open.
    private static final long SHM_DEAD_MAN_SWITCH = 128;
    private static final String[] COMPANIONS = {"-wal", "-shm", "-journal"};

    private Restore() {
    }

    /**
     * Restores {@code database} from the backups {@code backup} (the {@code db.backup} node)
     * configures: its {@code directory} and its {@code off-site} bucket.
     *
     * @param backup   the {@code db.backup} node
     * @param database the SQLite file to restore (made if missing, with its directory)
     * @param name     the backup to restore; empty: the newest that passes the checks
     * @return what was done, one line
     * @throws IllegalStateException if nothing was restored (the database is untouched), saying why
     */
    public static String run(Config backup, Path database, Optional<String> name) {
        Optional<Path> directory = backup.get("directory").asString().asOptional().filter(d -> !d.isBlank()).map(Path::of);
        Optional<ObjectStore> store = ObjectStore.Settings.from(backup.get("off-site")).map(ObjectStore::open);
        try {
            Files.createDirectories(database.toAbsolutePath().getParent());
            checkpoint(database);
            try (FileChannel shm = FileChannel.open(companion(database, "-shm"), StandardOpenOption.CREATE,
                                                    StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = shm.tryLock(SHM_DEAD_MAN_SWITCH, 1, false)) {
                if (lock == null) {
                    throw new IllegalStateException(database + " is open in another process: stop the service first "
                                                            + "(kubectl scale statefulset/messages --replicas=0)");
                }
                return restore(directory, store, database, name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore into " + database + ": " + e.getMessage(), e);
        } finally {
            store.ifPresent(ObjectStore::close);
        }
    }

    private static String restore(Optional<Path> directory, Optional<ObjectStore> store, Path database,
                                  Optional<String> name) {
        List<String> notes = new ArrayList<>();
        List<String> stored = List.of();
        if (store.isPresent()) {
            try {
                stored = store.get().names();
            } catch (ObjectStore.ObjectStoreException e) {
                notes.add("the bucket could not be listed (" + e.getMessage() + "): local backups only");
                LOGGER.log(System.Logger.Level.WARNING, "messages: " + e.getMessage());
            }
        }
        List<String> candidates = candidates(directory, stored, name);
        if (candidates.isEmpty()) {
            throw new IllegalStateException("no backup " + name.map(n -> "named " + n + " ").orElse("") + "in "
                    + places(directory, store) + (notes.isEmpty() ? "" : "; " + String.join("; ", notes))
                    + "; the database is untouched");
        }
        Path partial = database.resolveSibling(database.getFileName() + ".restore-" + BackupName.stamp(Instant.now())
                                                       + ".partial");
        List<String> refused = new ArrayList<>();
        for (String candidate : candidates) {
            List<String> sources = new ArrayList<>();
            directory.map(d -> d.resolve(candidate)).filter(Files::isRegularFile).ifPresent(p -> sources.add(p.toString()));
            if (store.isPresent() && stored.contains(candidate)) {
                sources.add(store.get().settings().where());
            }
            for (String source : sources) {
                try {
                    fetch(candidate, source, store, partial);
                    long messages = check(partial);
                    String kept = install(partial, database);
                    return "restored " + candidate + " from " + source + " (" + messages + " messages, integrity ok) into "
                            + database + kept + (refused.isEmpty() ? "" : "; refused: " + String.join(", ", refused))
                            + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
                } catch (IOException | RuntimeException e) {
                    refused.add(candidate + " from " + source + " (" + e.getMessage() + ")");
                    LOGGER.log(System.Logger.Level.WARNING, "messages: not restoring " + candidate + " from " + source
                            + ": " + e.getMessage());
                } finally {
                    deleteQuietly(partial);
                }
            }
        }
        throw new IllegalStateException("no backup passed the checks: " + String.join(", ", refused)
                                                + "; the database is untouched");
    }

    // The backups' names, newest first, in both places (the same name is the same backup).
    private static List<String> candidates(Optional<Path> directory, List<String> stored, Optional<String> name) {
        TreeSet<String> names = new TreeSet<>(java.util.Comparator.reverseOrder());
        if (directory.isPresent() && Files.isDirectory(directory.get())) {
            try (Stream<Path> files = Files.list(directory.get())) {
                files.map(f -> f.getFileName().toString()).filter(BackupName::is).forEach(names::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + directory.get() + ": " + e.getMessage(), e);
            }
        }
        stored.stream().filter(BackupName::is).forEach(names::add);
        return names.stream().filter(n -> name.isEmpty() || name.get().equals(n)).toList();
    }

    private static void fetch(String name, String source, Optional<ObjectStore> store, Path target) throws IOException {
        if (store.isPresent() && source.equals(store.get().settings().where())) {
            store.get().get(name, target);
        } else {
            Files.copy(Path.of(source), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // The copy is a whole, sound messages database: the number of its messages.
    private static long check(Path copy) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:file:" + copy + "?mode=ro");
             Statement statement = connection.createStatement()) {
            try (ResultSet integrity = statement.executeQuery("PRAGMA integrity_check")) {
                String first = integrity.next() ? integrity.getString(1) : "no answer";
                if (!"ok".equals(first)) {
                    throw new IllegalStateException("integrity_check: " + first);
                }
            }
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM messages")) {
                count.next();
                return count.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("not a messages database: " + e.getMessage(), e);
        }
    }

    // The old database's log folded into it first, where it still opens: its files then move aside
    // whole, whatever happens between the renames.
    private static void checkpoint(Path database) {
        if (!Files.exists(database) || !Files.exists(companion(database, "-wal"))) {
            return;
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 0");
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            // A damaged database: its files move aside as they are.
            LOGGER.log(System.Logger.Level.WARNING, "messages: cannot checkpoint " + database + ": " + e.getMessage());
        }
    }

    // The checked copy becomes the database; every file at the database's name, the database or
    // not, is kept beside it first (a log left beside another database would be replayed into it).
    private static String install(Path partial, Path database) throws IOException {
        try (FileChannel file = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            file.force(true);
        }
        Path before = database.resolveSibling(database.getFileName() + ".before-restore-" + BackupName.stamp(Instant.now()));
        List<String> moved = new ArrayList<>();
        for (String suffix : new String[] {"", COMPANIONS[0], COMPANIONS[1], COMPANIONS[2]}) {
            Path file = companion(database, suffix);
            if (Files.exists(file)) {
                Files.move(file, companion(before, suffix), StandardCopyOption.ATOMIC_MOVE);
                moved.add(file.getFileName().toString());
            }
        }
        Files.move(partial, database, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(database.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        return moved.isEmpty() ? "" : "; what it replaced (" + String.join(", ", moved) + ") is kept as " + before + "*";
    }

    private static Path companion(Path database, String suffix) {
        return database.resolveSibling(database.getFileName() + suffix);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOGGER.log(System.Logger.Level.WARNING, "messages: cannot delete " + file + ": " + e.getMessage());
        }
    }

    private static String places(Optional<Path> directory, Optional<ObjectStore> store) {
        List<String> places = new ArrayList<>();
        directory.ifPresent(d -> places.add(d.toString()));
        store.ifPresent(s -> places.add(s.settings().where()));
        return places.isEmpty() ? "no place (db.backup.directory and db.backup.off-site.bucket are empty)"
                : String.join(" or ", places);
    }
}
