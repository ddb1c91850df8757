using Wacht.Client;

namespace Wacht.Worker.Ledger;

/// <summary>A secret Wacht issued that has not reached its destination yet. Held encrypted (AES-256-GCM) in the ledger.</summary>
/// <param name="ClientId">The client's public <c>client_id</c>.</param>
/// <param name="Secret">The new secret.</param>
/// <param name="IssuedAt">When the rotate call returned it.</param>
public sealed record PendingSecret(string ClientId, ClientSecret Secret, DateTimeOffset IssuedAt);
