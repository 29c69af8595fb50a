-- One text for the listing's statements, the same name on every database (listing/Listing,
-- docs/design.md): "changes:snapshot", the change counter of V2 and the snapshot the querying
-- statement reads in. Evaluated in that statement, so in its snapshot.
CREATE VIEW listing_version AS
    SELECT changes || ':' || pg_current_snapshot()::text AS token FROM messages_changes;
