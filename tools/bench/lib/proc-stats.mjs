// Linux /proc readings: CPU time of a process, resident memory, machine-wide CPU use.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks;

/** Clock ticks per second (USER_HZ) used by /proc/<pid>/stat and /proc/stat. */
export function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
  return text.slice(text.lastIndexOf(')') + 2).split(' '); // index 0 = field 3 (state)
}

/** CPU time (user + system) of one process, in microseconds; `children` adds reaped children's time. */
export function cpuMicros(pid, { children = false } = {}) {
  const f = statFields(pid);
  let ticks = Number(f[11]) + Number(f[12]); // utime (14), stime (15)
  if (children) ticks += Number(f[13]) + Number(f[14]); // cutime (16), cstime (17)
  return (ticks * 1e6) / ticksPerSecond();
}

/** VmRSS and VmHWM (peak RSS) of a process, in MiB. */
export function memoryMiB(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Machine-wide busy CPU time (all cores, everything but idle and iowait), in microseconds. */
export function machineBusyMicros() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return (busy * 1e6) / ticksPerSecond();
}

/**
 * Watches how much CPU the machine spends outside the processes we know (`pids`, plus this harness and the
 * children it reaped, e.g. h2load). Kernel networking work not charged to a process lands there too, so a
 * quiet machine still shows a little.
 */
export class ForeignLoad {
  constructor(getPids) {
    this.getPids = getPids;
  }

  snapshot() {
    let ours = cpuMicros(process.pid, { children: true });
    for (const pid of this.getPids()) {
      try {
        ours += cpuMicros(pid);
      } catch {
        /* gone */
      }
    }
    return { t: process.hrtime.bigint(), busy: machineBusyMicros(), ours };
  }

  /** Average number of cores busy with foreign work between two snapshots. */
  static cores(a, b) {
    const wallMicros = Number(b.t - a.t) / 1000;
    if (wallMicros <= 0) return 0;
    return Math.max(0, (b.busy - a.busy - (b.ours - a.ours)) / wallMicros);
  }
}
