#!/usr/bin/python3
"""Runs a command and reports the peak resident memory of each phase of it.

Phases start at the lines the command writes to standard error that match
'Training (teacher|scratch|distilled)' (Distill's progress messages; bench/peer_kd.py prints
the same). The command's stderr is passed through; stdout goes to --stdout. VmRSS of the
process is sampled every 50 ms, with its CPU time (user + system, all threads); the JSON report
(phase -> peak MiB, phase -> CPU seconds and wall seconds, plus VmHWM) goes to --report.
CPU seconds are the contention-robust measure of work on a shared machine when the command runs
one thread (OMP_NUM_THREADS=1): wall time then also counts the time other jobs held the core.
Usage: phase_mem.py --stdout OUT.json --report MEM.json -- command args...
"""
import argparse, json, os, re, subprocess, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("--stdout", required=True)
p.add_argument("--report", required=True)
p.add_argument("command", nargs=argparse.REMAINDER)
a = p.parse_args()
command = a.command[1:] if a.command[:1] == ["--"] else a.command

peaks, hwm, phase = {}, [0], ["startup"]
cpu, wall, last = {}, {}, {"cpu": 0.0, "wall": time.monotonic(), "phase": "startup"}
tick = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / tick


def close_phase(now_cpu):
    name = last["phase"]
    cpu[name] = cpu.get(name, 0) + now_cpu - last["cpu"]
    wall[name] = wall.get(name, 0) + time.monotonic() - last["wall"]
    last.update(cpu=now_cpu, wall=time.monotonic(), phase=phase[0])
marker = re.compile(r"Training (teacher|scratch|distilled)\b")

with open(a.stdout, "w") as out:
    proc = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True, bufsize=1)

    def relay():
        for line in proc.stderr:
            sys.stderr.write(line)
            m = marker.search(line)
            if m:
                phase[0] = m.group(1)

    reader = threading.Thread(target=relay, daemon=True)
    reader.start()
    now_cpu = 0.0
    while proc.poll() is None:
        try:
            now_cpu = cpu_seconds(proc.pid)
            if phase[0] != last["phase"]:
                close_phase(now_cpu)
            with open(f"/proc/{proc.pid}/status") as f:
                status = dict(l.split(":", 1) for l in f if ":" in l)
            rss = int(status["VmRSS"].split()[0]) / 1024
            hwm[0] = max(hwm[0], int(status["VmHWM"].split()[0]) / 1024)
            peaks[phase[0]] = max(peaks.get(phase[0], 0), rss)
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(0.05)
    reader.join()
    close_phase(now_cpu)

with open(a.report, "w") as f:
    json.dump({"peak_rss_mib_by_phase": {k: round(v, 1) for k, v in peaks.items()},
               "cpu_seconds_by_phase": {k: round(v, 2) for k, v in cpu.items()},
               "wall_seconds_by_phase": {k: round(v, 2) for k, v in wall.items()},
               "vmhwm_mib": round(hwm[0], 1), "exit_code": proc.returncode}, f, indent=1)
sys.exit(proc.returncode)
