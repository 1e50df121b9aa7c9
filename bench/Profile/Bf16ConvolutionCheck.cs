using static TorchSharp.torch;

/// <summary>
/// Compares libtorch's bfloat16 CPU convolution with float32 on bfloat16-rounded inputs (so only
/// the kernel differs): forward output, weight gradient and input gradient, as the largest error
/// relative to the largest float32 value. Errors near 0.005 are bfloat16 rounding; the rest is a bug.
/// The "padded" columns are Distill's workaround (ChannelPaddedConvolution: channels padded to 16).
/// </summary>
internal static class Bf16ConvolutionCheck
{
    public static void Run()
    {
        manual_seed(1);
        const ScalarType bf16 = ScalarType.BFloat16, fp32 = ScalarType.Float32;
        Console.WriteLine("                 libtorch bfloat16                 padded to 16 channels (Distill)");
        Console.WriteLine("stride  in->out  forward  weight-grad  input-grad  forward  weight-grad  input-grad");
        foreach (var stride in new[] { 1, 2 })
        foreach (var inputs in new[] { 1, 3, 8, 16, 32 })
        foreach (var outputs in new[] { 8, 16, 32 })
        {
            using var scope = NewDisposeScope();
            var weight = (randn(outputs, inputs, 3, 3) * 0.3).requires_grad_();
            var input = randn(16, inputs, 14, 14).requires_grad_();
            var exact = nn.functional.conv2d(input.to(bf16).to(fp32), weight.to(bf16).to(fp32), strides: [stride, stride]);
            var upstream = randn_like(exact);
            (exact * upstream).sum().backward();
            var (weightGrad, inputGrad) = (weight.grad!.clone(), input.grad!.clone());
            weight.grad!.zero_();
            input.grad!.zero_();
            var fast = nn.functional.conv2d(input.to(bf16), weight.to(bf16), strides: [stride, stride]).to(fp32);
            (fast * upstream).sum().backward();
            static float Relative(Tensor a, Tensor b) => (a - b).abs().max().item<float>() / b.abs().max().item<float>();
            var raw = $"{Relative(fast, exact),7:F4}  {Relative(weight.grad!, weightGrad),11:F4}  {Relative(input.grad!, inputGrad),10:F4}";
            weight.grad!.zero_();
            input.grad!.zero_();
            var padded = Distill.Models.ChannelPaddedConvolution.Conv2d(input, weight, null, stride, bf16).to(fp32);
            (padded * upstream).sum().backward();
            Console.WriteLine($"{stride,6}  {inputs,2}->{outputs,-3}  {raw}  {Relative(padded, exact),7:F4}  {Relative(weight.grad!, weightGrad),11:F4}  {Relative(input.grad!, inputGrad),10:F4}");
        }
    }
}
