namespace Kiln.Registry.Local;

/// <summary>What happened to one blob of a pull or push, in the words docker prints next to a layer.</summary>
public enum BlobTransferState
{
    /// <summary>Pull: the store had it; push: the registry had it.</summary>
    AlreadyExists,

    /// <summary>Bytes started to flow (pull: download into the store; push: upload from the store).</summary>
    Started,

    /// <summary>Pull: verified and committed to the store.</summary>
    Downloaded,

    /// <summary>Push: the whole blob was read from the store, verified, and sent.</summary>
    Uploaded,

    /// <summary>Push: not uploaded; the registry had it or linked it from another repository.</summary>
    Skipped,
}
