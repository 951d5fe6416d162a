import { startTracing } from './tracing';

/**
 * Imported first by libs/platform's index, so that tracing (when OTEL_* turns it
 * on) is set up before any module loads `pg`. A bad OTEL_* value stops the
 * process with one line, as any other bad setting does (exit 78, EX_CONFIG).
 */
try {
  startTracing();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(78);
}
