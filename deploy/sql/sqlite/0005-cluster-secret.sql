-- SessionGrains schema for SQLite, part 5: the cluster's secret (SessionGrains.Persistence.ClusterSecret).
--
-- 256 random bits per deployment (ServiceId), made by the server on its first start. The server derives keys for
-- single purposes from it: the check digits of site key ids, so a made-up key id is turned away in memory, and the
-- mark that tells the silo's own grain calls from an Orleans client's. It is a secret like the admin key file next to
-- this database: whoever reads this table can mint key ids (not keys) and pass for the silo on the gateway.

CREATE TABLE IF NOT EXISTS SessionGrainsSecret
(
    ServiceId TEXT NOT NULL,
    Name      TEXT NOT NULL,
    Value     BLOB NOT NULL,
    CreatedOn TEXT NOT NULL,
    PRIMARY KEY (ServiceId, Name)
);
