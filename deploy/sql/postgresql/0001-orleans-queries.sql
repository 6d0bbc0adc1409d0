-- SessionGrains schema for PostgreSQL, part 1: the table in which the Orleans ADO.NET providers look up their queries.
-- Every script here is idempotent: the server applies the missing ones on start (under an advisory lock, so several
-- silos may start together), and a DBA may also run them by hand with psql before the first start.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
