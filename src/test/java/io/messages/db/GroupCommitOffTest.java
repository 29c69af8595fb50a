package io.messages.db;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Group commit switched off on SQLite: every write is its own commit.
 */
@ServerTest
class GroupCommitOffTest extends GroupCommitSuite {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.SQLITE, Map.of("db.group-commit.enabled", "false"));

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        SERVICE.server(server);
    }

    @SetUpRoute
    static void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        routing(SERVICE, socket, routing);
    }

    @Test
    void withGroupCommitOffEveryWriteIsItsOwnCommit() throws Exception {
        assertThat(engine.groupsCommits(), is(false));
        TransactionCounts before = engine.counts();
        List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(get("/record?msg=w" + i));
        }
        answers(writes);

        TransactionCounts after = engine.counts();
        assertThat(after.committed() - before.committed(), is(50L));
        assertThat(after.databaseCommits() - before.databaseCommits(), is(50L));
    }
}
