namespace Wacht.Client;

/// <summary>What <c>AddWachtClient</c> was called with; used to name settings in messages.</summary>
internal sealed record WachtClientRegistration(string SectionPath)
{
    public string DeploymentSettingPath(string deploymentId) => $"{SectionPath}:Deployments:{deploymentId}";
}
