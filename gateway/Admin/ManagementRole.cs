namespace HaloIlertGateway.Admin;

/// <summary>
/// What a management identity may do; each role may do everything the ones before it may.
/// </summary>
public enum ManagementRole
{
    /// <summary>Every <c>GET</c>: status, routes, versions, diffs, deliveries, dead letters, the audit trail.</summary>
    Read = 1,

    /// <summary>And replay and delete dead letters, replay deliveries.</summary>
    Operate = 2,

    /// <summary>And publish, save and roll back transforms.</summary>
    Edit = 3,

    /// <summary>Everything.</summary>
    Admin = 4,
}
