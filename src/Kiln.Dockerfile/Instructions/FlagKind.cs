namespace Kiln.Dockerfile.Instructions;

/// <summary>BuildKit's BFlags flag types: a boolean, a string given once, or a string that may repeat.</summary>
internal enum FlagKind
{
    Bool,
    String,
    Strings,
}
