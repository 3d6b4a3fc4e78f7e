/**
 * podman as it works on these machines (Debian 12, no systemd, cgroup v1, root): runc rather than
 * the default runtime, cgroups managed directly, and limits that fit inside the host's own.
 */
export const podmanGlobalOptions = ['--runtime', 'runc', '--cgroup-manager=cgroupfs'] as const;

/** Given to every `podman build` and `podman run`: the host's defaults exceed what a container may set here. */
export const podmanLimits = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'] as const;

/** The arguments of one podman command, global options first. */
export function podmanArguments(command: string, ...args: string[]): string[] {
  return [...podmanGlobalOptions, command, ...(command === 'build' || command === 'run' ? podmanLimits : []), ...args];
}
