using Distill.Data.Augmentation;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

/// <summary>
/// Each transform on a tiny image against values worked out by hand (bilinear sampling of a ramp,
/// shifted windows), then the pipeline's determinism and the grammar's errors.
/// </summary>
public sealed class AugmentationTests
{
    private static Tensor Image(int height, int width, params float[] values) => tensor(values).view(1, 1, height, width);

    private static ImageRange Range(float black, float white) => new(full(1, 1, 1, 1, black), full(1, 1, 1, 1, white));

    /// <summary>A 4x4 image whose value is its column index: bilinear samples of it read back the column coordinate.</summary>
    private static Tensor ColumnRamp() => arange(4, ScalarType.Float32).view(1, 1, 1, 4).expand(1, 1, 4, 4).contiguous();

    private static void Near(float[] expected, Tensor actual, double tolerance = 1e-5)
    {
        var values = actual.data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {values[i]}");
    }

    [Fact]
    public void A_crop_offset_of_zero_shifts_the_image_down_and_right_by_the_padding_and_fills_with_black()
    {
        using var image = Image(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        using var black = full(1, 1, 1, 1, -1f);
        using var offsets = tensor(new long[] { 0, 0, 2, 1 }).view(2, 2);
        using var batch = cat([image, image], 0);

        using var shifted = RandomShift.Shift(batch, offsets, padding: 1, black);

        // Offset (0, 0): the window starts in the padding's top-left corner. Offset (2, 1): one row up, no sideways move.
        Near([-1, -1, -1, -1, 1, 2, -1, 4, 5, 4, 5, 6, 7, 8, 9, -1, -1, -1], shifted);
    }

    [Fact]
    public void A_flip_mirrors_exactly_the_images_its_mask_selects()
    {
        using var image = Image(2, 3, 1, 2, 3, 4, 5, 6);
        using var batch = cat([image, image], 0);
        using var mask = tensor(new[] { true, false });

        using var horizontal = RandomFlip.Flip(batch, mask, vertical: false);
        using var vertical = RandomFlip.Flip(batch, mask, vertical: true);

        Near([3, 2, 1, 6, 5, 4, 1, 2, 3, 4, 5, 6], horizontal);
        Near([4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6], vertical);
    }

    [Fact]
    public void A_rotation_by_90_degrees_turns_the_image_clockwise_on_screen()
    {
        using var image = Image(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        using var black = zeros(1, 1, 1, 1);
        using var angles = tensor(new[] { 90.0, -90.0 });

        using var rotated = RandomRotation.Rotate(cat([image, image], 0), angles, black);

        // Clockwise: the left column (1, 4, 7) read bottom-up becomes the top row.
        Near([7, 4, 1, 8, 5, 2, 9, 6, 3, 3, 6, 9, 2, 5, 8, 1, 4, 7], rotated);
    }

    [Fact]
    public void A_zoom_in_by_2_samples_the_centre_and_a_zoom_out_by_2_leaves_a_black_border()
    {
        using var black = full(1, 1, 1, 1, -1f);
        using var factors = tensor(new[] { 2.0, 0.5 });

        using var zoomed = RandomZoom.Zoom(cat([ColumnRamp(), ColumnRamp()], 0), factors, black);

        // Output column j sits at normalised x = (2j + 1) / 4 - 1 and reads x / factor, which is pixel
        // column ((x / factor + 1) * 4 - 1) / 2: 0.75, 1.25, 1.75, 2.25 when zooming in.
        Near([0.75f, 1.25f, 1.75f, 2.25f], zoomed[0, 0, 1]);
        // Zooming out, the middle columns read 0.5 and 2.5, the outer ones fall outside; the outer rows too.
        Near([-1, 0.5f, 2.5f, -1], zoomed[1, 0, 1]);
        Near([-1, -1, -1, -1], zoomed[1, 0, 0]);
    }

    [Fact]
    public void A_shear_slides_each_row_sideways_by_its_distance_from_the_centre_times_the_slope()
    {
        using var black = zeros(1, 1, 1, 1);
        // tan(angle) = 0.5.
        using var angles = tensor(new[] { Math.Atan(0.5) * 180 / Math.PI });

        using var sheared = RandomShear.Shear(ColumnRamp(), angles, black);

        // Row 0 is 1.5 pixels above the centre: it reads the input 0.75 columns to the right; row 3, 0.75 to the left.
        Near([0.75f, 1.75f, 2.75f], sheared[0, 0, 0, ..3]);
        Near([0.25f, 1.25f, 2.25f], sheared[0, 0, 3, 1..]);
    }

    [Fact]
    public void Brightness_scales_the_distance_from_black_and_clips_at_white()
    {
        using var range = Range(0, 1);
        using var image = Image(1, 2, 0.2f, 0.8f);
        using var factors = tensor(new[] { 1.5f, 0.5f });

        using var scaled = RandomBrightness.Scale(cat([image, image], 0), factors, range);

        Near([0.3f, 1f, 0.1f, 0.4f], scaled);
    }

    [Fact]
    public void Brightness_measured_from_a_negative_black_keeps_its_meaning_after_standardisation()
    {
        // Raw pixels 0.2 and 0.8 standardised with mean 0.5 and std 0.25: black is -2, white 2.
        using var range = Range(-2, 2);
        using var image = Image(1, 2, -1.2f, 1.2f);
        using var factors = tensor(new[] { 0.5f });

        using var scaled = RandomBrightness.Scale(image, factors, range);

        // Raw 0.1 and 0.4, standardised.
        Near([-1.6f, -0.4f], scaled);
    }

    private static Tensor Batch()
    {
        var generator = new Generator(7);
        return rand([64, 3, 8, 8], generator: generator);
    }

    private static AugmentationPipeline Pipeline(string spec, long seed, Tensor batch) =>
        new(Augmentations.Parse(spec), batch.shape[1..], ImageRange.Measure(batch), seed);

    private const string Everything = "crop:2,hflip,vflip:0.3,rotate:15,zoom:0.2,shear:10,brightness:0.3";

    [Fact]
    public void The_same_seed_gives_the_same_augmented_batches_and_another_seed_different_ones()
    {
        using var batch = Batch();
        using var a = Pipeline(Everything, 5, batch);
        using var b = Pipeline(Everything, 5, batch);
        using var c = Pipeline(Everything, 6, batch);

        for (var step = 0; step < 3; step++)
        {
            using var x = a.Apply(batch);
            using var y = b.Apply(batch);
            using var z = c.Apply(batch);
            Assert.True(TensorAssert.Identical(x, y), $"step {step} differs between two pipelines with the same seed");
            Assert.False(TensorAssert.Identical(x, z));
            Assert.False(TensorAssert.Identical(x, batch));
            Assert.Equal(batch.shape, x.shape);
        }
    }

    [Fact]
    public void A_pipeline_restored_from_its_generator_state_continues_with_the_same_batches()
    {
        using var batch = Batch();
        using var a = Pipeline(Everything, 5, batch);
        a.Apply(batch).Dispose();
        using var state = a.Generator.get_state();
        using var expected = a.Apply(batch);

        using var b = Pipeline(Everything, 99, batch);
        b.Generator.set_state(state);
        using var actual = b.Apply(batch);

        Assert.True(TensorAssert.Identical(expected, actual));
    }

    [Fact]
    public void A_flip_with_probability_one_half_mirrors_about_half_the_images()
    {
        using var batch = rand([2000, 1, 2, 2], generator: new Generator(3));
        using var pipeline = Pipeline("hflip", 1, batch);

        using var flipped = pipeline.Apply(batch);
        using var mirrored = batch.flip(3);
        using var changed = flipped.eq(mirrored).flatten(1).all(1);
        var share = changed.to_type(ScalarType.Float64).mean().item<double>();

        // Binomial(2000, 0.5): the standard deviation of the share is 0.011.
        Assert.InRange(share, 0.45, 0.55);
        using var kept = flipped.eq(batch).flatten(1).all(1);
        Assert.True(kept.logical_or(changed).all().item<bool>(), "every image is either untouched or mirrored");
    }

    [Fact]
    public void The_grammar_round_trips_its_canonical_text()
    {
        var transforms = Augmentations.Parse(" crop:4, HFLIP ,vflip:0.25,rotate:10,zoom:0.1,shear:5,brightness:0.2,jitter:2");

        Assert.Equal("crop:4,hflip,vflip:0.25,rotate:10,zoom:0.1,shear:5,brightness:0.2,jitter:2", Augmentations.Format(transforms));
        Assert.Empty(Augmentations.Parse("none"));
        Assert.Empty(Augmentations.Parse(""));
    }

    [Theory]
    [InlineData("blur:2", "unknown transform 'blur'; known: crop, jitter, hflip")]
    [InlineData("rotate", "'rotate' needs a value; write rotate:D")]
    [InlineData("zoom:big", "'zoom:big' has a value that is not a number")]
    [InlineData("crop:2.5", "crop padding must be a whole number of pixels from 1 to 1024, not 2.5")]
    [InlineData("crop:0", "crop padding must be a whole number of pixels from 1 to 1024, not 0")]
    [InlineData("hflip:1.5", "hflip probability must be above 0 and at most 1, not 1.5")]
    [InlineData("rotate:200", "rotation must be above 0 and at most 180 degrees, not 200")]
    [InlineData("zoom:1", "zoom amount must be above 0 and below 1, not 1")]
    [InlineData("shear:90", "shear must be above 0 and below 90 degrees, not 90")]
    [InlineData("brightness:-0.1", "brightness strength must be above 0 and below 1, not -0.1")]
    [InlineData("hflip,,zoom:0.1", "has an empty entry")]
    [InlineData("hflip,hflip", "names 'hflip' twice")]
    public void A_bad_specification_is_refused_in_one_sentence(string spec, string expected)
    {
        var error = Assert.Throws<DistillException>(() => Augmentations.Parse(spec));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.EndsWith(".", error.Message);
    }

    [Fact]
    public void A_crop_as_large_as_the_images_and_inputs_that_are_not_images_are_refused()
    {
        using var batch = rand([2, 1, 6, 6]);
        var crop = Assert.Throws<DistillException>(() => Pipeline("crop:6", 1, batch));
        Assert.Contains("crop of 6 pixels is not smaller than the 6x6 images; use at most 5", crop.Message);

        using var table = rand([2, 5]);
        var flat = Assert.Throws<DistillException>(() => new AugmentationPipeline(Augmentations.Parse("hflip"), [5], new ImageRange(zeros(1), ones(1)), 1));
        Assert.Contains("transforms images, but the inputs have shape 5", flat.Message);
    }
}
