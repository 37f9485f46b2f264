using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Solver;

/// <summary>
/// What a Dockerfile may only do when the one who builds it says so, as BuildKit's entitlements: a privileged RUN
/// (<c>--security=insecure</c>) needs <c>kiln build --allow security.insecure</c>. Found before anything runs.
/// </summary>
internal static class Entitlements
{
    public static ImmutableArray<Diagnostic> Find(BuildDefinition definition, BuildRequest request)
    {
        var found = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var stage in definition.BuildOrder)
        {
            foreach (var step in stage.Steps)
            {
                if (step.Instruction is RunInstruction { Security: RunSecurity.Insecure } run && !request.AllowInsecure)
                {
                    found.Add(Diagnostic.Error(
                        BuildErrorCodes.EntitlementNotGranted,
                        "RUN --security=insecure needs the security.insecure entitlement: kiln build --allow security.insecure",
                        run.Span));
                }
            }
        }

        return found.ToImmutable();
    }
}
