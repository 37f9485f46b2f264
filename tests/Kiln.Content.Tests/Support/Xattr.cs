namespace Kiln.Content.Tests.Support;

/// <summary>Sets an extended attribute the way a user would, with setfattr(1) (package attr, installed by scripts/setup).</summary>
internal static class Xattr
{
    /// <summary>Sets <paramref name="name"/> on <paramref name="path"/> itself (a symlink is not followed); any bytes may be in the value.</summary>
    public static void Set(string path, string name, byte[] value) =>
        Tool.Run("setfattr", "-h", "-n", name, "-v", "0x" + Convert.ToHexStringLower(value), path);
}
