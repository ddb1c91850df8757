namespace Wacht.Worker.Messaging;

/// <summary>
/// The in-process retry budget for transient Wacht failures (<c>Worker:Messaging:Retry</c>). RabbitMQ here has no
/// delayed-message plugin, so retries happen in the consumer with exponential backoff; when the budget is spent the
/// failure event is published and the message goes to the <c>_error</c> queue for re-drive.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt (0 disables retrying).</summary>
    public int Limit { get; set; } = 5;

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The exponential step: delays grow as MinInterval + IntervalDelta * 2^attempt, capped at MaxInterval.</summary>
    public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromSeconds(2);
}
