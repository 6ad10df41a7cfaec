import { hostname } from 'node:os';

/** Whether a process of this host is alive (signal 0 only checks; EPERM means it lives under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a record written by a process (a lease, a group member) names another process of this host that is gone. */
export const isDeadProcessHere = ({ host, pid }: { host: string; pid: number }): boolean =>
  host === hostname() && pid !== process.pid && !isProcessAlive(pid);
