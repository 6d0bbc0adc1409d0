-- SessionGrains schema for PostgreSQL, part 9: the waiting lines of full sites
-- (SessionGrains.Persistence.State.PostgreSqlStateDatabase).
--
-- One row per ticket (Orleans' binary format), written in the same statement as its site's version check and
-- sessions, so a write touches only the tickets that changed.

CREATE TABLE IF NOT EXISTS SessionGrainsSiteTickets
(
    ServiceId text  NOT NULL,
    SiteId    text  NOT NULL,
    TicketId  uuid  NOT NULL,
    Payload   bytea NOT NULL,
    PRIMARY KEY (ServiceId, SiteId, TicketId)
);
