import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of V8's .cpuprofile (written by `node --cpu-prof`) a summary needs. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuProfileSummary {
  /** Wall time the profile covers, in ms. */
  totalMs: number;
  /** Self time by where the code comes from: a package in node_modules, Node.js itself, the project, or V8 (GC, idle, program). */
  byOrigin: Array<{ origin: string; ms: number; share: number }>;
  /** Self time of the costliest functions. */
  topFunctions: Array<{ name: string; origin: string; ms: number; share: number }>;
}

/**
 * Where a profiled process spent its time: each sample's interval is charged to the function on
 * top of the stack (self time), then grouped by origin. The benches print this beside their
 * numbers, so that a missed target comes with where the time went.
 */
export function summarizeCpuProfile(profile: CpuProfile, top = 15): CpuProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => selfMs.set(nodeId, (selfMs.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  const totalMs = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
  const origins = new Map<string, number>();
  const functions = new Map<string, { name: string; origin: string; ms: number }>();
  for (const [nodeId, ms] of selfMs) {
    const { functionName, url, lineNumber } = nodes.get(nodeId)?.callFrame ?? { functionName: '(unknown)', url: '', lineNumber: 0 };
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    const entry = functions.get(name) ?? { name, origin, ms: 0 };
    entry.ms += ms;
    functions.set(name, entry);
  }
  const share = (ms: number) => (totalMs > 0 ? ms / totalMs : 0);
  return {
    totalMs,
    byOrigin: [...origins].map(([origin, ms]) => ({ origin, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((entry) => ({ ...entry, share: share(entry.ms) })),
  };
}

/** A package's name, `node:internal`, `project`, or V8's own entries such as `(garbage collector)` and `(idle)`. */
export function originOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1];
  if (url.startsWith('node:')) return 'node:internal';
  return 'project';
}

function shortUrl(url: string): string {
  const inPackage = /node_modules\/(.*)$/.exec(url);
  if (inPackage) return inPackage[1];
  return url.replace(/^file:\/\//, '').replace(/^.*\/(dist|libs|apps)\//, '$1/');
}

/** The profiles `node --cpu-prof --cpu-prof-dir=dir` wrote there, the newest first (a directory may be reused). */
export function readCpuProfiles(dir: string): CpuProfile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => join(dir, file))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
}

/**
 * The directory a bench's `--profile DIR` names: there each profiled process writes its V8 CPU
 * profile (`node --cpu-prof`) when it exits, and the bench prints a summary. None without the flag.
 */
export function profileDirArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--profile');
  if (index === -1) return undefined;
  const dir = argv[index + 1];
  if (dir === undefined || dir.startsWith('--')) throw new Error('--profile needs the directory to write CPU profiles into');
  return dir;
}

/** The node options that make a process write its CPU profile into `dir` when it exits. */
export function cpuProfileOptions(dir: string | undefined): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Prints the summary of the profile one process wrote into `dir`. */
export function printCpuProfile(label: string, dir: string, top = 15): void {
  const [profile] = readCpuProfiles(dir);
  if (profile === undefined) throw new Error(`${label} wrote no CPU profile into ${dir}`);
  for (const line of cpuProfileLines(label, summarizeCpuProfile(profile, top))) console.log(line);
  console.log(`  (the whole profile is the newest in ${dir}: open it in Chrome DevTools)`);
}

/** The summary as lines for a bench's report. */
export function cpuProfileLines(label: string, summary: CpuProfileSummary): string[] {
  const percent = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
  return [
    `profile of ${label}: ${(summary.totalMs / 1000).toFixed(1)} s sampled; self time by origin:`,
    ...summary.byOrigin.slice(0, 10).map(({ origin, share }) => `  ${percent(share)}  ${origin}`),
    '  costliest functions (self time):',
    ...summary.topFunctions.map(({ name, share }) => `  ${percent(share)}  ${name}`),
  ];
}
