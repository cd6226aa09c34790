namespace HaloIlertGateway.Admin;

/// <summary>The operator page: one dependency-free HTML file embedded in the app (<c>Admin/OperatorPage.html</c>).</summary>
internal static class OperatorPage
{
    public static Stream Open() =>
        typeof(OperatorPage).Assembly.GetManifestResourceStream("HaloIlertGateway.Admin.OperatorPage.html")
            ?? throw new InvalidOperationException("the operator page is not embedded");
}
