#!/usr/bin/python3
"""Runs a command and reports the peak resident memory of each phase of it.

Phases start at the lines the command writes to standard error that match
'Training (teacher|scratch|distilled)' (Distill's progress messages; bench/peer_kd.py prints
the same). The command's stderr is passed through; stdout goes to --stdout. VmRSS of the
process is sampled every 50 ms; the JSON report (phase -> peak MiB, plus VmHWM) goes to --report.
Usage: phase_mem.py --stdout OUT.json --report MEM.json -- command args...
"""
import argparse, json, re, subprocess, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("--stdout", required=True)
p.add_argument("--report", required=True)
p.add_argument("command", nargs=argparse.REMAINDER)
a = p.parse_args()
command = a.command[1:] if a.command[:1] == ["--"] else a.command

peaks, hwm, phase = {}, [0], ["startup"]
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
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                status = dict(l.split(":", 1) for l in f if ":" in l)
            rss = int(status["VmRSS"].split()[0]) / 1024
            hwm[0] = max(hwm[0], int(status["VmHWM"].split()[0]) / 1024)
            peaks[phase[0]] = max(peaks.get(phase[0], 0), rss)
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(0.05)
    reader.join()

with open(a.report, "w") as f:
    json.dump({"peak_rss_mib_by_phase": {k: round(v, 1) for k, v in peaks.items()},
               "vmhwm_mib": round(hwm[0], 1), "exit_code": proc.returncode}, f, indent=1)
sys.exit(proc.returncode)
