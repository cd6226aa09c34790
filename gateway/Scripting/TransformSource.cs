namespace HaloIlertGateway.Scripting;

/// <summary>Where the transform every replica serves comes from (<see cref="TransformSourceOptions.Source"/>).</summary>
public enum TransformSource
{
    /// <summary>The scripts folder (a Git checkout, a ConfigMap): a file edit goes live; each version is recorded.</summary>
    Files,

    /// <summary>The store: the files seed version 1, then a version published through the API serves on every replica.</summary>
    Store,
}
