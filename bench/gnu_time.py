"""Reads the report of GNU time -v (/usr/bin/time -v -o FILE): wall seconds, CPU seconds, peak RSS in MiB.

Shared by peers_report.py and scaling_report.py.
"""
import re


def gnu_time(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    h, m, s = (float(x) if x else 0.0 for x in wall.groups())
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", text).group(1)) for k in ("User", "System"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return {"wall": h * 3600 + m * 60 + s, "cpu": cpu, "rss": rss}
