package io.messages.message;

import java.util.List;

import io.messages.testing.OnDatabase;
import io.messages.testing.Outside;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * {@link OutsideWritersTest} on SQLite, and what only SQLite lets another writer do: reuse an id
 * that the kept listing has seen go.
 */
@OnDatabase(SQLITE)
class OutsideWritersOnSqliteTest extends OutsideWritersTest {
    @Test
    void outsideInsertWithALowerIdThanTheKeptListingsLastIsListedInItsPlace() throws Exception {
        for (String msg : List.of("a", "b", "c")) {
            get("/record?msg=" + msg);
        }
        Outside.execute(engine(), "DELETE FROM messages WHERE value = 'b'");
        assertThat(get("/").body(), is(text(List.of("a", "c"))));

        // The freed id again: nothing after the kept listing's last id, yet a new message.
        Outside.execute(engine(), "INSERT INTO messages (id, value) SELECT id + 1, 'b2' FROM messages WHERE value = 'a'");

        assertThat(get("/").body(), is(text(List.of("a", "b2", "c"))));
    }
}
