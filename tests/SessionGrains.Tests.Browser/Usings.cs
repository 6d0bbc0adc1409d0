global using SessionGrains.Testing;
global using SessionGrains.Tests.Browser.Infrastructure;
global using Xunit;
