import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { APICURIO_VERSION, KAFKA_MIN_JAVA, KAFKA_VERSION, MAVEN_DEPENDENCY_PLUGIN, REGISTRY_MIN_JAVA, type Paths } from './config';
import { findJava } from './java';
import { ensureSystemPackages } from './system-packages';
import { ensureDir, findOnPath, InfraError, readTextIfExists, seconds, writeFileAtomic, type Logger } from './util';

const APICURIO_ARTIFACT = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;

interface Marker {
  version: string;
  /** For Kafka: hash of pom.xml, so editing the pom triggers a new fetch. */
  fingerprint: string;
  fetchedAt: string;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
}

function readMarker(file: string): Marker | undefined {
  const raw = readTextIfExists(file);
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && 'fingerprint' in parsed) {
      return { version: String(parsed.version), fingerprint: String(parsed.fingerprint), fetchedAt: '' };
    }
  } catch {
    // corrupt marker: fetch again
  }
  return undefined;
}

function writeMarker(file: string, version: string, fingerprint: string): void {
  const marker: Marker = { version, fingerprint, fetchedAt: new Date().toISOString() };
  writeFileAtomic(file, `${JSON.stringify(marker, null, 2)}\n`);
}

export function isKafkaFetched(paths: Paths): boolean {
  const marker = readMarker(paths.kafkaMarker);
  return marker?.version === KAFKA_VERSION && marker.fingerprint === sha256(paths.kafkaPom);
}

export function isRegistryFetched(paths: Paths): boolean {
  return readMarker(paths.registryMarker)?.version === APICURIO_VERSION && findQuarkusRunJar(paths.registryHome) !== undefined;
}

/** quarkus-run.jar sits at the root of the 3.3.x tarball, under quarkus-app/ in older ones. */
export function findQuarkusRunJar(dir: string, depth = 3): string | undefined {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const direct = entries.find((e) => e.isFile() && e.name === 'quarkus-run.jar');
  if (direct) return path.join(dir, direct.name);
  if (depth === 0) return undefined;
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'lib') {
      const found = findQuarkusRunJar(path.join(dir, e.name), depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

function extraMavenArgs(env: NodeJS.ProcessEnv): string[] {
  return (env['INFRA_MAVEN_ARGS'] ?? '').split(/\s+/).filter((a) => a.length > 0);
}

function requireTools(log: Logger): string {
  const mvn = findOnPath('mvn');
  if (!mvn) {
    throw new InfraError(
      'mvn is not on PATH: the Kafka and Apicurio jars are fetched from Maven Central with Maven. ' +
        'Install it (Debian/Ubuntu: apt-get install -y maven; macOS: brew install maven) and re-run `fetch`.',
    );
  }
  // Fail early with the right message instead of after a 150 MB download.
  const kafkaJava = findJava(KAFKA_MIN_JAVA, 'KAFKA_JAVA_HOME', `Kafka ${KAFKA_VERSION}`);
  log(`using ${mvn}; Kafka will run on Java ${kafkaJava.major} (${kafkaJava.bin})`);
  return mvn;
}

/** Maven's generic advice after every failure, which would bury the actual error. */
const MAVEN_BOILERPLATE = /^\[ERROR\]\s*($|To see the full stack|Re-run Maven|For more information|\[Help \d+\])/;

/**
 * Runs Maven with full output captured to a log file, printing a heartbeat with
 * the number of artifacts downloaded so far (-q would hide all progress, and
 * per-artifact lines would drown the console).
 */
function runMaven(mvn: string, args: string[], label: string, logFile: string, log: Logger): Promise<void> {
  ensureDir(path.dirname(logFile));
  // The cache folder has no pom.xml, so goals run without a project unless -f is given.
  const cwd = path.dirname(path.dirname(logFile));
  const out = fs.createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!env['MAVEN_OPTS']) env['MAVEN_OPTS'] = '-Xmx384m';
  const started = Date.now();
  let downloaded = 0;
  let lastDownloaded = '';
  const errors: string[] = [];
  let pending = '';
  return new Promise<void>((resolve, reject) => {
    const child = spawn(mvn, ['-B', '-Dstyle.color=never', ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer): void => {
      out.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const dl = line.match(/Downloaded from [^:]+: (\S+)/);
        if (dl?.[1]) {
          downloaded += 1;
          lastDownloaded = dl[1].split('/').pop() ?? dl[1];
        }
        // Maven's launcher may prefix a line with colour resets even in batch mode.
        const at = line.indexOf('[ERROR]');
        const plain = at >= 0 ? line.slice(at).trimEnd() : '';
        if (plain && !MAVEN_BOILERPLATE.test(plain) && errors.length < 15) errors.push(plain);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const what = downloaded > 0 ? `, ${downloaded} files downloaded (last: ${lastDownloaded})` : '';
      log(`  ...${label}: ${seconds(Date.now() - started)}${what}`);
    }, 5000);
    child.on('error', (err) => {
      clearInterval(timer);
      out.end();
      reject(new InfraError(`could not run ${mvn}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      out.end();
      if (code === 0) {
        log(`  ${label}: done in ${seconds(Date.now() - started)} (${downloaded} files downloaded from the network)`);
        resolve();
        return;
      }
      reject(
        new InfraError(
          `${label} failed (mvn exit code ${code}). Maven said:\n${errors.join('\n') || '(no [ERROR] lines)'}\n` +
            `Full Maven output: ${logFile}\n` +
            `Command: mvn -B ${args.join(' ')}\n` +
            'Check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml), ' +
            'then re-run `fetch`; add INFRA_MAVEN_ARGS=-U to retry artifacts Maven remembered as missing.',
        ),
      );
    });
  });
}

export async function fetchKafka(paths: Paths, log: Logger, mvn: string): Promise<void> {
  if (isKafkaFetched(paths)) {
    log(`Kafka ${KAFKA_VERSION} jars already in ${paths.kafkaLibs}`);
    return;
  }
  log(`fetching Kafka ${KAFKA_VERSION} (org.apache.kafka:kafka_2.13, kafka-tools + log4j2) into ${paths.kafkaLibs}`);
  // A different version or pom would otherwise leave stale jars on the classpath.
  fs.rmSync(paths.kafkaLibs, { recursive: true, force: true });
  fs.rmSync(paths.kafkaMarker, { force: true });
  ensureDir(paths.kafkaLibs);
  await runMaven(
    mvn,
    [
      '-f',
      paths.kafkaPom,
      ...extraMavenArgs(process.env),
      `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${paths.kafkaLibs}`,
      '-DincludeScope=runtime',
    ],
    `Kafka ${KAFKA_VERSION} jars`,
    path.join(paths.cache, 'logs', 'mvn-kafka.log'),
    log,
  );
  const jars = fs.readdirSync(paths.kafkaLibs).filter((f) => f.endsWith('.jar'));
  for (const required of [`kafka_2.13-${KAFKA_VERSION}.jar`, `kafka-tools-${KAFKA_VERSION}.jar`, 'log4j-slf4j-impl-']) {
    if (!jars.some((j) => j.startsWith(required))) {
      throw new InfraError(`Kafka fetch finished but ${required}* is missing from ${paths.kafkaLibs}; check ${paths.kafkaPom}.`);
    }
  }
  writeMarker(paths.kafkaMarker, KAFKA_VERSION, sha256(paths.kafkaPom));
  log(`Kafka ${KAFKA_VERSION}: ${jars.length} jars ready`);
}

function run(command: string, args: string[], label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', (err) => reject(new InfraError(`${label}: could not run ${command}: ${err.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new InfraError(`${label}: ${command} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

export async function fetchRegistry(paths: Paths, log: Logger, mvn: string): Promise<void> {
  if (isRegistryFetched(paths)) {
    log(`Apicurio Registry ${APICURIO_VERSION} already in ${paths.registryHome}`);
    return;
  }
  try {
    const java = findJava(REGISTRY_MIN_JAVA, 'REGISTRY_JAVA_HOME', `Apicurio Registry ${APICURIO_VERSION}`);
    log(`Apicurio Registry will run on Java ${java.major} (${java.bin})`);
  } catch (err) {
    // Not fatal for the download itself; `up` repeats the check and fails there.
    log(`warning: ${err instanceof Error ? err.message : String(err)}`);
  }
  const downloads = path.join(paths.cache, 'downloads');
  const tarball = path.join(downloads, `apicurio-registry-app-${APICURIO_VERSION}-all.tar.gz`);
  log(`fetching Apicurio Registry ${APICURIO_VERSION} (${APICURIO_ARTIFACT}, ~160 MB)`);
  ensureDir(downloads);
  await runMaven(
    mvn,
    [
      ...extraMavenArgs(process.env),
      `${MAVEN_DEPENDENCY_PLUGIN}:copy`,
      `-Dartifact=${APICURIO_ARTIFACT}`,
      `-DoutputDirectory=${downloads}`,
    ],
    `Apicurio Registry ${APICURIO_VERSION}`,
    path.join(paths.cache, 'logs', 'mvn-apicurio.log'),
    log,
  );
  if (!fs.existsSync(tarball)) {
    throw new InfraError(`Maven succeeded but ${tarball} is missing (artifact ${APICURIO_ARTIFACT}).`);
  }
  const staging = `${paths.registryHome}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(paths.registryHome, { recursive: true, force: true });
  ensureDir(staging);
  log(`  extracting into ${paths.registryHome}`);
  await run('tar', ['-xzf', tarball, '-C', staging], 'extracting Apicurio Registry');
  if (!findQuarkusRunJar(staging)) {
    throw new InfraError(`${tarball} contains no quarkus-run.jar; is ${APICURIO_ARTIFACT} the right artifact?`);
  }
  fs.renameSync(staging, paths.registryHome);
  // Maven keeps its own copy in ~/.m2; no need for a second 160 MB.
  fs.rmSync(tarball, { force: true });
  writeMarker(paths.registryMarker, APICURIO_VERSION, APICURIO_VERSION);
  log(`Apicurio Registry ${APICURIO_VERSION} ready (${findQuarkusRunJar(paths.registryHome)})`);
}

export interface FetchOptions {
  kafka?: boolean;
  registry?: boolean;
}

export async function fetchAll(paths: Paths, log: Logger, opts: FetchOptions = {}): Promise<void> {
  const wantKafka = opts.kafka ?? true;
  const wantRegistry = opts.registry ?? true;
  ensureSystemPackages(log);
  const needed = (wantKafka && !isKafkaFetched(paths)) || (wantRegistry && !isRegistryFetched(paths));
  if (!needed) {
    if (wantKafka) log(`Kafka ${KAFKA_VERSION} jars already fetched`);
    if (wantRegistry) log(`Apicurio Registry ${APICURIO_VERSION} already fetched`);
    return;
  }
  const mvn = requireTools(log);
  if (wantKafka) await fetchKafka(paths, log, mvn);
  if (wantRegistry) await fetchRegistry(paths, log, mvn);
}
