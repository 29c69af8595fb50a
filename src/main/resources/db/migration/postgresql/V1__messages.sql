-- The recipe's table, as the service created it before it had migrations. A database that
-- already holds it (no migration history) is recorded at this version without running it.
CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
