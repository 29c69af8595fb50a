package io.messages.testing;

import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
import io.messages.db.Engine;

/** What the messages table holds, read outside any request. */
public final class Rows {
    private Rows() {
    }

    public static long count(Engine engine) {
        return engine.client().execute()
                .get("SELECT COUNT(*) AS n FROM messages")
                .orElseThrow()
                .column("n").get(Number.class).longValue();
    }

    public static List<String> values(Engine engine) {
        try (Stream<DbRow> rows = engine.client().execute().query("SELECT value FROM messages ORDER BY id")) {
            return rows.map(row -> row.column("value").getString()).toList();
        }
    }

    public static void clear(Engine engine) {
        engine.client().execute().dml("DELETE FROM messages");
    }
}
