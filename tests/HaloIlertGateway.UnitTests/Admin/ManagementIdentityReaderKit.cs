using System.Net;
using HaloIlertGateway.Admin;
using HaloIlertGateway.Security;
using Microsoft.AspNetCore.Http;

namespace HaloIlertGateway.UnitTests.Admin;

/// <summary>Identities read from options, and requests to sign in with, for the tests of the management sign-in's pieces.</summary>
internal static class ManagementIdentityReaderKit
{
    public static ManagementIdentities Read(ManagementOptions options, out List<string> errors)
    {
        errors = [];
        return ManagementIdentityReader.Read(options, new SecretStore(TimeProvider.System), errors);
    }

    public static List<string> Errors(ManagementOptions options)
    {
        Read(options, out var errors);
        return errors;
    }

    /// <summary>A request from <paramref name="from"/>, with <paramref name="token"/> as its bearer token and <paramref name="headers"/>.</summary>
    public static DefaultHttpContext Request(string? token, string from = "10.0.0.1", params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(from);
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context;
    }
}
