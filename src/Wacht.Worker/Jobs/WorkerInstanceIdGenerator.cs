using System.Security.Cryptography;
using Quartz.Extensibility;

namespace Wacht.Worker.Jobs;

/// <summary>
/// The id of a scheduler instance in the cluster when <c>Worker:Scheduling:InstanceId</c> is <c>AUTO</c>: host name,
/// process id and a random suffix, so two instances never share one (not even two hosts in one process, or a restart
/// within the same millisecond).
/// </summary>
internal sealed class WorkerInstanceIdGenerator : IInstanceIdGenerator
{
    public ValueTask<string> GenerateInstanceId(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Create());

    internal static string Create()
    {
        var host = Environment.MachineName;
        if (host.Length > 60)
        {
            host = host[..60];
        }

        return $"{host}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }
}
