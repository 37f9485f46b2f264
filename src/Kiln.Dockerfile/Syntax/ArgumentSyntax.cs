namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// One argument node. <see cref="Child"/> is set only for ONBUILD, whose single argument node
/// holds the wrapped instruction (and then <see cref="Value"/> is empty).
/// </summary>
public sealed record ArgumentSyntax(string Value, InstructionSyntax? Child = null);
