package io.messages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL for the whole test run (zonky's embedded binaries from Maven Central),
 * started on first use and stopped when the test JVM exits. Each caller gets a database of its
 * own in it.
 */
public final class EmbeddedPostgresServer {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EmbeddedPostgresServer() {
    }

    /**
     * The directory of the PostgreSQL programs (initdb, pg_ctl, postgres) that zonky unpacked
     * from its Maven Central bundle, for tests that run servers of their own.
     */
    public static Path binaries() {
        Holder.POSTGRES.getPort(); // unpacked when the shared server first started
        try (Stream<Path> unpacked = Files.list(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"))) {
            return unpacked.map(dir -> dir.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparing(bin -> bin.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("no unpacked PostgreSQL binaries"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PostgreSQL of the caller's own on {@code data} and {@code port}, which it can stop and
     * start again on the same data and port (an outage), unlike the shared one.
     */
    public static EmbeddedPostgres onDisk(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    /** The JDBC URL of a new, empty database; user {@code postgres}, no password. */
    public static String newDatabase() {
        String name = "messages_" + DATABASES.incrementAndGet();
        try (Connection connection = Holder.POSTGRES.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return Holder.POSTGRES.getJdbcUrl("postgres", name);
    }

    private static final class Holder {
        private static final EmbeddedPostgres POSTGRES = start();

        private static EmbeddedPostgres start() {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        // the JVM is exiting; the data directory is temporary
                    }
                }));
                return postgres;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
    }
}
