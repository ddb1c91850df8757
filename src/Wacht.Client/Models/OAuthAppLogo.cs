namespace Wacht.Client;

/// <summary>
/// A logo file for createOAuthApp. The client copies <see cref="Content"/> (from its current position) into memory
/// when the call starts and never disposes it.
/// </summary>
/// <param name="Content">The file content.</param>
/// <param name="FileName">The file name sent in the multipart part, e.g. <c>logo.png</c>.</param>
/// <param name="ContentType">The media type, e.g. <c>image/png</c>.</param>
public sealed record OAuthAppLogo(Stream Content, string FileName, string ContentType);
