package io.messages.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A statement timeout the database or a role gives every session ({@code ALTER DATABASE} or
 * {@code ALTER ROLE ... SET statement_timeout}, as a DBA may) is not the one the service's
 * connections run with: the service's own bound (ServerKind.completePool) is set on connecting,
 * after those defaults, so that a request's statement ends where docs/operations.md says, before
 * the driver gives up on it.
 */
class SessionDefaultsTest {
    @Test
    void theServicesStatementBoundWinsOverTheDatabasesOwnDefault() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        try (Connection owner = DriverManager.getConnection(url); Statement statement = owner.createStatement()) {
            // Shorter than the service's statements may take: had it stayed, requests would fail.
            statement.execute("ALTER DATABASE \"" + owner.getCatalog() + "\" SET statement_timeout = '1ms'");
        }
        Service service = Main.start(TestConfig.postgres(url, Map.of("db.connection.dataSource.socketTimeout", "4",
                                                                     "messages.warm-up.enabled", "false")));
        try {
            assertThat(Http.get(service.port(), "/record?msg=hello").statusCode(), is(200));
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: hello"));
            try (Connection pooled = service.engine().pool().connection(); Statement statement = pooled.createStatement();
                 ResultSet setting = statement.executeQuery("SHOW statement_timeout")) {
                setting.next();
                assertThat(setting.getString(1), is("3333ms"));
            }
        } finally {
            service.stop();
        }
    }
}
