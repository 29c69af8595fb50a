-- A migration whose statement runs longer than the test's socketTimeout (2 s), as building an
-- index on a large table does.
SELECT pg_sleep(3);
