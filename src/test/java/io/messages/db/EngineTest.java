package io.messages.db;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.Rows;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EngineTest {

    @Test
    void openCreatesTheMissingDirectoryAndTheSchema() {
        Path db = TestConfig.tempDir().resolve("not/yet/there/messages.db");

        try (Engine engine = Engine.open(TestConfig.sqlite(db, Map.of()).get("db"))) {
            assertThat(Files.isRegularFile(db), is(true));
            assertThat(Rows.count(engine), is(0L));
        }
    }

    @Test
    void stoppingTheServiceClosesThePoolAndEveryConnection() throws Exception {
        Path db = TestConfig.tempDir().resolve("messages.db");
        Service service = Main.start(TestConfig.sqlite(db, Map.of()));
        HttpResponse<String> res = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + "/record?msg=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(200));
        Path wal = Path.of(db + "-wal");
        assertThat("an open WAL connection keeps its -wal file", Files.exists(wal), is(true));

        service.stop();

        assertThat(service.engine().isClosed(), is(true));
        // SQLite checkpoints and deletes the -wal file when its last connection closes.
        assertThat("no connection left open", Files.exists(wal), is(false));
    }

    @Test
    void databasePathUnderARegularFileFailsWithOneClearMessage() throws Exception {
        Path file = Files.createFile(TestConfig.tempDir().resolve("a-file"));

        EngineException e = assertThrows(EngineException.class,
                () -> Engine.open(TestConfig.sqlite(file.resolve("messages.db"), Map.of()).get("db")));

        assertThat(e.getMessage(), containsString("cannot create the database directory"));
    }

    @Test
    void databaseFileThatIsADirectoryFailsWithOneClearMessage() throws Exception {
        Path dir = Files.createDirectory(TestConfig.tempDir().resolve("messages.db"));

        EngineException e = assertThrows(EngineException.class,
                () -> Engine.open(TestConfig.sqlite(dir, Map.of()).get("db")));

        assertThat(e.getMessage(), containsString("cannot open the database at jdbc:sqlite:" + dir));
    }

    @Test
    void unknownDatabaseSourceFailsWithOneClearMessage() {
        Config config = TestConfig.sqlite(TestConfig.tempDir().resolve("m.db"), Map.of("db.source", "nosuchdb"));

        EngineException e = assertThrows(EngineException.class, () -> Engine.open(config.get("db")));

        assertThat(e.getMessage(), containsString("nosuchdb"));
    }

    @Test
    void badGroupCommitSettingsFailWithOneClearMessage() {
        Path db = TestConfig.tempDir().resolve("m.db");

        EngineException noBatch = assertThrows(EngineException.class, () -> Engine.open(
                TestConfig.sqlite(db, Map.of("db.group-commit.max-batch", "0")).get("db")));
        EngineException badWait = assertThrows(EngineException.class, () -> Engine.open(
                TestConfig.sqlite(db, Map.of("db.group-commit.max-wait", "soon")).get("db")));

        assertThat(noBatch.getMessage(), containsString("db.group-commit.max-batch must be at least 1, not 0"));
        assertThat(badWait.getMessage(), containsString("bad db.group-commit"));
        assertThat(badWait.getMessage(), containsString("soon"));
    }
}
