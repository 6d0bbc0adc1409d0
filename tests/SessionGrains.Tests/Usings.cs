global using SessionGrains.Tests.Infrastructure;
global using Xunit;
