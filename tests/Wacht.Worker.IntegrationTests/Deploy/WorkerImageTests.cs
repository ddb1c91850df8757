using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CliWrap;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Testcontainers.RabbitMq;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Wacht.Worker.IntegrationTests.Deploy;

/// <summary>
/// deploy/worker/Dockerfile built and run as a user would run it: the worker's container on a network with a RabbitMQ
/// container and the emulator's container (deploy/emulator/Dockerfile), configured by environment variables only,
/// its secrets directory a volume. Another service sends a <see cref="RotateSecret"/> through the broker and receives
/// <see cref="SecretRotated"/>.
/// </summary>
[Collection(DockerImagesCollection.Name)]
public sealed class WorkerImageTests(ITestOutputHelper output)
{
    private const string SecretsDirectory = "/var/lib/wacht-worker/secrets";

    /// <summary>docker-compose.yml's health check of the emulator: no curl or wget in the image, bash's /dev/tcp asks.</summary>
    private static readonly string[] EmulatorHealthCheck =
    [
        "bash", "-c",
        "exec 3<>/dev/tcp/127.0.0.1/5080 && printf 'GET /_emulator/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '",
    ];

    [DockerFact]
    public async Task WorkerImage_RotatesFromRabbitMq_IntoTheMountedVolumeOnly_AsNonRoot_AndItsHealthCheckPasses()
    {
        await LocalImages.BuildAsync();
        var client = DemoSeed.BasicClient("analytics-api", "oc_-RTbSlOjOaGgSxpoWD-LySCJp_SR2mdk");
        var label = "wacht-test-" + Guid.NewGuid().ToString("N")[..8];

        // Published ports on 127.0.0.1 only: a user-defined network does not take the engine's --ip default, and on it
        // dockerd 20.10 would also publish a second, different port on [::] (which Testcontainers may pick).
        await using var network = new NetworkBuilder().WithName(label).WithLabel("wacht.test", "true")
            .WithOption("com.docker.network.bridge.host_binding_ipv4", "127.0.0.1")
            .Build();
        await network.CreateAsync();
        await using var volume = new VolumeBuilder().WithName(label + "-secrets").WithLabel("wacht.test", "true").Build();
        await volume.CreateAsync();

        await using var rabbit = new RabbitMqBuilder(RabbitMqBroker.Image)
            .WithNetwork(network).WithNetworkAliases("rabbitmq").WithLabel("wacht.test", "true")
            .Build();
        await using var emulator = new ContainerBuilder(LocalImages.Emulator)
            .WithNetwork(network).WithNetworkAliases("wacht-emulator").WithLabel("wacht.test", "true")
            .WithPortBinding(5080, true)
            // Asked from inside the container, as docker-compose.yml's health check asks: the emulator's test surface
            // answers loopback callers only, and through a published port the caller is the bridge's gateway.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted(EmulatorHealthCheck))
            .Build();
        using (var start = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await Task.WhenAll(rabbit.StartAsync(start.Token), emulator.StartAsync(start.Token));
        }

        // Configured as docker-compose.yml and deploy/k8s configure it: environment variables over the image's defaults.
        await using var worker = new ContainerBuilder(LocalImages.Worker)
            .WithNetwork(network).WithLabel("wacht.test", "true")
            .WithEnvironment(new Dictionary<string, string>
            {
                ["Worker__Messaging__Transport"] = "RabbitMq",
                ["Worker__Messaging__RabbitMq__Host"] = "rabbitmq",
                ["Worker__Messaging__RabbitMq__Username"] = RabbitMqBuilder.DefaultUsername,
                ["Worker__Messaging__RabbitMq__Password"] = RabbitMqBuilder.DefaultPassword,
                ["Worker__Ledger__EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                [$"Wacht__Deployments__{client.DeploymentId}__BaseUrl"] = "http://wacht-emulator:5080/",
                // Where the worker verifies each delivered secret (the app's /oauth/introspect, Host: its fqdn).
                [$"Wacht__Deployments__{client.DeploymentId}__RuntimeBaseUrl"] = "http://wacht-emulator:5080/",
                [$"Wacht__Deployments__{client.DeploymentId}__AllowInsecureHttp"] = "true",
                [$"Wacht__Deployments__{client.DeploymentId}__ApiKey"] = client.ApiKey,
            })
            .WithVolumeMount(volume, SecretsDirectory)
            // The image's own HEALTHCHECK (`dotnet Wacht.Worker.dll healthcheck`): Docker reports healthy once it passed.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilContainerIsHealthy())
            .Build();
        using (var start = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await worker.StartAsync(start.Token);
        }

        // Another service on the broker: sends the command, subscribes to the result events.
        var observer = new EventObserver();
        var caller = await StartCallerAsync(rabbit, observer);
        try
        {
            await RotateAndCheckAsync(caller, observer, worker, emulator, client, volume.Name);
        }
        catch
        {
            // What the worker and the emulator said, for the failure at hand.
            foreach (var (name, container) in new[] { ("worker", (IContainer)worker), ("emulator", emulator) })
            {
                var (stdout, stderr) = await container.GetLogsAsync();
                output.WriteLine($"--- {name} log ---\n{stdout}\n{stderr}");
            }

            throw;
        }
        finally
        {
            await caller.StopAsync(TimeSpan.FromSeconds(10));
            caller.Dispose();
        }
    }

    private async Task RotateAndCheckAsync(IHost caller, EventObserver observer, IContainer worker, IContainer emulator, SeedClient client, string volume)
    {
        var command = new RotateSecret
        {
            CommandId = NewId.NextGuid(),
            DeploymentId = client.DeploymentId,
            AppSlug = client.AppSlug,
            OAuthClientId = client.RecordId,
            RequestedBy = "worker-image-test",
        };
        var endpoint = await caller.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:rotate-secret"));
        await endpoint.Send(command);
        var rotated = await observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId, timeout: TimeSpan.FromMinutes(2));
        Assert.Equal(client.ClientId, rotated.ClientId);

        // The delivered secret is the one Wacht now accepts.
        using var file = JsonDocument.Parse(await worker.ReadFileAsync($"{SecretsDirectory}/{client.SecretFile}"));
        var secret = file.RootElement.GetProperty("client_secret").GetString()!;
        Assert.True(await DemoSeed.WachtAcceptsAsync(new UriBuilder("http", emulator.Hostname, emulator.GetMappedPublicPort(5080)).Uri, client, secret));

        // Health: the image's check, passing.
        var inspected = await DockerCli.InspectAsync(worker.Id);
        var health = inspected.GetProperty("State").GetProperty("Health");
        Assert.Equal("healthy", health.GetProperty("Status").GetString());
        Assert.Equal(
            ["CMD", "dotnet", "Wacht.Worker.dll", "healthcheck"],
            inspected.GetProperty("Config").GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, health.GetProperty("Log").EnumerateArray().Last().GetProperty("ExitCode").GetInt32());

        // Non-root: the configured user, and the uids of the running worker process (real, effective, saved, filesystem).
        var user = inspected.GetProperty("Config").GetProperty("User").GetString();
        Assert.False(string.IsNullOrEmpty(user) || user is "0" or "root", $"the image runs as '{user}'");
        var status = await worker.ExecAsync(["cat", "/proc/1/status"]);
        var uids = status.Stdout.Split('\n').Single(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(4, uids.Count);
        Assert.All(uids, uid => Assert.Equal(user, uid));

        // The secret is in the volume, written by that user with owner-only access: read it from the volume alone, in a
        // container of its own.
        var fromVolume = await DockerCli.DockerOkAsync(
            "run", "--rm", "--label", "wacht.test=true", "--entrypoint", "stat", "-v", $"{volume}:/v:ro", LocalImages.Worker,
            "-c", "%u %a", $"/v/{client.SecretFile}");
        Assert.Equal($"{user} 600", fromVolume.Trim());

        // ...and nowhere else: no file the container changed outside the volume, and not its log, holds the secret.
        var changed = await ChangedFilesAsync(worker.Id);
        output.WriteLine("Files the container changed outside its volume:\n" + string.Join('\n', changed.Keys));
        Assert.DoesNotContain(changed.Keys, path => path.StartsWith(SecretsDirectory, StringComparison.Ordinal));
        Assert.All(changed, entry => Assert.False(entry.Value.Contains(secret, StringComparison.Ordinal), $"{entry.Key} holds the secret"));
        var (stdout, stderr) = await worker.GetLogsAsync();
        Assert.Contains(command.CommandId.ToString(), stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stdout + stderr, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartCallerAsync(RabbitMqContainer rabbit, EventObserver observer)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(observer);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<EventObserverConsumer>();
            x.UsingRabbitMq((context, bus) =>
            {
                bus.Host(rabbit.Hostname, rabbit.GetMappedPublicPort(RabbitMqBuilder.RabbitMqPort), "/", h =>
                {
                    h.Username(RabbitMqBuilder.DefaultUsername);
                    h.Password(RabbitMqBuilder.DefaultPassword);
                });
                bus.ReceiveEndpoint("test-audit-subscriber", e => e.ConfigureConsumer<EventObserverConsumer>(context));
            });
        });
        var caller = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await caller.StartAsync(timeout.Token);
        return caller;
    }

    /// <summary>
    /// The regular files in the container's own layer that it added or changed (`docker diff`, which leaves out mounted
    /// volumes), with their content as text: copied out with `docker cp` (a tar stream). Directories that only lead to
    /// the volume are skipped, since copying them would read the volume too.
    /// </summary>
    private static async Task<Dictionary<string, string>> ChangedFilesAsync(string container)
    {
        var diff = await DockerCli.DockerOkAsync("diff", container);
        var paths = diff.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("A ", StringComparison.Ordinal) || line.StartsWith("C ", StringComparison.Ordinal))
            .Select(line => line[2..])
            .Where(path => !(SecretsDirectory + "/").StartsWith(path + "/", StringComparison.Ordinal))
            .ToList();

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            using var archive = new MemoryStream();
            await CliWrap.Cli.Wrap("docker").WithArguments(["cp", $"{container}:{path}", "-"])
                .WithStandardOutputPipe(PipeTarget.ToStream(archive))
                .ExecuteAsync();
            archive.Position = 0;
            using var reader = new TarReader(archive);
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    using var text = new StreamReader(data, Encoding.Latin1);
                    files[$"{path} ({entry.Name})"] = await text.ReadToEndAsync();
                }
            }
        }

        return files;
    }
}
