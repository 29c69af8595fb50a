package io.messages.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A real, small file system of its own (a tmpfs mounted by the test, as root), to fill up for
 * real. Where mounting is impossible (not root) the test is skipped with the
 * reason, except under CI ({@code CI=true}), where it fails: CI must run it.
 */
public final class SmallVolume implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private SmallVolume(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** A new tmpfs of {@code mebibytes} MiB, mounted on a new temp directory. */
    public static SmallVolume mount(int mebibytes) {
        Path dir = TestConfig.tempDir().resolve("volume");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", dir.toString());
        if (failure != null) {
            String why = "cannot mount a tmpfs for a real full disk (needs root): " + failure;
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            abort(why);
        }
        return new SmallVolume(dir);
    }

    /** Where the volume is mounted. */
    public Path dir() {
        return dir;
    }

    /** Bytes still free on the volume. */
    public long free() {
        return dir.toFile().getUsableSpace();
    }

    /** Fills the volume with a file of its own until at most {@code bytes} are left free. */
    public void fillLeaving(long bytes) {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (free() > bytes) {
                out.write(block, 0, (int) Math.min(block.length, free() - bytes));
                out.flush();
            }
        } catch (IOException e) {
            // full before the target: full enough
        }
    }

    /** Gives back the space taken by {@link #fillLeaving(long)}. */
    public void freeUp() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (run("umount", dir.toString()) != null) {
            run("umount", "-l", dir.toString()); // still open somewhere: detach it now, gone when closed
        }
    }

    // Runs a command; null when it succeeded, else what it said.
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null : output;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
