namespace Wacht.Emulator;

/// <summary>An API error the emulator answers with the contract's error envelope.</summary>
internal sealed class EmulatorApiException : Exception
{
    public EmulatorApiException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public int Status { get; }

    public static EmulatorApiException BadRequest(string message) => new(400, message);

    public static EmulatorApiException NotFound(string message) => new(404, message);
}
