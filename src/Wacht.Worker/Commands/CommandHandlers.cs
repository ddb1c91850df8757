namespace Wacht.Worker.Commands;

/// <summary>
/// The command handlers of this assembly, found by their type: each class implementing
/// <see cref="ICommandHandler{TCommand, TSucceeded, TFailed}"/> is a command the worker consumes (its queue, its
/// consumer, its storable outcomes). Adding a command is adding its handler; nothing else lists them.
/// </summary>
internal static class CommandHandlers
{
    /// <summary>Every handler, in a stable order (by command name).</summary>
    public static IReadOnlyList<CommandHandlerType> All { get; } = typeof(CommandHandlers).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false })
        .SelectMany(t => t.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommandHandler<,,>))
            .Select(i => new CommandHandlerType(t, i)))
        .OrderBy(h => h.Command.Name, StringComparer.Ordinal)
        .ToList();
}

/// <summary>A handler class and the types it handles.</summary>
internal sealed record CommandHandlerType(Type Implementation, Type Service)
{
    public Type Command => Service.GenericTypeArguments[0];

    public Type Succeeded => Service.GenericTypeArguments[1];

    public Type Failed => Service.GenericTypeArguments[2];

    /// <summary>The pipeline consumer for this command (<see cref="CommandConsumer{TCommand, TSucceeded, TFailed}"/>).</summary>
    public Type Consumer => typeof(CommandConsumer<,,>).MakeGenericType(Service.GenericTypeArguments);

    /// <summary>Its endpoint definition (<see cref="Messaging.CommandConsumerDefinition{TCommand, TSucceeded, TFailed}"/>).</summary>
    public Type Definition => typeof(Messaging.CommandConsumerDefinition<,,>).MakeGenericType(Service.GenericTypeArguments);
}
