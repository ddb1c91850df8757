using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Tests.Commands;

public sealed class CommandFailureTests
{
    [Fact]
    public void A_value_the_client_refused_to_send_is_an_invalid_command_and_not_retried()
    {
        var refused = new WachtArgumentException("archiveOAuthScope", "7283910238471", "scope", "is the dot segment '..', which would change the request's path", "..");

        var failure = CommandFailure.From(refused);

        Assert.Equal(ErrorCodes.InvalidCommand, failure.Code);
        Assert.False(failure.Retryable);
        Assert.False(failure.Transient);
        Assert.Contains("archiveOAuthScope", failure.Message, StringComparison.Ordinal);
    }
}
