global using SessionGrains.Testing;
global using SessionGrains.Tests.Infrastructure;
global using Xunit;
