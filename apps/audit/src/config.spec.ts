import { loadAuditConfig } from './config';

describe('audit configuration', () => {
  it('runs the service at nice 10 unless told otherwise, and takes 0 to 19', () => {
    expect(loadAuditConfig({}).AUDIT_CPU_NICE).toBe(10);
    expect(loadAuditConfig({ AUDIT_CPU_NICE: '0' }).AUDIT_CPU_NICE).toBe(0);
    expect(loadAuditConfig({ AUDIT_CPU_NICE: '19' }).AUDIT_CPU_NICE).toBe(19);
  });

  it('refuses a nice value out of range or not a whole number, naming the variable', () => {
    for (const bad of ['-1', '20', '2.5', 'low']) expect(() => loadAuditConfig({ AUDIT_CPU_NICE: bad })).toThrow(/AUDIT_CPU_NICE/);
  });
});
