-- SessionGrains schema for SQLite, part 6: each site's ended sessions, newest first
-- (SessionGrains.Persistence.State.SqliteStateDatabase).
--
-- A site keeps only its newest ended sessions (SessionGrains:EndedSessions:KeptPerSite). To find those beyond them,
-- the store walks this index backwards from the site's newest end, then deletes what follows: the cost grows with
-- what the site keeps, never with the table. SessionId breaks ties between sessions that ended at the same moment.

CREATE INDEX IF NOT EXISTS IX_SessionGrainsEndedSessions_SiteEndedAt ON SessionGrainsEndedSessions (ServiceId, SiteId, EndedAt, SessionId);
