/**
 * Node.js options every service process is started with (`node <options> main.js`), by
 * `npm start`, the tests, the benches and a deployment alike (decision 0003).
 *
 * - `--max-semi-space-size=16` keeps V8's young generation at Node 20's size. Node 24 lets it grow
 *   to 64 MiB, and the gateway then spent 1.23 to 1.55 ms of CPU per signed 15 KB webhook at 500/s
 *   instead of 0.98 to 1.11, with p99 37 to 59 ms instead of 10 to 12 (bench:gateway,
 *   2026-12-06). V8 reads the size only at start-up: it cannot be set from inside the process.
 * - `--disable-warning=TimeoutNegativeWarning`: kafkajs 2.2.4's request queue schedules its
 *   throttle check at `throttledUntil - now` with `throttledUntil` unset (-1), a negative delay
 *   that Node has always run after 1 ms and that Node 24 also reports, as an unstructured stderr
 *   line, on every connection. Our own timers clamp their delays. The project's .npmrc passes the
 *   same option to every npm script (the CLI, the tools and the tests use kafkajs in-process).
 */
export const serviceNodeOptions: readonly string[] = ['--max-semi-space-size=16', '--disable-warning=TimeoutNegativeWarning'];
