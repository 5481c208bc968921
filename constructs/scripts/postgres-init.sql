-- The application database and the LangMem store, each owned by its own login role, each with
-- pgvector. Idempotent: run by the postgres-init Job on every sync, and by the restore procedure
-- before pg_restore. Run with psql as a superuser (or RDS master user), with the variables
--   app_db, app_user, app_password, langmem_db, langmem_user, langmem_password
-- (passwords come from secret references: psql -v app_password="$APP_DB_PASSWORD").
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', :'app_user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'langmem_user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'langmem_user') \gexec
-- Set on every run, so rotating a password in the secret store reaches the database.
ALTER ROLE :"app_user" WITH LOGIN PASSWORD :'app_password';
ALTER ROLE :"langmem_user" WITH LOGIN PASSWORD :'langmem_password';

SELECT format('CREATE DATABASE %I OWNER %I', :'app_db', :'app_user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'app_db') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'langmem_db', :'langmem_user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'langmem_db') \gexec
ALTER DATABASE :"app_db" OWNER TO :"app_user";
ALTER DATABASE :"langmem_db" OWNER TO :"langmem_user";
-- Nobody but the owner connects to either database.
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"langmem_db" FROM PUBLIC;

\connect :"app_db"
CREATE EXTENSION IF NOT EXISTS vector;
ALTER SCHEMA public OWNER TO :"app_user";

\connect :"langmem_db"
CREATE EXTENSION IF NOT EXISTS vector;
ALTER SCHEMA public OWNER TO :"langmem_user";
