-- SessionGrains schema for SQLite, part 7: the waiting lines of full sites
-- (SessionGrains.Persistence.State.SqliteStateDatabase).
--
-- One row per ticket (Orleans' binary format), written in the same transaction as its site's version check and
-- sessions, so a write touches only the tickets that changed.

CREATE TABLE IF NOT EXISTS SessionGrainsSiteTickets
(
    ServiceId TEXT NOT NULL,
    SiteId    TEXT NOT NULL,
    TicketId  BLOB NOT NULL,
    Payload   BLOB NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, TicketId)
) WITHOUT ROWID;
