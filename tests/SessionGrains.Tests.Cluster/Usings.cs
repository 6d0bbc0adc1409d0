global using SessionGrains.Testing;
global using SessionGrains.Tests.Cluster.Infrastructure;
global using Xunit;
