import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface CpuSample {
  at: number;
  processTicks: number;
  machineTicks: number;
  machineIdleTicks: number;
}

/** A process's CPU time and the machine's busy and idle time so far, from /proc (Linux only; elsewhere none). */
export function cpuSample(pid: number | undefined): CpuSample | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // The process name, in parentheses, may hold spaces and parentheses: the fields counted from after it.
  const processStat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const processFields = processStat.slice(processStat.lastIndexOf(') ') + 2).split(' ');
  // user, nice, system, idle, iowait, irq, softirq, steal (guest time is already counted in user).
  const machineFields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return {
    at: performance.now(),
    processTicks: Number(processFields[11]) + Number(processFields[12]),
    machineTicks: machineFields.reduce((sum, ticks) => sum + ticks, 0),
    machineIdleTicks: machineFields[3] + machineFields[4],
  };
}

/** Milliseconds of one clock tick, the unit of /proc's CPU times. */
export function msPerTick(): number {
  return 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
}

/**
 * CPU ticks used so far by every live process whose command name is `command` (`postgres`, `java`):
 * the servers the platform runs on, whose share a profile must show beside the apps'.
 */
export function commandTicks(command: string): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return ticks;
}
