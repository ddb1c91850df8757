namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>A broker user made for one test (<see cref="RabbitMqBroker.CreateUserAsync"/>); deleted on disposal.</summary>
public sealed class TestBrokerUser(RabbitMqBroker broker, string name, string password) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string Password { get; } = password;

    public async ValueTask DisposeAsync()
    {
        using var http = broker.ManagementClient();
        try
        {
            await http.DeleteAsync($"api/users/{Name}");
        }
        catch (HttpRequestException)
        {
            // Best effort: a leftover test user has rights on a deleted vhost only.
        }
    }
}
