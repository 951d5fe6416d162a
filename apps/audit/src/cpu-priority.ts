import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority to `nice` (0..19) on every thread it has:
 * Linux keeps a nice value per thread (the main one, V8's helpers, libuv's pool);
 * threads started later take their starter's. Only ever lowers it: a thread already
 * at a higher nice (the service started under `nice -n 15`, or systemd's `Nice=`)
 * keeps it, since raising a priority back takes privileges this process does not
 * have. Answers the threads it could not change (a failure is reported, never fatal).
 *
 * Why the audit service does it (docs/AUDIT.md, "Cost"): its work is a stream
 * writer's, in bursts of a pull at a time, and nothing waits on it; where it shares
 * cores with the token path (`npm start`, one host), those bursts land between the
 * gateway's and auth's requests. At a lower priority the scheduler lets the request
 * path go first and the writer takes the idle time. It is not starved: Linux still
 * gives a nice-10 thread about a tenth of the weight of a nice-0 one.
 */
export function lowerCpuPriority(nice: number): Array<{ thread: number; error: string }> {
  const failed: Array<{ thread: number; error: string }> = [];
  if (nice <= 0) return failed;
  let threads: number[] = [0];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // Not Linux: the calling thread (0) only.
  }
  for (const thread of threads) {
    try {
      if (getPriority(thread) < nice) setPriority(thread, nice);
    } catch (err) {
      // A thread gone meanwhile (ESRCH) is no failure.
      if ((err as { code?: string }).code !== 'ESRCH') failed.push({ thread, error: (err as Error).message });
    }
  }
  return failed;
}
