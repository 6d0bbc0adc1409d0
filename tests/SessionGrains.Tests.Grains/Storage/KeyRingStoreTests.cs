using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using SessionGrains.Persistence;
using SessionGrains.Persistence.KeyRing;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>
/// Data Protection's key ring in a real database: entries come back as stored, to any instance, under their service
/// only; concurrent writers lose nothing; what one server protects another reads after a restart.
/// </summary>
public abstract class KeyRingStoreTests(StorageKind kind) : IAsyncLifetime
{
    protected StorageTarget Storage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Storage = await TestStorage.CreateAsync(kind);
        await new SchemaInstaller(Storage, NullLogger<SchemaInstaller>.Instance).InstallAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        TestStorage.Delete(Storage);
        return Task.CompletedTask;
    }

    [Fact]
    public void Entries_read_back_in_order_from_a_new_instance_and_only_under_their_service()
    {
        var store = Store("tests");
        store.StoreElement(Entry("first"), "key-first");
        store.StoreElement(Entry("second"), "key-second");

        var reread = Store("tests").GetAllElements();

        Assert.Equal(["first", "second"], reread.Select(e => (string?)e.Attribute("id")));
        Assert.Equal("secret of first", reread.First().Element("secret")!.Value);
        Assert.Empty(Store("another-deployment").GetAllElements());
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_entry()
    {
        var writers = Enumerable.Range(0, 8).Select(_ => Store("tests")).ToList();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => writers[i % writers.Count].StoreElement(Entry($"entry-{i}"), $"key-{i}"))));

        var ids = Store("tests").GetAllElements().Select(e => (string?)e.Attribute("id")).ToList();
        Assert.Equal(40, ids.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"entry-{i}").Order(), ids.Order());
    }

    [Fact]
    public void What_one_server_protects_another_reads_after_a_restart()
    {
        string protectedText;
        using (var first = Server("tests"))
        {
            protectedText = Protector(first).Protect("an operator's cookie");
        }

        using var second = Server("tests");

        Assert.Equal("an operator's cookie", Protector(second).Unprotect(protectedText));
        using var otherDeployment = Server("another-deployment");
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(otherDeployment).Unprotect(protectedText));
    }

    protected KeyRingStore Store(string serviceId) => new(Storage, serviceId, NullLogger<KeyRingStore>.Instance);

    /// <summary>Data Protection as a server sets it up, on this test's database.</summary>
    protected ServiceProvider Server(string serviceId)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Storage);
        services.Configure<ClusterOptions>(cluster => cluster.ServiceId = serviceId);
        services.AddDataProtection().SetApplicationName("SessionGrains").PersistKeysToSessionGrainsStorage();
        return services.BuildServiceProvider();
    }

    protected static IDataProtector Protector(IServiceProvider server) =>
        server.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests");

    private static XElement Entry(string id) => new("key", new XAttribute("id", id), new XElement("secret", $"secret of {id}"));
}

public sealed class KeyRingStoreTestsOnSqlite() : KeyRingStoreTests(StorageKind.Sqlite);

public sealed class KeyRingStoreTestsOnPostgreSql() : KeyRingStoreTests(StorageKind.PostgreSql)
{
    [Fact]
    public async Task Servers_starting_together_on_an_empty_database_make_one_first_key_and_read_each_other()
    {
        var servers = Enumerable.Range(0, 8).Select(_ => Server("tests")).ToList();
        try
        {
            await Task.WhenAll(servers.Select(server => Task.Run(() => server.GetRequiredService<FirstKey>().EnsureAsync(CancellationToken.None))));

            Assert.Single(Store("tests").GetAllElements(), e => e.Name == "key");
            var payloads = servers.Select(server => Protector(server).Protect("form token")).ToList();
            foreach (var server in servers)
            {
                Assert.All(payloads, payload => Assert.Equal("form token", Protector(server).Unprotect(payload)));
            }
        }
        finally
        {
            servers.ForEach(server => server.Dispose());
        }
    }
}
