using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Aws;
using Wacht.Worker.TestSupport.Fakes.Aws;

namespace Wacht.Worker.Tests.Secrets.Aws;

/// <summary>
/// A fake Secrets Manager in <see cref="FakeSecretsManager.Region"/>, the worker's access key (granted the five actions
/// it needs) in a shared credentials file under profile <c>wacht</c>.
/// </summary>
internal sealed class AwsWorld : IAsyncDisposable
{
    public const string AccessKeyId = "AKIAWACHTWORKER00001";
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWACHTKEY01";

    public static readonly string[] WorkerActions =
    [
        "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:CreateSecret",
        "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("wacht-aws-").FullName;
    private readonly List<ServiceProvider> _providers = [];
    private FakeSecretsManager? _aws;

    public FakeSecretsManager Aws => _aws ?? throw new InvalidOperationException("Not started.");

    public string CredentialsFile => Path.Combine(_directory, "credentials");

    public async Task StartAsync()
    {
        _aws = await FakeSecretsManager.StartAsync();
        _aws.AddAccessKey(AccessKeyId, SecretAccessKey, "user/wacht-worker");
        GrantWorker();
        await WriteCredentialsAsync(SecretAccessKey);
    }

    public void GrantWorker() => Aws.Grant(AccessKeyId, WorkerActions);

    public Task WriteCredentialsAsync(string secretAccessKey, string profile = "wacht") =>
        File.WriteAllTextAsync(CredentialsFile, $"[{profile}]\naws_access_key_id = {AccessKeyId}\naws_secret_access_key = {secretAccessKey}\n");

    public Dictionary<string, string?> Settings() => new()
    {
        ["Kind"] = "aws-secrets-manager",
        ["Region"] = FakeSecretsManager.Region,
        ["ServiceUrl"] = Aws.BaseAddress.ToString(),
        ["Profile"] = "wacht",
        ["ProfilesFile"] = CredentialsFile,
        ["RequestTimeout"] = "00:00:30", // generous: a cold start on a busy machine is not a timeout
    };

    public AwsSecretsManagerDestination Destination(ILoggerFactory loggerFactory, Dictionary<string, string?>? settings = null)
    {
        var provider = new ServiceCollection().AddSingleton(loggerFactory).AddLogging().AddAwsSecretsManagerDestinationKind().BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        var kind = provider.GetServices<ISecretDestinationKind>().Single(k => k.Kind == "aws-secrets-manager");
        var section = AsSection(settings ?? Settings());
        Assert.Empty(kind.Validate("Worker:Secrets:Destinations:aws", section));
        return (AwsSecretsManagerDestination)kind.Create("aws", section, provider);
    }

    public static IConfigurationSection AsSection(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => "Worker:Secrets:Destinations:aws:" + s.Key, s => s.Value))
            .Build()
            .GetSection("Worker:Secrets:Destinations:aws");

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
