using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Distill.Data;
using Distill.Methods;
using Distill.Runs;
using Distill.Studies;

namespace Distill.Experiments;

/// <summary>
/// Reads experiment files (JSON: the format of config.json and results.json, read by System.Text.Json
/// with no extra dependency). Resolution order: the defaults of <see cref="StudyOptions"/> and
/// <see cref="ExperimentSettings"/> (the one place they live), then the file, then --set overrides.
/// An unknown key or a bad value is an error that names the key.
/// </summary>
public static partial class ExperimentFile
{
    /// <summary>Strict reading: unknown keys and nulls where a value is required are errors; comments and trailing commas are allowed.</summary>
    public static JsonSerializerOptions Strict { get; } = new(Json.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static Experiment Load(string path, IReadOnlyList<string>? sets = null)
    {
        if (!File.Exists(path)) throw new DistillException($"The experiment file '{path}' does not exist.");
        JsonNode? node;
        var text = File.ReadAllText(path);
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DistillException($"The experiment file '{path}' is not valid JSON (line {e.LineNumber + 1}).");
        }
        if (node is not JsonObject file) throw new DistillException($"The experiment file '{path}' must hold one JSON object.");
        DuplicateKeys.Check(text, $"'{path}'");
        // A run's own config.json means what it meant when the run wrote it.
        if (RunConfig.IsRunConfig(path)) RunConfig.Upgrade(file);
        var command = string.Join(" ", new[] { "distill run", Quote(path) }.Concat((sets ?? []).Select(s => "--set " + Quote(s))));
        return Resolve(file, sets ?? [], $"'{path}'", command);
    }

    /// <summary>Resolves a parsed file; <paramref name="source"/> names it in errors.</summary>
    public static Experiment Resolve(JsonObject file, IReadOnlyList<string> sets, string source, string command)
    {
        var merged = JsonMerge.Over(Defaults(), file);
        foreach (var set in sets)
        {
            var (key, value) = JsonOverrides.Parse(set);
            JsonOverrides.Apply(merged, key, value);
        }
        var settingsNode = new JsonObject();
        var studyNode = new JsonObject();
        foreach (var (key, value) in merged)
            (ExperimentSettings.Keys.Contains(key) ? settingsNode : studyNode)[key] = value?.DeepClone();

        var settings = Read<ExperimentSettings>(settingsNode, source);
        if (settings.Seeds.Count == 0) throw new DistillException($"The key 'seeds' in {source} needs at least one seed.");
        if (settings.Seeds.Distinct().Count() != settings.Seeds.Count) throw new DistillException($"The key 'seeds' in {source} lists a seed twice.");
        Check(() => RunFolder.CheckName(settings.Name), "name", source);
        Check(() => Training.ComputeDevice.Parse(settings.Device), "device", source);
        var study = ReadStudy(studyNode, source);
        IReadOnlyList<SweepPoint> planned = settings.Sweep is null ? [SweepPoint.Base] : Check(() => SweepPlanner.Points(settings.Sweep), "sweep", source);
        // Every point trains a student per seed: the limit is on those runs, checked before any point is read.
        if ((long)planned.Count * settings.Seeds.Count > SweepPlanner.MaxPoints)
            throw new DistillException(
                $"The experiment in {source} plans {planned.Count:N0} points x {settings.Seeds.Count:N0} seeds = {(long)planned.Count * settings.Seeds.Count:N0} student runs, more than the {SweepPlanner.MaxPoints:N0} Distill will plan; shorten the sweep or the seeds.");
        IReadOnlyList<ExperimentPoint> points = settings.Sweep is null
            ? [new ExperimentPoint(SweepPoint.Base, study)]
            : planned.Select(p => new ExperimentPoint(p, PointStudy(studyNode, p, source))).ToList();

        var resolved = JsonMerge.Over(ToNode(settings), ToNode(study));
        return new Experiment(settings, study, points, resolved.ToJsonString(Json.Options), command);
    }

    /// <summary>Every key a file may state, with its default value.</summary>
    public static JsonObject Defaults() => JsonMerge.Over(ToNode(new ExperimentSettings()), ToNode(new StudyOptions()));

    private static StudyOptions PointStudy(JsonObject studyNode, SweepPoint point, string source)
    {
        var node = (JsonObject)studyNode.DeepClone();
        foreach (var (key, value) in point.Settings) JsonOverrides.Apply(node, key, value);
        return ReadStudy(node, $"{source}, sweep point {point.Label}");
    }

    private static StudyOptions ReadStudy(JsonObject node, string source)
    {
        var study = Read<StudyOptions>(node, source);
        Check(study.ToDataSelection().Validate, (study.Data ?? study.DataDirectory) is null ? "dataset" : "data", source);
        if (study.TeacherPath is null) Check(() => Models.ModelSpec.Parse(study.TeacherSpec), "teacherSpec", source);
        Check(() => Models.ModelSpec.Parse(study.StudentSpec), "studentSpec", source);
        Check(study.TeacherTraining.Validate, "teacherTraining", source);
        Check(study.StudentTraining.Validate, "studentTraining", source);
        Check(study.Distillation.Validate, "distillation", source);
        if (study.Teachers is not null || study.Chain is not null || study.ChainMethods is not null || study.TeacherSweep is not null || study.EarlyStopEpochs is not null || study.AssistantCandidates is not null)
            Check(() => Studies.TeacherPlan.Validate(study),
                study.Teachers is not null ? "teachers" : study.Chain is not null ? "chain" : study.TeacherSweep is not null ? "teacherSweep" : study.EarlyStopEpochs is not null ? "earlyStopEpochs" : study.AssistantCandidates is not null ? "assistantCandidates" : "chainMethods", source);
        if (study.Generations is not null) Check(() => Studies.GenerationPlan.Validate(study), "generations", source);
        if (study.Mutual is not null) Check(() => Studies.MutualPlan.Validate(study), "mutual", source);
        if (study.DataFree is not null) Check(() => Studies.DataFreePlan.Validate(study), "dataFree", source);
        // Every part above passed, so what the whole check can still reject is the validation split or the teacher file.
        Check(study.Validate, study.TeacherPath is null ? "validationCount" : "teacherPath", source);
        return study;
    }

    private static T Check<T>(Func<T> check, string key, string source)
    {
        try
        {
            return check();
        }
        catch (DistillException e)
        {
            throw new DistillException($"{e.Message.TrimEnd('.')} (key '{key}' in {source}).");
        }
    }

    private static void Check(Action check, string key, string source) => Check(() => { check(); return 0; }, key, source);

    /// <summary>Reads one part of a study (such as the distillation options) as strictly as a whole file.</summary>
    public static T ReadPart<T>(JsonObject node, string source) => Read<T>(node, source);

    private static T Read<T>(JsonObject node, string source)
    {
        try
        {
            return node.Deserialize<T>(Strict) ?? throw new DistillException($"The experiment in {source} is empty.");
        }
        catch (JsonException e)
        {
            throw new DistillException(Describe(e, source));
        }
    }

    private static string Describe(JsonException e, string source)
    {
        var key = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var unmapped = UnmappedProperty().Match(e.Message);
        if (unmapped.Success)
        {
            var name = unmapped.Groups[1].Value;
            if (!key.EndsWith(name, StringComparison.Ordinal)) key = key.Length == 0 ? name : $"{key}.{name}";
            var known = KnownKeys(unmapped.Groups[2].Value);
            return known is null ? $"Unknown key '{key}' in {source}." : $"Unknown key '{key}' in {source}; the keys there are {known}.";
        }
        var target = TargetType().Match(e.Message);
        var expected = target.Success ? Expected(target.Groups[1].Value) : null;
        return expected is null
            ? $"The key '{key}' in {source} has a bad value."
            : $"The key '{key}' in {source} has a bad value; expected {expected}.";
    }

    /// <summary>The keys an object of <paramref name="typeName"/> accepts, as a file spells them (a registered method's options included).</summary>
    private static string? KnownKeys(string typeName)
    {
        var type = typeof(ExperimentFile).Assembly.GetType(typeName)
                   ?? MethodRegistry.All.Select(m => m.OptionsType).FirstOrDefault(t => t?.FullName == typeName);
        if (type is null) return null;
        var keys = Strict.GetTypeInfo(type).Properties.Where(p => p.Set is not null).Select(p => p.Name).ToList();
        return keys.Count == 0 ? null : string.Join(", ", keys);
    }

    private static string? Expected(string typeName) => typeName switch
    {
        "System.Int32" => "a whole number",
        "System.Double" => "a number",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        _ when typeName.Contains("Int32") => "a list of whole numbers",
        // Every option enum lives in this assembly, so a new one needs no entry here.
        _ when typeof(ExperimentFile).Assembly.GetType(typeName) is { IsEnum: true } type => Choices(type),
        _ => null,
    };

    private static string Choices(Type enumType) =>
        "one of " + string.Join(", ", EnumNames.All(enumType));

    private static JsonObject ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Json.Options)!.AsObject();

    private static string Quote(string text) => text.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '[' or ']') ? $"'{text}'" : text;

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped(?:[^']*'([^']*)')?")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("could not be converted to ([^ .]+(?:\\.[^ .]+)*)\\.")]
    private static partial Regex TargetType();
}
