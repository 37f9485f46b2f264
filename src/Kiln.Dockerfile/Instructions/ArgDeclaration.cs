namespace Kiln.Dockerfile.Instructions;

/// <summary>One <c>name[=default]</c> of an ARG; <see cref="DefaultValue"/> is null when no <c>=</c> was written.</summary>
public sealed record ArgDeclaration(string Name, string? DefaultValue);
