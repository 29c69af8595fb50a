package io.messages.backup;

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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.helidon.config.Config;

/**
 * {@code java -jar messages.jar restore [name]}: the SQLite database brought back from its newest
 * good backup (or the one named), from the backup volume or object storage, whichever holds it.
 * Each candidate, newest first, is fetched beside the database and checked
 * ({@code PRAGMA integrity_check}, the messages table readable); only a copy that passes replaces
 * the database, in one rename. The database it replaces and its write-ahead log are kept beside
 * it ({@code <file>.before-restore-<time>}, itself a database that opens), never deleted: a restore
 * loses nothing, even a wrong one. It refuses while a process has the database open.
 */
public final class Restore {
    private static final System.Logger LOGGER = System.getLogger(Restore.class.getName());
    // SQLite's unix VFS: every connection holds a read lock on this byte of the -shm file while open.
    private static final long SHM_DEAD_MAN_SWITCH = 128;

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
        refuseWhileOpen(database);
        Optional<Path> directory = backup.get("directory").asString().asOptional().filter(d -> !d.isBlank()).map(Path::of);
        Optional<ObjectStore> store = ObjectStore.Settings.from(backup.get("off-site")).map(ObjectStore::open);
        try {
            List<String> candidates = candidates(directory, store, name);
            if (candidates.isEmpty()) {
                throw new IllegalStateException("no backup " + name.map(n -> "named " + n + " ").orElse("")
                        + "in " + places(directory, store) + "; the database is untouched");
            }
            Files.createDirectories(database.toAbsolutePath().getParent());
            List<String> refused = new ArrayList<>();
            for (String candidate : candidates) {
                Path partial = database.resolveSibling(database.getFileName() + ".restore.partial");
                try {
                    String from = fetch(candidate, directory, store, partial);
                    long messages = check(partial);
                    String kept = install(partial, database);
                    return "restored " + candidate + " from " + from + " (" + messages + " messages, integrity ok) into "
                            + database + kept + (refused.isEmpty() ? "" : "; refused newer: " + String.join(", ", refused));
                } catch (RuntimeException e) {
                    Files.deleteIfExists(partial);
                    refused.add(candidate + " (" + e.getMessage() + ")");
                    LOGGER.log(System.Logger.Level.WARNING, "messages: not restoring " + candidate + ": " + e.getMessage());
                }
            }
            throw new IllegalStateException("no backup passed the checks: " + String.join(", ", refused)
                                                    + "; the database is untouched");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore into " + database + ": " + e.getMessage(), e);
        } finally {
            store.ifPresent(ObjectStore::close);
        }
    }

    // The backups' names, newest first, in both places (the same name is the same backup).
    private static List<String> candidates(Optional<Path> directory, Optional<ObjectStore> store, Optional<String> name)
            throws IOException {
        TreeSet<String> names = new TreeSet<>(Comparator.reverseOrder());
        if (directory.isPresent() && Files.isDirectory(directory.get())) {
            try (Stream<Path> files = Files.list(directory.get())) {
                files.map(f -> f.getFileName().toString()).filter(BackupName::is).forEach(names::add);
            }
        }
        store.ifPresent(s -> s.names().stream().filter(BackupName::is).forEach(names::add));
        return names.stream().filter(n -> name.isEmpty() || name.get().equals(n)).toList();
    }

    // The backup into target, from the volume if it is there (no download), else object storage.
    private static String fetch(String name, Optional<Path> directory, Optional<ObjectStore> store, Path target)
            throws IOException {
        Optional<Path> local = directory.map(d -> d.resolve(name)).filter(Files::isRegularFile);
        if (local.isPresent()) {
            Files.copy(local.get(), target, StandardCopyOption.REPLACE_EXISTING);
            return local.get().getParent().toString();
        }
        ObjectStore s = store.orElseThrow();
        s.get(name, target);
        return s.settings().where();
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

    // The checked copy becomes the database; what it replaces is kept beside it, with its log.
    private static String install(Path partial, Path database) {
        try {
            try (FileChannel file = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                file.force(true);
            }
            String kept = "";
            if (Files.exists(database)) {
                Path before = database.resolveSibling(database.getFileName() + ".before-restore-"
                                                              + BackupName.stamp(Instant.now()));
                // The log goes with its database (a log replayed into another file would corrupt it).
                for (String suffix : new String[] {"-wal", "-shm", ""}) {
                    Path file = database.resolveSibling(database.getFileName() + suffix);
                    if (Files.exists(file)) {
                        Files.move(file, before.resolveSibling(before.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                kept = "; the database it replaced is kept as " + before;
            }
            Files.move(partial, database, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(database.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // A process with the database open (the service not stopped) holds a lock on its -shm file.
    private static void refuseWhileOpen(Path database) {
        Path shm = database.resolveSibling(database.getFileName() + "-shm");
        if (!Files.exists(shm)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock(SHM_DEAD_MAN_SWITCH, 1, false)) {
            if (lock == null) {
                throw new IllegalStateException(database + " is open in another process: stop the service first "
                                                        + "(kubectl scale statefulset/messages --replicas=0)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell whether " + database + " is in use: " + e.getMessage(), e);
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
