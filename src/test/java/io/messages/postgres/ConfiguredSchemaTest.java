package io.messages.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.TestConfig;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

/**
 * A PostgreSQL schema named in {@code db.connection} ({@code schema}, or {@code connectionInitSql}
 * setting the {@code search_path}: HikariCP applies both to each connection it makes) holds the
 * service's tables, and every connection the service makes meets them: the pool's, the
 * migrations' (outside the pool) and the listing lane's (its own).
 */
class ConfiguredSchemaTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"schema", "connectionInitSql"})
    void theSchemaNamedForTheConnectionsHoldsTheTablesAndEveryConnectionMeetsThem(String setting) throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        execute(url, "CREATE SCHEMA app");
        Map<String, String> overrides = new HashMap<>(Map.of("messages.warm-up.enabled", "false"));
        overrides.put("db.connection." + setting, setting.equals("schema") ? "app" : "SET search_path TO app");
        Service service = Main.start(TestConfig.postgres(url, overrides));
        try {
            assertThat(Http.get(service.port(), "/record?msg=hello").body(), is("Recorded: hello"));
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: hello"));
            // A row another process adds there: the listing's check (on the lane) sees it.
            execute(url, "INSERT INTO app.messages (value) VALUES ('from outside')");
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: hello\nfrom outside"));
            // And takes away, from a session whose search_path does not name the schema: the
            // trigger that counts the change finds its table all the same.
            execute(url, "DELETE FROM app.messages WHERE value = 'from outside'");
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: hello"));

            assertThat("where the migrations made the tables",
                       schemasOf(url, "messages", "flyway_schema_history"), containsInAnyOrder("app", "app"));
        } finally {
            service.stop();
        }
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> schemasOf(String url, String... tables) throws Exception {
        List<String> schemas = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT table_schema FROM information_schema.tables WHERE table_name IN ('"
                                                             + String.join("', '", tables) + "')")) {
            while (rows.next()) {
                schemas.add(rows.getString(1));
            }
        }
        return schemas;
    }
}
