-- The recipe's table, as the service created it before it had migrations. A database that
-- already holds it (no migration history) is recorded at this version without running it.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
