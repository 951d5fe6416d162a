import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The module boundaries are rules that fail, not decoration: each forbidden
 * import below, linted as if it were written in that project, is an error.
 */
const root = join(__dirname, '..', '..');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
// nx's own entry point, from its package.json (its place moved between versions).
const nxBin = join(root, 'node_modules', 'nx', (require('nx/package.json') as { bin: { nx: string } }).bin.nx);

function boundaryErrors(file: string, code: string): string[] {
  const run = spawnSync(process.execPath, [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', join(root, file)], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; severity: number; message: string }> }>;
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries' && m.severity === 2).map((m) => m.message);
}

describe('module boundaries', () => {
  beforeAll(() => {
    // The rule reads Nx's project graph; make sure it exists.
    spawnSync(process.execPath, [nxBin, 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' } });
  }, 120_000);

  it('refuses a service importing another service', () => {
    const errors = boundaryErrors('apps/gateway/src/violation.ts', "import { AuthModule } from '../../auth/src/app.module';\nexport const x = AuthModule;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses the database or the broker in the permission catalogue', () => {
    expect(boundaryErrors('libs/permissions/src/violation.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n").length).toBeGreaterThan(0);
    expect(boundaryErrors('libs/permissions/src/violation.ts', "import { connect } from 'nats';\nexport const x = connect;\n").length).toBeGreaterThan(0);
  });

  it('refuses transport code and the platform lib in the contracts', () => {
    expect(boundaryErrors('libs/contracts/src/violation.ts', "import { connect } from 'nats';\nexport const x = connect;\n").length).toBeGreaterThan(0);
    expect(boundaryErrors('libs/contracts/src/violation.ts', "import { NatsService } from '@gatehouse/platform';\nexport const x = NatsService;\n").length).toBeGreaterThan(0);
  });

  it('refuses the supervisor and the testing helpers in a service', () => {
    expect(boundaryErrors('apps/auth/src/violation.ts', "import { spawnService } from '@gatehouse/supervisor';\nexport const x = spawnService;\n").length).toBeGreaterThan(0);
    expect(boundaryErrors('apps/gateway/src/violation.ts', "import { HttpClient } from '@gatehouse/testing';\nexport const x = HttpClient;\n").length).toBeGreaterThan(0);
  });

  it('refuses the supervisor and the testing helpers in the platform lib, and the testing helpers in the supervisor', () => {
    expect(boundaryErrors('libs/platform/src/violation.ts', "import { LocalSystem } from '@gatehouse/supervisor';\nexport const x = LocalSystem;\n").length).toBeGreaterThan(0);
    expect(boundaryErrors('libs/platform/src/violation.ts', "import { HttpClient } from '@gatehouse/testing';\nexport const x = HttpClient;\n").length).toBeGreaterThan(0);
    expect(boundaryErrors('libs/supervisor/src/violation.ts', "import { HttpClient } from '@gatehouse/testing';\nexport const x = HttpClient;\n").length).toBeGreaterThan(0);
  });

  it("allows a service's own tests to use them (the control)", () => {
    const code = "import { createDatabase } from '@gatehouse/supervisor';\nimport { HttpClient } from '@gatehouse/testing';\nexport const x = [createDatabase, HttpClient];\n";
    expect(boundaryErrors('apps/identity/src/allowed.spec.ts', code)).toEqual([]);
  });

  it('allows the tools and the e2e suite to use the supervisor and the testing helpers (the control)', () => {
    const code =
      "import { LocalSystem } from '@gatehouse/supervisor';\nimport { HttpClient } from '@gatehouse/testing';\n" +
      'export const x = [LocalSystem, HttpClient];\n';
    expect(boundaryErrors('tools/bench/src/allowed.ts', code)).toEqual([]);
    expect(boundaryErrors('apps/gateway-e2e/src/allowed.ts', code)).toEqual([]);
  });

  it('allows a service to use the contracts, the catalogue and the platform lib (the control)', () => {
    const code =
      "import { AuthSubjects } from '@gatehouse/contracts';\nimport { OBJECT_TYPES } from '@gatehouse/permissions';\n" +
      "import { NatsService } from '@gatehouse/platform';\nexport const x = [AuthSubjects, OBJECT_TYPES, NatsService];\n";
    expect(boundaryErrors('apps/gateway/src/allowed.ts', code)).toEqual([]);
  });
});
