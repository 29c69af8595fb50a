-- Least privilege (docs/postgresql.md, "Running as a role that owns nothing"): the service may
-- connect as a role that reads and writes the messages but owns no table and cannot create,
-- alter or drop any, while migrations run as the schema's owner (java -jar messages.jar migrate,
-- the postgres overlay's migrate-first). That role is a member of messages_writer; when the
-- cluster has it (k8s/overlays/postgres/database.yaml makes it), it gets what a request needs on
-- today's tables and, by default privileges, on those later migrations make. Without it nothing
-- changes: the service connects as the owner, as before.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'messages_writer') THEN
        GRANT USAGE ON SCHEMA public TO messages_writer;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO messages_writer;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO messages_writer;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO messages_writer;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO messages_writer;
    END IF;
END
$$;
