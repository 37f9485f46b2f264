namespace Kiln.Differential.Suite;

/// <summary>A builder of corpus cases: Kiln, or one of the BuildKit oracles.</summary>
internal interface ICaseBuilder
{
    /// <summary>"kiln", "20.10" or "26".</summary>
    string Name { get; }

    /// <summary>Builds the case and reads the image back; a failed build is an outcome, not an exception.</summary>
    Task<BuildOutcome> BuildAsync(PreparedCase prepared, string scratch);
}
