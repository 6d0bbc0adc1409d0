global using SessionGrains.Testing;
global using SessionGrains.Tests.Grains.Infrastructure;
global using Xunit;
