-- A migration from a newer release of the service than the one under test.
CREATE TABLE from_the_future (x INTEGER);
