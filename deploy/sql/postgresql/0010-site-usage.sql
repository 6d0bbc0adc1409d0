-- SessionGrains schema for PostgreSQL, part 10: each site's usage per UTC day, kept 400 days
-- (SessionGrains.Persistence.State.PostgreSqlStateDatabase, UsageColumns).
--
-- One row per site and day, upserted with the site's own writes (at most about once a minute, never per admission)
-- in the same transaction as its version check. The figures are columns for SQL; Payload is the whole record
-- (Orleans' binary format, with the distinct users' HyperLogLog sketch and the line's wait histogram), which the
-- service reads back and merges for months. Day is the UTC date.

CREATE TABLE IF NOT EXISTS SessionGrainsSiteUsage
(
    ServiceId         text    NOT NULL,
    SiteId            text    NOT NULL,
    Day               date    NOT NULL,
    PeakCounted       integer NOT NULL,
    MinutesAtLimit    integer NOT NULL,
    SessionsStarted   integer NOT NULL,
    DistinctUsers     integer NOT NULL,
    RefusedSiteFull   integer NOT NULL,
    RefusedSiteClosed integer NOT NULL,
    RefusedUserLimit  integer NOT NULL,
    RefusedMaxSessions integer NOT NULL,
    GuardBlocks       integer NOT NULL,
    LineJoined        integer NOT NULL,
    LineAdmitted      integer NOT NULL,
    LineLeft          integer NOT NULL,
    LineExpired       integer NOT NULL,
    WaitMedianSeconds integer NULL,
    WaitP95Seconds    integer NULL,
    LimitInForce      integer NOT NULL,
    LimitLowest       integer NOT NULL,
    LimitHighest      integer NOT NULL,
    LimitChanges      integer NOT NULL,
    Payload           bytea   NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, Day)
);

-- Retention (every row before a day, of every site) and the month's report of all sites walk this.
CREATE INDEX IF NOT EXISTS SessionGrainsSiteUsageByDay ON SessionGrainsSiteUsage (ServiceId, Day);
