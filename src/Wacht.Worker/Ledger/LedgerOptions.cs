namespace Wacht.Worker.Ledger;

/// <summary>Which database holds the ledger.</summary>
public enum LedgerProvider
{
    /// <summary>A local SQLite file: one worker instance.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database: several worker instances.</summary>
    PostgreSql,
}

/// <summary>Settings of the command ledger, bound to <c>Worker:Ledger</c>.</summary>
public sealed class LedgerOptions
{
    /// <summary>The configuration section the options are bound to.</summary>
    public const string SectionPath = "Worker:Ledger";

    /// <summary>The database. Default <see cref="LedgerProvider.Sqlite"/>.</summary>
    public LedgerProvider Provider { get; set; } = LedgerProvider.Sqlite;

    /// <summary>SQLite: the database file, relative to the current directory unless absolute. Its directory is created.</summary>
    public string SqlitePath { get; set; } = "data/wacht-worker.db";

    /// <summary>PostgreSQL: the connection string. Set this or <see cref="ConnectionStringEnvironmentVariable"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>PostgreSQL: the name of an environment variable holding the connection string.</summary>
    public string? ConnectionStringEnvironmentVariable { get; set; }

    /// <summary>The AES-256 key (base64 of 32 bytes) that encrypts pending secrets. Set at most one key source.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>The name of an environment variable holding the base64 key.</summary>
    public string? EncryptionKeyEnvironmentVariable { get; set; }

    /// <summary>A file holding the base64 key.</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>The timeout of one database command. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
