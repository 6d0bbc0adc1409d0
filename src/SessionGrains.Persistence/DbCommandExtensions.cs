using System.Data.Common;

namespace SessionGrains.Persistence;

public static class DbCommandExtensions
{
    /// <summary>Binds a named parameter the same way on every ADO.NET driver we use.</summary>
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
