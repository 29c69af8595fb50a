package io.messages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One PostgreSQL server of our own, from the same Maven Central binaries as the embedded one,
 * driven with initdb and pg_ctl as an operator (or CloudNativePG's instance manager) would: so
 * that a test can build a primary and a streaming standby, kill the primary with SIGKILL and
 * promote the standby. As root, the programs run in a user namespace ({@code unshare -U}), as
 * zonky runs them: PostgreSQL refuses to run as root.
 */
public final class PostgresNode implements AutoCloseable {
    private final Path data;
    private final int port;

    private PostgresNode(Path data, int port) {
        this.data = data;
        this.port = port;
    }

    /** A new, stopped server in {@code data} on 127.0.0.1:{@code port}, with {@code settings} added to its config. */
    public static PostgresNode init(Path data, int port, List<String> settings) {
        run("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8");
        PostgresNode node = new PostgresNode(data, port);
        node.configure(settings);
        return node;
    }

    /**
     * A standby of {@code primary} (which must be stopped): a cold copy of its data directory,
     * streaming from {@code primaryPort} as {@code name}.
     */
    public static PostgresNode standbyOf(PostgresNode primary, Path data, int port, int primaryPort, String name) {
        try (Stream<Path> files = Files.walk(primary.data)) {
            for (Path source : files.toList()) {
                Path target = data.resolve(primary.data.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().startsWith("postmaster.")) {
                    Files.copy(source, target);
                }
            }
            Files.createFile(data.resolve("standby.signal"));
            // PostgreSQL refuses a data directory others may read.
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostgresNode standby = new PostgresNode(data, port);
        standby.configure(List.of("primary_conninfo = 'host=127.0.0.1 port=" + primaryPort
                                          + " user=postgres application_name=" + name + "'"));
        return standby;
    }

    public int port() {
        return port;
    }

    /** A JDBC URL of {@code database} on this server, as user postgres. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** Runs {@code sql} (no result) in {@code database}. */
    public void execute(String database, String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database))) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Starts the server and waits until it accepts connections. */
    public void start() {
        run("pg_ctl", "-D", data.toString(), "-l", data.resolveSibling(data.getFileName() + ".log").toString(),
            "-w", "start");
    }

    /** Stops the server cleanly (fast shutdown: clients are disconnected). */
    public void stop() {
        run("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop");
    }

    /** Promotes this standby to a primary and waits until it takes writes. */
    public void promote() {
        run("pg_ctl", "-D", data.toString(), "-w", "promote");
    }

    /** Kills the server and every process of it with SIGKILL, as a lost node: nothing is flushed or closed. */
    public void kill() {
        ProcessHandle.of(postmasterPid()).ifPresent(postmaster -> {
            List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
            all.add(postmaster);
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle process : all) {
                process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            }
        });
    }

    /** Stops the server if it runs; nothing if it was killed. */
    @Override
    public void close() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
            } catch (IllegalStateException e) {
                // already gone
            }
        }
    }

    private long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds {@code settings} to the server's config; they take effect at its next start. */
    public void configure(List<String> settings) {
        List<String> lines = new ArrayList<>(List.of("port = " + port, "listen_addresses = '127.0.0.1'",
                                                     "unix_socket_directories = '" + data.getParent() + "'"));
        lines.addAll(settings);
        try {
            Files.write(data.resolve("postgresql.conf"), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(String program, String... args) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(EmbeddedPostgresServer.binaries().resolve(program).toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
