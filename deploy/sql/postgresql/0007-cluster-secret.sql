-- SessionGrains schema for PostgreSQL, part 7: the cluster's secret (SessionGrains.Persistence.ClusterSecret).
--
-- 256 random bits per deployment (ServiceId), made by the first silo that starts and read by every silo after. The
-- servers derive keys for single purposes from it: the check digits of site key ids, so a made-up key id is turned
-- away in memory, and the mark that tells a silo's own grain calls from an Orleans client's. It is a secret like the
-- database password: whoever reads this table can mint key ids (not keys) and pass for a silo on the gateway.

CREATE TABLE IF NOT EXISTS SessionGrainsSecret
(
    ServiceId varchar(150) NOT NULL,
    Name      varchar(64)  NOT NULL,
    Value     bytea        NOT NULL,
    CreatedOn timestamptz  NOT NULL,
    CONSTRAINT PK_SessionGrainsSecret PRIMARY KEY (ServiceId, Name)
);
