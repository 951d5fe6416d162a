import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority to `nice` (0..19; 0 leaves it as it is), on
 * every thread it has: Linux keeps a nice value per thread (the main one, V8's
 * helpers, libuv's pool); threads started later take their starter's. Answers the
 * main thread's nice value after it.
 *
 * Why the audit service does it (docs/AUDIT.md, "Cost"): its work is a stream
 * writer's, in bursts of a pull at a time, and nothing waits on it; where it shares
 * cores with the token path (`npm start`, one host), those bursts land between the
 * gateway's and auth's requests. At a lower priority the scheduler lets the request
 * path go first and the writer takes the idle time. It is not starved: Linux still
 * gives a nice-10 thread about a tenth of the weight of a nice-0 one.
 */
export function lowerCpuPriority(nice: number): number {
  if (nice > 0) {
    let tids: string[] = [];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      // Not Linux: the process's priority only.
    }
    setPriority(0, nice);
    for (const tid of tids) {
      try {
        setPriority(Number(tid), nice);
      } catch {
        // a thread gone meanwhile
      }
    }
  }
  return getPriority(0);
}
