using System.Reflection;
using Microsoft.Extensions.Logging;

namespace HaloIlertGateway.UnitTests.Architecture;

/// <summary>Every source-generated log message has an event id of its own, so that an id found in a log names one message.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void NoTwoLogMessagesShareAnEventId()
    {
        var messages = typeof(Program).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(message => message.Attribute is not null)
            .ToList();

        var shared = messages.GroupBy(message => message.Attribute!.EventId).Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(message => message.Method))}").ToList();

        Assert.True(messages.Count > 20, $"only {messages.Count} log messages found");
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
