// An MSBuild inline task (WeakenGlibcxxRequirement.targets), not part of the Distill assembly: the
// library never rewrites files itself, so the repair happens where the build copies the native library.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one named version requirement (Elf64_Vernaux) of 64-bit little-endian ELF
/// files, in place. Idempotent; files without that requirement are left untouched.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var changed = ElfVersionNeed.Weaken(path, VersionName);
                Log.LogMessage(MessageImportance.Low, changed
                    ? $"Marked {VersionName} weak in {path}."
                    : $"{path} needs no change for {VersionName}.");
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError($"Could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}

/// <summary>
/// Sets VER_FLG_WEAK on one named version requirement (Elf64_Vernaux) of a 64-bit little-endian ELF
/// file, in place. Idempotent; files without that requirement are left untouched.
/// </summary>
internal static class ElfVersionNeed
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>Returns true when the file was changed.</summary>
    public static bool Weaken(string path, string versionName)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        var sectionTable = (long)BitConverter.ToUInt64(bytes, 0x28);
        int sectionSize = BitConverter.ToUInt16(bytes, 0x3A);
        int sectionCount = BitConverter.ToUInt16(bytes, 0x3C);
        var changed = false;
        for (var i = 0; i < sectionCount; i++)
        {
            var header = checked((int)(sectionTable + (long)i * sectionSize));
            if (BitConverter.ToUInt32(bytes, header + 4) != ShtGnuVerneed) continue;
            var offset = checked((int)BitConverter.ToUInt64(bytes, header + 0x18));
            var link = (int)BitConverter.ToUInt32(bytes, header + 0x28);
            var stringsHeader = checked((int)(sectionTable + (long)link * sectionSize));
            var strings = checked((int)BitConverter.ToUInt64(bytes, stringsHeader + 0x18));
            changed |= WeakenIn(bytes, offset, strings, versionName);
        }
        if (changed) File.WriteAllBytes(path, bytes);
        return changed;
    }

    private static bool WeakenIn(byte[] bytes, int need, int strings, string versionName)
    {
        var changed = false;
        while (true)
        {
            int auxCount = BitConverter.ToUInt16(bytes, need + 2);
            var aux = need + (int)BitConverter.ToUInt32(bytes, need + 8);
            for (var j = 0; j < auxCount; j++)
            {
                var name = ReadString(bytes, strings + (int)BitConverter.ToUInt32(bytes, aux + 8));
                var flags = BitConverter.ToUInt16(bytes, aux + 4);
                if (name == versionName && (flags & VerFlagWeak) == 0)
                {
                    BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(bytes, aux + 4);
                    changed = true;
                }
                var nextAux = BitConverter.ToUInt32(bytes, aux + 12);
                if (nextAux == 0) break;
                aux += (int)nextAux;
            }
            var next = BitConverter.ToUInt32(bytes, need + 12);
            if (next == 0) return changed;
            need += (int)next;
        }
    }

    private static string ReadString(byte[] bytes, int start)
    {
        var end = start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }
}
