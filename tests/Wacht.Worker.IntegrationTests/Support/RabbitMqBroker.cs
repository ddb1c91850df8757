using System.Net.Http.Headers;
using System.Text;
using Testcontainers.RabbitMq;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// The real RabbitMQ broker the integration tests run on: a Testcontainers container when a Docker engine answers
/// (<see cref="ContainerEngine"/>), else the broker named by <c>WACHT_TEST_RABBITMQ</c> (AMQP URI) and <c>WACHT_TEST_RABBITMQ_MANAGEMENT</c> (HTTP API
/// URI), which <c>bash .ci/services</c> starts. Every test gets its own virtual host, so tests never see each other's
/// queues or messages.
/// </summary>
public sealed class RabbitMqBroker
{
    /// <summary>The image the broker container runs (<c>bash .ci/containers up</c> builds a local one of this name).</summary>
    public const string Image = "rabbitmq:3.13-management";

    // One resolution per test run; a failure is kept too, so every test reports it at once instead of trying again.
    private static readonly Lazy<Task<RabbitMqBroker>> Instance = new(ResolveAsync);

    private RabbitMqBroker(Uri amqp, Uri management)
    {
        Amqp = amqp;
        Management = management;
    }

    /// <summary>amqp://user:password@host:port/ (no virtual host).</summary>
    public Uri Amqp { get; }

    /// <summary>http://user:password@host:port/ of the management plugin.</summary>
    public Uri Management { get; }

    public string Username => Uri.UnescapeDataString(Amqp.UserInfo.Split(':')[0]);

    public string Password => Uri.UnescapeDataString(Amqp.UserInfo.Split(':')[1]);

    public static Task<RabbitMqBroker> GetAsync() => Instance.Value;

    /// <summary>A broker at fixed addresses (the chaos suite's own node, which it restarts).</summary>
    public static RabbitMqBroker At(Uri amqp, Uri management) => new(amqp, management);

    /// <summary>Creates a fresh virtual host with full permissions for the broker's user.</summary>
    public async Task<TestVirtualHost> CreateVirtualHostAsync()
    {
        var name = "wacht-test-" + Guid.NewGuid().ToString("N")[..12];
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{name}", null)).EnsureSuccessStatusCode();
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{name}/{Uri.EscapeDataString(Username)}", permissions)).EnsureSuccessStatusCode();
        return new TestVirtualHost(this, name);
    }

    /// <summary>
    /// Creates a broker user of its own with full permissions on <paramref name="vhost"/> only (the authorisation tests
    /// need several senders the broker tells apart). Deleted on disposal.
    /// </summary>
    public async Task<TestBrokerUser> CreateUserAsync(TestVirtualHost vhost, string role)
    {
        var name = $"wacht-test-{role}-{Guid.NewGuid().ToString("N")[..8]}";
        var password = Guid.NewGuid().ToString("N");
        using var http = ManagementClient();
        var user = new StringContent($$"""{"password":"{{password}}","tags":""}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/users/{name}", user)).EnsureSuccessStatusCode();
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{vhost.Name}/{name}", permissions)).EnsureSuccessStatusCode();
        return new TestBrokerUser(this, name, password);
    }

    internal HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = new Uri(Management.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var user = Uri.UnescapeDataString(Management.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        return http;
    }

    private static async Task<RabbitMqBroker> ResolveAsync()
    {
        var container = await ContainerEngine.TryStartAsync(
            Image,
            pullPolicy => new RabbitMqBuilder(Image).WithPortBinding(15672, true).WithImagePullPolicy(pullPolicy).Build(),
            "the broker named by WACHT_TEST_RABBITMQ / WACHT_TEST_RABBITMQ_MANAGEMENT",
            ContainerEngine.Required);
        if (container is not null)
        {
            var amqp = new Uri(container.GetConnectionString());
            var management = new UriBuilder("http", container.Hostname, container.GetMappedPublicPort(15672)) { UserName = "rabbitmq", Password = "rabbitmq" }.Uri;
            return new RabbitMqBroker(amqp, management);
        }

        var amqpText = Environment.GetEnvironmentVariable("WACHT_TEST_RABBITMQ");
        var managementText = Environment.GetEnvironmentVariable("WACHT_TEST_RABBITMQ_MANAGEMENT");
        if (string.IsNullOrEmpty(amqpText) || string.IsNullOrEmpty(managementText))
        {
            throw new InvalidOperationException(
                "No RabbitMQ broker for the integration tests: no container started (see the Testcontainers line above, if "
                + "any) and WACHT_TEST_RABBITMQ / WACHT_TEST_RABBITMQ_MANAGEMENT are not set. Run `eval \"$(bash .ci/services)\"` "
                + "first (it installs and starts rabbitmq-server with the management plugin and prints the variables), or "
                + "`./build.sh test`.");
        }

        return new RabbitMqBroker(new Uri(amqpText), new Uri(managementText));
    }
}
