-- SessionGrains schema for SQLite, part 8: each site's usage per UTC day, kept 400 days
-- (SessionGrains.Persistence.State.SqliteStateDatabase, UsageColumns).
--
-- One row per site and day, upserted with the site's own writes (at most about once a minute, never per admission)
-- in the same transaction as its version check. The figures are columns for SQL; Payload is the whole record
-- (Orleans' binary format, with the distinct users' HyperLogLog sketch and the line's wait histogram), which the
-- service reads back and merges for months. Day is the UTC date as 'YYYY-MM-DD'.

CREATE TABLE IF NOT EXISTS SessionGrainsSiteUsage
(
    ServiceId         TEXT    NOT NULL,
    SiteId            TEXT    NOT NULL,
    Day               TEXT    NOT NULL,
    PeakCounted       INTEGER NOT NULL,
    MinutesAtLimit    INTEGER NOT NULL,
    SessionsStarted   INTEGER NOT NULL,
    DistinctUsers     INTEGER NOT NULL,
    RefusedSiteFull   INTEGER NOT NULL,
    RefusedSiteClosed INTEGER NOT NULL,
    RefusedUserLimit  INTEGER NOT NULL,
    RefusedMaxSessions INTEGER NOT NULL,
    GuardBlocks       INTEGER NOT NULL,
    LineJoined        INTEGER NOT NULL,
    LineAdmitted      INTEGER NOT NULL,
    LineLeft          INTEGER NOT NULL,
    LineExpired       INTEGER NOT NULL,
    WaitMedianSeconds INTEGER NULL,
    WaitP95Seconds    INTEGER NULL,
    LimitInForce      INTEGER NOT NULL,
    LimitLowest       INTEGER NOT NULL,
    LimitHighest      INTEGER NOT NULL,
    LimitChanges      INTEGER NOT NULL,
    Payload           BLOB    NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, Day)
) WITHOUT ROWID;

-- Retention (every row before a day, of every site) and the month's report of all sites walk this.
CREATE INDEX IF NOT EXISTS SessionGrainsSiteUsageByDay ON SessionGrainsSiteUsage (ServiceId, Day);
