package io.messages.db.sqlite;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.messages.db.CommitMark;

/**
 * Whether anything was committed to a SQLite file since a {@link CommitMark}, known without a
 * transaction: from the header of the file's WAL index (the {@code -shm} file), which every
 * SQLite connection, in any process, rewrites when it commits, before the commit returns. Equal
 * headers therefore mean no commit in between, by the service or by an operator's {@code sqlite3}:
 * what lets a kept listing be served without a check while nobody writes (listing/Listing). A
 * connection of its own stays open and the descriptor of the mapping is never closed
 * ({@link #NEVER_CLOSED}), so that the mapped header stays the one SQLite uses (docs/design.md,
 * "WalIndex"). A file not in WAL mode, or a WAL index SQLite keeps in memory, gives no index:
 * every listing is then checked.
 */
final class WalIndex implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(WalIndex.class.getName());
    private static final int HEADER_WORDS = 6;
    // Channels whose descriptors must stay open for the life of the process (see above).
    private static final List<FileChannel> NEVER_CLOSED = new CopyOnWriteArrayList<>();

    private final Connection holder;
    private final MappedByteBuffer header;

    private WalIndex(Connection holder, MappedByteBuffer header) {
        this.holder = holder;
        this.header = header;
    }

    /** The WAL index of the SQLite file at {@code file}, held open by a connection of {@code connections}; empty if it has none. */
    static Optional<WalIndex> open(Supplier<Connection> connections, Path file) {
        Connection holder = null;
        try {
            holder = connections.get();
            try (Statement statement = holder.createStatement();
                 ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
                if (!mode.next() || !"wal".equalsIgnoreCase(mode.getString(1))) {
                    holder.close();
                    return Optional.empty();
                }
            }
            // A read, so that this connection opens the WAL (and its index) and holds it open.
            try (Statement statement = holder.createStatement()) {
                statement.executeQuery("SELECT count(*) FROM sqlite_schema").close();
            }
            FileChannel channel = FileChannel.open(Path.of(file + "-shm"), StandardOpenOption.READ);
            NEVER_CLOSED.add(channel);
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_WORDS * Long.BYTES);
            // Compared, never interpreted: any fixed order will do.
            header.order(ByteOrder.nativeOrder());
            return Optional.of(new WalIndex(holder, header));
        } catch (SQLException | IOException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "No WAL index for {0}, every listing is checked: {1}", file,
                       e.getMessage());
            if (holder != null) {
                try {
                    holder.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            return Optional.empty();
        }
    }

    /** Where the commits stand now. */
    CommitMark mark() {
        long[] words = new long[HEADER_WORDS];
        VarHandle.fullFence();
        for (int i = 0; i < HEADER_WORDS; i++) {
            words[i] = header.getLong(i * Long.BYTES);
        }
        return new CommitMark(words);
    }

    /** Whether nothing was committed since {@code mark} was taken (here). */
    boolean unchangedSince(CommitMark mark) {
        if (!mark.known()) {
            return false;
        }
        // After whatever the caller did before (a request arrived): the header as it is now.
        VarHandle.fullFence();
        for (int i = 0; i < HEADER_WORDS; i++) {
            if (header.getLong(i * Long.BYTES) != mark.word(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            holder.close();
        } catch (SQLException e) {
            // it is being dropped anyway
        }
    }
}
