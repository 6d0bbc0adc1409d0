-- SessionGrains schema for SQLite, part 3: the state of sites and ended sessions
-- (SessionGrains.Persistence.State.SqliteStateDatabase).
--
-- A site is one header row (settings, recently ended sessions; Orleans' binary format) and one row per live
-- session, so a write touches only the sessions that changed: its cost does not grow with the site's size.
-- Version is the site's write counter: a write applies only if it still holds the version its writer read.
-- Ended sessions are kept for a week (EndedAt in UTC ticks), so a user who comes back later is told why
-- their session ended.

CREATE TABLE IF NOT EXISTS SessionGrainsSites
(
    ServiceId  TEXT    NOT NULL,
    SiteId     TEXT    NOT NULL,
    Version    INTEGER NOT NULL,
    Header     BLOB    NOT NULL,
    ModifiedOn TEXT    NOT NULL,
    PRIMARY KEY (ServiceId, SiteId)
);

CREATE TABLE IF NOT EXISTS SessionGrainsSiteSessions
(
    ServiceId TEXT NOT NULL,
    SiteId    TEXT NOT NULL,
    SessionId BLOB NOT NULL,
    Payload   BLOB NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, SessionId)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS SessionGrainsEndedSessions
(
    ServiceId TEXT    NOT NULL,
    SiteId    TEXT    NOT NULL,
    SessionId BLOB    NOT NULL,
    Reason    INTEGER NOT NULL,
    EndedAt   INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, SessionId)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS IX_SessionGrainsEndedSessions_EndedAt ON SessionGrainsEndedSessions (ServiceId, EndedAt);
