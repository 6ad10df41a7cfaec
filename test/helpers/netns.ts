import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** One test host: a network namespace with one address on the test's virtual switch. */
export interface NetnsHost {
  name: string;
  namespace: string;
  ip: string;
  /** Starts `command args` inside this host's namespace (same filesystem, its own network). */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
}

export interface TestNetwork {
  hosts: Record<string, NetnsHost>;
  /** Kills every process left in the namespaces and deletes them; safe to call twice. */
  remove(): void;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const inNs = (namespace: string, ...args: string[]): string => ip('-n', namespace, ...args);

function namespacesWithPrefix(prefix: string): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`${prefix}-`));
}

/** Kills what still runs in the namespaces named `<prefix>-*` and deletes them (also what a crashed run left). */
export function removeNamespaces(prefix: string): void {
  for (const namespace of namespacesWithPrefix(prefix)) {
    const pids = ip('netns', 'pids', namespace).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    ip('netns', 'del', namespace);
  }
}

/**
 * Builds a private network of hosts on this machine: a namespace per host, each linked by a veth
 * pair to a bridge that lives in a namespace of its own, addresses 10.213.<subnet>.<n>/24. Nothing
 * touches the machine's own interfaces: traffic stays inside the test's namespaces (and each host's
 * loopback). `prefix` must be short (interface names are at most 15 characters).
 */
export function createTestNetwork(prefix: string, hostNames: string[], subnet = 77): TestNetwork {
  if (prefix.length > 6) throw new Error(`netns prefix ${prefix} is longer than 6 characters`);
  removeNamespaces(prefix);
  const switchNs = `${prefix}-switch`;
  const hosts: Record<string, NetnsHost> = {};
  try {
    ip('netns', 'add', switchNs);
    inNs(switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    inNs(switchNs, 'link', 'set', 'br0', 'up');
    hostNames.forEach((name, i) => {
      const namespace = `${prefix}-${name}`;
      const hostEnd = `${prefix}h${i}`;
      const switchEnd = `${prefix}s${i}`;
      const address = `10.213.${subnet}.${i + 1}`;
      ip('netns', 'add', namespace);
      // Created inside the host's namespace with its peer in the switch's: the machine's own namespace never sees them.
      inNs(namespace, 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', switchEnd, 'netns', switchNs);
      inNs(switchNs, 'link', 'set', switchEnd, 'master', 'br0');
      inNs(switchNs, 'link', 'set', switchEnd, 'up');
      inNs(namespace, 'addr', 'add', `${address}/24`, 'dev', hostEnd);
      inNs(namespace, 'link', 'set', hostEnd, 'up');
      inNs(namespace, 'link', 'set', 'lo', 'up');
      hosts[name] = {
        name,
        namespace,
        ip: address,
        spawn: (command, args, options = {}) => spawn('ip', ['netns', 'exec', namespace, command, ...args], options),
      };
    });
  } catch (error) {
    removeNamespaces(prefix);
    throw error;
  }
  return { hosts, remove: () => removeNamespaces(prefix) };
}
