#!/usr/bin/python3
"""The PyTorch peer's convolutions against float64 for the channel counts libtorch 2.10's oneDNN gets wrong on
some CPUs (bench/profile.sh conv-check is the Distill side): largest error of the output, input gradient
and weight gradient relative to the largest float64 value. Usage: /usr/bin/python3 bench/peer_conv_check.py"""
import torch, math
torch.manual_seed(0)
def check(cin, cout, k=3, n=8, hw=12):
    x = torch.randn(n, cin, hw, hw, dtype=torch.float64, requires_grad=True)
    w = torch.randn(cout, cin, k, k, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(x, w, padding=1)
    g = torch.randn_like(y)
    y.backward(g)
    x32 = x.detach().float().requires_grad_(); w32 = w.detach().float().requires_grad_()
    y32 = torch.nn.functional.conv2d(x32, w32, padding=1); y32.backward(g.float())
    e = lambda a, b: ((a.double() - b).abs().max() / b.abs().max()).item()
    return e(y32, y), e(x32.grad, x.grad), e(w32.grad, w.grad)
for cin, cout in [(1,4),(4,8),(20,24),(16,32),(32,64),(1,32)]:
    print(cin, cout, ["%.1e" % v for v in check(cin, cout)])
