using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>Everything a step's cache key may depend on, as the solver knows it when the step is reached.</summary>
/// <param name="ConfigBefore">The stage's config before the step (Env, User, WorkingDir, Shell).</param>
/// <param name="Env">For RUN: the exact environment the process gets.</param>
/// <param name="SourceDigest">For COPY/ADD: the content digest of the selected sources.</param>
public sealed record StepKeyInput(
    BoundStep Step,
    ImageConfig ConfigBefore,
    System.Collections.Immutable.ImmutableArray<string> Env,
    Digest? SourceDigest,
    OciPlatform Platform);
