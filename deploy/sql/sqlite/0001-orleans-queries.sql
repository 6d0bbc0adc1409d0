-- SessionGrains schema for SQLite, part 1: the table in which the Orleans ADO.NET providers look up their queries.
-- Every script here is idempotent: the server applies the missing ones on start, and running one twice changes nothing.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
