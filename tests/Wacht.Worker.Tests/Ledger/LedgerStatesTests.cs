using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Ledger;

public sealed class LedgerStatesTests
{
    [Fact]
    public void EveryState_IsStoredAsItsLowerCaseNameAndReadBack()
    {
        foreach (var state in Enum.GetValues<CommandState>())
        {
            var text = LedgerStates.ToText(state);

            Assert.Equal(state.ToString().ToLowerInvariant(), text);
            Assert.Equal(state, LedgerStates.Parse(text));
        }
    }

    [Fact]
    public void UnknownStoredState_FailsClearly()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => LedgerStates.Parse("archived"));

        Assert.Contains("archived", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RotateIntents_AreLookedUpByTheKindRotationsAreRecordedWith()
    {
        Assert.Equal(RotateSecretHandler.CommandKind, SqlLedger.RotateSecretKind);
    }
}
