using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>The fields every failure event of a command carries, on top of <see cref="ICommandEvent"/>.</summary>
[ExcludeFromImplementedTypes]
public interface ICommandFailedEvent : ICommandEvent
{
    /// <summary>When the worker gave up.</summary>
    DateTimeOffset FailedAt { get; }

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    string ErrorCode { get; }

    /// <summary>What went wrong, for people.</summary>
    string Message { get; }

    /// <summary>Whether sending the same command again later could succeed.</summary>
    bool Retryable { get; }

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    IReadOnlyList<FieldError> FieldErrors { get; }
}
