#!/usr/bin/python3
"""Turns one bench/speed.sh work folder into a Markdown report and a JSON summary (summary.json).

GFLOP/s counts 6 x parameters x examples per training epoch (forward 2, backward 4 FLOP per weight
and example) over the epoch's wall time, which also includes the validation pass (5,000 forwards),
so it slightly understates the training steps' rate. Peak = 2 cores x 32 FLOP/cycle x clock.
"""
import json, os, re, statistics, sys

from result_models import models as flat_models

work = sys.argv[1]
distill = json.load(open(f"{work}/distill.json"))
peer = json.load(open(f"{work}/peer.json"))
mem = {k: json.load(open(f"{work}/{k}-mem.json")) for k in ("distill", "peer")}


def gnu_time(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, rss


env_file = f"{work}/env.txt"
env = open(env_file).read().strip() if os.path.exists(env_file) else "not recorded"
clock_ghz = next(float(l.split(":")[1]) for l in open("/proc/cpuinfo") if l.startswith("cpu MHz")) / 1000
peak = 2 * 32 * clock_ghz
models = {m["role"]: m for m in flat_models(distill)}
train_rows = 60000 - distill.get("validation", 5000)
roles = ("teacher", "scratch", "distilled")
params = {"teacher": models["teacher"]["parameters"], "scratch": models["scratch"]["parameters"],
          "distilled": models["distilled"]["parameters"]}
d_epochs = {r: [h["seconds"] for h in models[r]["history"]] for r in roles}
p_epochs = {r: peer["models"][r]["epoch_seconds"] for r in roles}
d_phase = {r: models[r]["trainingSeconds"] for r in roles}
p_phase = {r: peer["phase_seconds"][r] for r in roles}
d_wall, d_rss = gnu_time(f"{work}/distill.time")
p_wall, p_rss = gnu_time(f"{work}/peer.time")


def gflops(role, seconds, teacher_forward=False):
    flops = 6 * params[role] * train_rows + (2 * params["teacher"] * train_rows if teacher_forward else 0)
    return flops / seconds / 1e9


def phase_flops(role, distill_side):
    """All model FLOPs of a phase: training steps, validation passes, test evaluation(s), teacher forwards."""
    epochs = len(d_epochs[role] if distill_side else p_epochs[role])
    p, pt = params[role], params["teacher"]
    flops = epochs * (6 * p * train_rows + 2 * p * 5000) + (2 if distill_side else 1) * 2 * p * 10000
    if role == "distilled":
        flops += (1 if distill_side else epochs) * 2 * pt * train_rows
    return flops


out = []
w = out.append
w(f"#### Speed: `{models['teacher']['spec']}` -> `{models['scratch']['spec']}`, "
  f"{len(d_epochs['teacher'])}+{len(d_epochs['scratch'])} epochs, work folder `{work.split('/bench/')[-1]}`\n")
w("| Phase | Distill s | Peer s | Peer / Distill | Distill s/epoch | Peer s/epoch | Distill GFLOP/s (% of peak) | Peer GFLOP/s | Distill peak RSS MiB | Peer peak RSS MiB |")
w("|---|---|---|---|---|---|---|---|---|---|")
for r in roles:
    de, pe = statistics.fmean(d_epochs[r]), statistics.fmean(p_epochs[r])
    dg, pg = gflops(r, de), gflops(r, pe, teacher_forward=(r == "distilled"))
    w(f"| {r} | {d_phase[r]:.1f} | {p_phase[r]:.1f} | {p_phase[r] / d_phase[r]:.2f}x | {de:.2f} | {pe:.2f} | "
      f"{dg:.0f} ({100 * dg / peak:.0f}%) | {pg:.0f} | {mem['distill']['peak_rss_mib_by_phase'].get(r, 0):.0f} | "
      f"{mem['peer']['peak_rss_mib_by_phase'].get(r, 0):.0f} |")
d_total, p_total = sum(d_phase.values()), sum(p_phase.values())
w(f"| **study (3 phases)** | {d_total:.1f} | {p_total:.1f} | **{p_total / d_total:.2f}x** | | | | | | |")
w(f"| process wall (incl. start, data, test eval) | {d_wall:.1f} | {p_wall:.1f} | {p_wall / d_wall:.2f}x | | | | | {d_rss:.0f} (max RSS) | {p_rss:.0f} (max RSS) |")
d_cpu = mem["distill"].get("cpu_seconds_by_phase", {})
p_cpu = mem["peer"].get("cpu_seconds_by_phase", {})
if d_cpu and p_cpu:
    w("")
    w("CPU seconds (user + system, all threads) per phase, sampled every 50 ms; with one thread this is the "
      "work done, independent of how long other jobs held the cores. GFLOP per CPU-second counts every model "
      "FLOP of the phase (training steps, validation, test evaluation, teacher forwards: the peer runs the teacher "
      "once per epoch, Distill once for its cache):\n")
    w("| Phase | Distill CPU s | Peer CPU s | Peer / Distill | Distill GFLOP per CPU-s (% of one core's peak) | Peer GFLOP per CPU-s |")
    w("|---|---|---|---|---|---|")
    for r in roles:
        dr, pr = phase_flops(r, distill_side=True), phase_flops(r, distill_side=False)
        w(f"| {r} | {d_cpu.get(r, 0):.1f} | {p_cpu.get(r, 0):.1f} | {p_cpu.get(r, 0) / max(d_cpu.get(r, 0), 1e-9):.2f}x | "
          f"{dr / d_cpu[r] / 1e9:.0f} ({100 * dr / d_cpu[r] / 1e9 / (peak / 2):.0f}%) | {pr / p_cpu[r] / 1e9:.0f} |")
    dc, pc = sum(d_cpu.get(r, 0) for r in roles), sum(p_cpu.get(r, 0) for r in roles)
    w(f"| **study (3 phases)** | {dc:.1f} | {pc:.1f} | **{pc / dc:.2f}x** |")
    w(f"| whole process | {sum(d_cpu.values()):.1f} | {sum(p_cpu.values()):.1f} | {sum(p_cpu.values()) / sum(d_cpu.values()):.2f}x |")
cached_ratio = statistics.fmean(d_epochs["distilled"]) / statistics.fmean(d_epochs["scratch"])
peer_ratio = statistics.fmean(p_epochs["distilled"]) / statistics.fmean(p_epochs["scratch"])
w("")
w(f"- Distillation epoch / scratch epoch, same student: Distill (cached teacher logits) **{cached_ratio:.3f}x**, "
  f"peer (teacher forward every step) {peer_ratio:.3f}x.")
w(f"- Per-epoch seconds, Distill: " + "; ".join(f"{r} " + ", ".join(f"{s:.2f}" for s in d_epochs[r]) for r in roles))
w(f"- Per-epoch seconds, peer: " + "; ".join(f"{r} " + ", ".join(f"{s:.2f}" for s in p_epochs[r]) for r in roles))
w(f"- Test accuracy (best epoch on validation), Distill / peer: " + "; ".join(
    f"{r} {100 * models[r]['testAccuracy']:.2f} / {100 * peer['models'][r]['test_accuracy']:.2f}" for r in roles))
w(f"- fp32 peak used for %: 2 cores x 32 FLOP/cycle x {clock_ghz:.3f} GHz = {peak:.0f} GFLOP/s. "
  f"Peer: torch {peer['torch']}, {peer['threads']} threads. Environment of both: {env}.")
print("\n".join(out) + "\n")
json.dump({"distill_phase_s": d_phase, "peer_phase_s": p_phase, "study_ratio": p_total / d_total,
           "cached_distill_over_scratch_epoch": cached_ratio, "peer_distill_over_scratch_epoch": peer_ratio,
           "distill_epoch_s": d_epochs, "peer_epoch_s": p_epochs, "distill_wall_s": d_wall, "peer_wall_s": p_wall,
           "distill_max_rss_mib": d_rss, "peer_max_rss_mib": p_rss, "memory": mem, "peak_gflops": peak},
          open(f"{work}/summary.json", "w"), indent=1)
