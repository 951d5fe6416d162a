/** Set by the supervisor (`spawnService`) on the services it starts, whose stdin it holds open. */
export const SUPERVISED_ENV = 'GATEHOUSE_SUPERVISED';

/**
 * Under a supervisor (`npm start`, the test systems, the benches), this process's
 * stdin is a pipe whose other end only the supervisor holds: it closes when the
 * supervisor dies, by SIGKILL too. This process then stops as on SIGTERM
 * (closeOnSignals) instead of living on orphaned, holding its ports and taking its
 * share of the CPU from whatever runs next. Off unless `GATEHOUSE_SUPERVISED=1`
 * (under Compose or Kubernetes, stdin belongs to no one).
 */
export function stopWhenSupervisorGoes(env: NodeJS.ProcessEnv = process.env): void {
  if (env[SUPERVISED_ENV] !== '1') return;
  const gone = () => process.kill(process.pid, 'SIGTERM');
  process.stdin.once('end', gone);
  process.stdin.once('error', gone);
  process.stdin.resume();
}
