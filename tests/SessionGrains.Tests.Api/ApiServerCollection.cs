namespace SessionGrains.Tests.Api;

/// <summary>The API tests share one server (<see cref="ApiServer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServer>
{
    public const string Name = "API server";
}
