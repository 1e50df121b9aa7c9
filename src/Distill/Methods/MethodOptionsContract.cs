using System.Text.Json.Serialization.Metadata;

namespace Distill.Methods;

/// <summary>
/// The JSON shape of <see cref="DistillationOptions"/>: one property per registered method that has
/// options, named after it, so files and config.json spell a user's method exactly like a built-in
/// one and the serializer's own strict checks (unknown keys, bad values, nulls) name the key.
/// </summary>
internal static class MethodOptionsContract
{
    public static void AddMethodBlocks(JsonTypeInfo info)
    {
        if (info.Type != typeof(DistillationOptions)) return;
        foreach (var method in MethodRegistry.Seal())
        {
            if (method.OptionsType is null) continue;
            var name = method.Name;
            var property = info.CreateJsonPropertyInfo(method.OptionsType, name);
            property.Get = options => method.Options((DistillationOptions)options);
            property.Set = (options, block) => ((DistillationOptions)options).ReadBlock(name, block ?? throw new System.Text.Json.JsonException($"The options of '{name}' cannot be null."));
            property.IsSetNullable = false;
            // A user's method is written only where given, so a run that does not use it stays
            // readable, and resumable, by a program that lacks it.
            var always = MethodRegistry.IsBuiltIn(method);
            property.ShouldSerialize = (options, _) => always || ((DistillationOptions)options).States(name);
            info.Properties.Add(property);
        }
    }
}
