namespace Wacht.Emulator;

/// <summary>What became of a held request once it was released.</summary>
/// <param name="Id">The <see cref="HeldCall.Id"/>.</param>
/// <param name="Executed">True when the request was executed; false when it was dropped (reset or shutdown).</param>
/// <param name="Status">The HTTP status of the answer (0 when not executed).</param>
/// <param name="CallerGone">True when the caller had gone when the answer was ready, so nobody received it.</param>
public sealed record ReleasedCall(long Id, bool Executed, int Status, bool CallerGone);
