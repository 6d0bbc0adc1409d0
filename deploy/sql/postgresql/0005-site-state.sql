-- SessionGrains schema for PostgreSQL, part 5: the state of sites and ended sessions
-- (SessionGrains.Persistence.State.PostgreSqlStateDatabase).
--
-- A site is one header row (settings, recently ended sessions; Orleans' binary format) and one row per live
-- session, so a write touches only the sessions that changed: its cost does not grow with the site's size.
-- Version is the site's write counter: a write applies only if it still holds the version its writer read
-- (optimistic concurrency between two activations of one site).
-- Ended sessions are kept for a week, so a user who comes back later is told why their session ended.

CREATE TABLE IF NOT EXISTS SessionGrainsSites
(
    ServiceId  text        NOT NULL,
    SiteId     text        NOT NULL,
    Version    bigint      NOT NULL,
    Header     bytea       NOT NULL,
    ModifiedOn timestamptz NOT NULL,
    PRIMARY KEY (ServiceId, SiteId)
);

CREATE TABLE IF NOT EXISTS SessionGrainsSiteSessions
(
    ServiceId text  NOT NULL,
    SiteId    text  NOT NULL,
    SessionId uuid  NOT NULL,
    Payload   bytea NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, SessionId)
);

CREATE TABLE IF NOT EXISTS SessionGrainsEndedSessions
(
    ServiceId text        NOT NULL,
    SiteId    text        NOT NULL,
    SessionId uuid        NOT NULL,
    Reason    integer     NOT NULL,
    EndedAt   timestamptz NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, SessionId)
);

CREATE INDEX IF NOT EXISTS IX_SessionGrainsEndedSessions_EndedAt ON SessionGrainsEndedSessions (ServiceId, EndedAt);
