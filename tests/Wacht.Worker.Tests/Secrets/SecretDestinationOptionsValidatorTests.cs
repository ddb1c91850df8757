using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets;

/// <summary>
/// Issue 9, defect 8: a secrets directory that cannot be a directory (it, or the nearest existing part of its path, is a
/// file) is refused at start, before any rotation, naming the setting.
/// </summary>
public sealed class SecretDestinationOptionsValidatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wacht-secrets-options-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("secrets")]
    [InlineData("secrets/deeper/still")]
    public void ADirectoryWhosePathRunsIntoAFile_IsRefused(string relative)
    {
        var file = Path.Combine(_root, "secrets");
        File.WriteAllText(file, "not a directory");

        var result = Validate(Path.Combine(_root, relative));

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"Worker:Secrets:File:Directory: '{file}' is a file, not a directory, so no secret could be delivered", failure);
    }

    [Fact]
    public void ASymlinkToAFile_IsRefused()
    {
        var file = Path.Combine(_root, "target");
        File.WriteAllText(file, "not a directory");
        var link = Path.Combine(_root, "secrets");
        File.CreateSymbolicLink(link, file);

        Assert.True(Validate(link).Failed);
    }

    [Theory]
    [InlineData("existing")]
    [InlineData("existing/not-yet")]
    [InlineData("not-yet/deeper")]
    public void AnExistingDirectory_OrOneThatCanBeCreated_IsAccepted(string relative)
    {
        Directory.CreateDirectory(Path.Combine(_root, "existing"));

        var result = Validate(Path.Combine(_root, relative));

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string directory) =>
        new SecretDestinationOptionsValidator().Validate(null, new SecretDestinationOptions { File = new FileSecretDestinationOptions { Directory = directory } });
}
