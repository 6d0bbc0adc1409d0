-- SessionGrains schema for PostgreSQL, part 6: the key ring of ASP.NET Core Data Protection
-- (SessionGrains.Persistence.KeyRing.KeyRingStore), which protects the operators' cookies and the admin UI's
-- form tokens. Every server of a cluster reads the same keys, so what one server protects every other can read,
-- and a restart changes nothing.
--
-- One row per key or revocation (Data Protection's own XML, as it hands it over). Rows are only ever added: the
-- framework never rewrites a key, it adds new ones as the old expire. Id orders them and lets two servers that
-- create their first key at the same moment both keep theirs (the framework uses the newest and reads both).

CREATE TABLE IF NOT EXISTS SessionGrainsDataProtectionKeys
(
    Id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ServiceId    text        NOT NULL,
    FriendlyName text        NOT NULL,
    Xml          text        NOT NULL,
    CreatedOn    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS IX_SessionGrainsDataProtectionKeys_ServiceId ON SessionGrainsDataProtectionKeys (ServiceId, Id);
