-- SessionGrains schema for SQLite, part 4: the key ring of ASP.NET Core Data Protection
-- (SessionGrains.Persistence.KeyRing.KeyRingStore), which protects the operators' cookies and the admin UI's
-- form tokens, so that both survive a restart of the server.
--
-- One row per key or revocation (Data Protection's own XML, as it hands it over). Rows are only ever added: the
-- framework never rewrites a key, it adds new ones as the old expire.

CREATE TABLE IF NOT EXISTS SessionGrainsDataProtectionKeys
(
    Id           INTEGER PRIMARY KEY,
    ServiceId    TEXT NOT NULL,
    FriendlyName TEXT NOT NULL,
    Xml          TEXT NOT NULL,
    CreatedOn    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS IX_SessionGrainsDataProtectionKeys_ServiceId ON SessionGrainsDataProtectionKeys (ServiceId, Id);
