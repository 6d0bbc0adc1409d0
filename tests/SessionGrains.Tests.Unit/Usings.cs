global using SessionGrains.Testing;
global using Xunit;
