package io.messages.postgres;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.db.Engine;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.OnDatabase;
import io.messages.testing.TestConfig;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.messages.testing.TestDatabase.POSTGRES;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The service on PostgreSQL as a role that owns nothing (a member of {@code messages_writer}),
 * the schema migrated by its owner beforehand, as the postgres overlay runs them: every route
 * works, the exact listing's checks included, and the role can neither drop, alter nor create a
 * table. A request that went wrong, or a SQL injection, could not touch the schema. So with the
 * tables in {@code public} and in a schema {@code db.connection.schema} names.
 */
@OnDatabase(POSTGRES)
class LeastPrivilegeTest {

    @ParameterizedTest(name = "tables in {0}")
    @ValueSource(strings = {"public", "app"})
    void theServiceRunsAsARoleThatReadsAndWritesButCannotDropAlterOrCreateTables(String schema) throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        String plain = url.substring(0, url.indexOf('?'));
        String owner = database + "_owner";
        String service = database + "_service";
        try (Connection admin = DriverManager.getConnection(url); Statement sql = admin.createStatement()) {
            sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'messages_writer') "
                                + "THEN CREATE ROLE messages_writer NOLOGIN; END IF; END $$");
            sql.execute("CREATE ROLE " + owner + " LOGIN PASSWORD 'owner'");
            sql.execute("ALTER DATABASE " + database + " OWNER TO " + owner);
            sql.execute("CREATE ROLE " + service + " LOGIN PASSWORD 'service' IN ROLE messages_writer");
            if (!schema.equals("public")) {
                sql.execute("CREATE SCHEMA " + schema + " AUTHORIZATION " + owner);
            }
        }
        Map<String, String> named = schema.equals("public") ? Map.of() : Map.of("db.connection.schema", schema);
        Engine.migrate(as(plain, owner, "owner", named).get("db"));

        Map<String, String> serviceSettings = new java.util.HashMap<>(named);
        serviceSettings.put("db.migrations.at-start", "false");
        Service running = Main.start(as(plain, service, "service", serviceSettings));
        try {
            for (String msg : new String[] {"one", "two"}) {
                assertThat(Http.get(running.port(), "/record?msg=" + msg).statusCode(), is(200));
                HttpResponse<String> listing = Http.get(running.port(), "/");
                assertThat(listing.body().endsWith(msg), is(true));
            }
            assertThat(Http.get(running.port(), "/?limit=1").body(), is("Here are your list of messages: one"));
        } finally {
            running.stop();
        }
        try (Connection connection = DriverManager.getConnection(plain, service, "service");
             Statement sql = connection.createStatement()) {
            connection.setSchema(schema);
            for (String ddl : new String[] {"DROP TABLE messages", "ALTER TABLE messages ADD COLUMN extra int",
                                            "CREATE TABLE elsewhere (id int)", "TRUNCATE messages"}) {
                SQLException refused = assertThrows(SQLException.class, () -> sql.execute(ddl), ddl);
                assertThat(ddl, refused.getSQLState(), is("42501")); // insufficient_privilege
            }
        }
    }

    private static Config as(String url, String user, String password, Map<String, String> overrides) {
        Map<String, String> values = new java.util.HashMap<>(overrides);
        values.put("db.connection.url", url);
        values.put("db.connection.username", user);
        values.put("db.connection.password", password);
        return TestConfig.of(values);
    }
}
