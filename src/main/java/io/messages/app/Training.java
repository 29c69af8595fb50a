package io.messages.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.helidon.config.Config;
import io.messages.ops.WarmUp;
import io.messages.tracing.Tracing;

/**
 * The training run of the AOT cache (JDK 25, {@code -XX:AOTCacheOutput}): the service on a
 * throwaway SQLite database, warmed up for longer than at a normal start, then stopped; the JVM
 * writes the cache as it exits. {@code java -jar messages.jar train}.
 */
final class Training {
    private Training() {
    }

    /** Runs it; what was done, one line. */
    static String run(Config config) {
        Path dir;
        try {
            dir = Files.createTempDirectory("messages-training");
        } catch (IOException e) {
            throw new StartupException("cannot make a directory for the training database", e);
        }
        Config training = AppConfig.withOverrides(config, Map.of(
                "db.connection.url", "jdbc:sqlite:" + dir.resolve("training.db"),
                "server.port", "0", "server.sockets.0.port", "0", "messages.drain-delay", "PT0S"));
        WarmUp warmUp = WarmUp.from(training.get("messages.warm-up")).forTraining();
        Service service = Main.start(training, Tracing.off(), warmUp);
        while (!warmUp.done()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        service.stop();
        return "training run done; the JVM writes the AOT cache as it exits";
    }
}
