-- Where the messages stand, for the listing kept in memory (listing/Listing, docs/design.md):
-- triggers count every insert, and every update or delete, whoever makes them (the service, or
-- sqlite3 run by an operator on the same file: triggers are part of the schema). A kept listing
-- is served only if the counts read in the reader's own snapshot prove that the database holds
-- exactly it plus the rows that came after it.
CREATE TABLE messages_version (
    changes INTEGER NOT NULL,
    inserts INTEGER NOT NULL
);
INSERT INTO messages_version VALUES (0, 0);

CREATE TRIGGER messages_inserted AFTER INSERT ON messages
BEGIN
    UPDATE messages_version SET inserts = inserts + 1;
END;
CREATE TRIGGER messages_updated AFTER UPDATE ON messages
BEGIN
    UPDATE messages_version SET changes = changes + 1;
END;
CREATE TRIGGER messages_deleted AFTER DELETE ON messages
BEGIN
    UPDATE messages_version SET changes = changes + 1;
END;

-- One text for the listing's statements, the same name on every database: "changes:inserts".
CREATE VIEW listing_version AS SELECT changes || ':' || inserts AS token FROM messages_version;
