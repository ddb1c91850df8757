namespace Wacht.Client;

/// <summary>
/// The client configuration cannot serve a call, e.g. the API key file is missing or empty. The message names the
/// setting to fix and never contains the key. Not transient.
/// </summary>
public class WachtConfigurationException : WachtException
{
    public WachtConfigurationException(string deploymentId, string operation, string message, Exception? innerException = null)
        : base(message, deploymentId, operation, statusCode: null, serverMessage: null, isTransient: false, retryAfter: null, innerException)
    {
    }
}
