#!/usr/bin/env bash
# Starts or stops a one-node Slurm cluster on this machine (Debian's slurm-wlm and munge) with the
# configuration in this folder; all its state lives in one folder, by default /tmp/distill-slurm.
#   bash deploy/slurm/cluster.sh start [STATE_DIR]   prints: export SLURM_CONF=STATE_DIR/slurm.conf
#   bash deploy/slurm/cluster.sh stop  [STATE_DIR]   stops the daemons it started (by their pid files)
# Needs root (munged runs as the munge user); ports: SLURMCTLD_PORT (6817), SLURMD_PORT (6818).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
action="${1:?start or stop}"
state="$(realpath -m "${2:-/tmp/distill-slurm}")"

stop() {
  for daemon in slurmd slurmctld munge/munged; do
    pidfile="$state/$daemon.pid"
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      rm -f "$pidfile"
    fi
  done
}

if [ "$action" = stop ]; then stop; exit 0; fi
[ "$action" = start ] || { echo "cluster.sh: the action is start or stop, not '$action'." >&2; exit 1; }
for tool in munged slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "cluster.sh: $tool is missing; apt-get install -y slurm-wlm munge" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "cluster.sh: run it as root (munged runs as the munge user, Slurm as root)." >&2; exit 1; }
stop
mkdir -p "$state/munge" "$state/munge-socket" "$state/ctld" "$state/slurmd"
# munge: a key of its own in a folder only the munge user may enter, its socket in one everyone may reach.
[ -f "$state/munge/munge.key" ] || head -c 1024 /dev/urandom > "$state/munge/munge.key"
chown -R munge:munge "$state/munge" "$state/munge-socket"
chmod 700 "$state/munge"
chmod 755 "$state/munge-socket"
chmod 400 "$state/munge/munge.key"
chmod 755 "$state"
runuser -u munge -- test -x "$state/munge" || { echo "cluster.sh: the munge user cannot reach '$state' (a folder above it is closed to other users); give a state folder it can enter." >&2; exit 1; }
runuser -u munge -- munged --key-file="$state/munge/munge.key" --socket="$state/munge-socket/munge.socket" \
  --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" --seed-file="$state/munge/munged.seed"
# slurm: root may read the munge socket; the configuration comes from the template beside this script.
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
sed -e "s|@HOST@|$(hostname -s)|g" -e "s|@USER@|$(id -un)|g" -e "s|@STATE@|$state|g" \
    -e "s|@CTLD_PORT@|${SLURMCTLD_PORT:-6817}|g" -e "s|@SLURMD_PORT@|${SLURMD_PORT:-6818}|g" \
    -e "s|@CPUS@|$(nproc)|g" -e "s|@MEMORY@|$memory|g" "$here/slurm.conf.in" > "$state/slurm.conf"
export SLURM_CONF="$state/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then echo "export SLURM_CONF=$SLURM_CONF"; exit 0; fi
  sleep 1
done
echo "cluster.sh: the node did not become idle within a minute; see $state/slurmctld.log and $state/slurmd.log" >&2
exit 1
