namespace Kiln.Dockerfile.Instructions;

/// <summary>One flag an instruction accepts, and what <see cref="InstructionFlags.Parse"/> found for it.</summary>
internal sealed class InstructionFlag(string name, FlagKind kind, string defaultValue)
{
    public string Name { get; } = name;

    public FlagKind Kind { get; } = kind;

    /// <summary>The value: for a boolean "true" or "false"; for a string the last value given or the default.</summary>
    public string Value { get; set; } = defaultValue;

    /// <summary>Every value given, in order (only repeated string flags collect more than one).</summary>
    public List<string> Values { get; } = [];

    public bool IsUsed { get; set; }

    public bool IsTrue => string.Equals(Value, "true", StringComparison.Ordinal);
}
