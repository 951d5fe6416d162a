import { LoginBrake } from './login-brake';

describe('LoginBrake', () => {
  let now = 1_000_000;
  const brake = () => new LoginBrake({ perAccount: 3, perAddress: 5, windowMs: 60_000 }, null, () => now);

  it('brakes an account from an address after its budget, until the window ends', async () => {
    const b = brake();
    for (let i = 0; i < 3; i++) {
      expect(await b.retryAfter('A@x.io', '10.0.0.1')).toBe(0);
      await b.recordFailure('a@x.io', '10.0.0.1');
    }
    expect(await b.retryAfter('a@X.io ', '10.0.0.1')).toBe(60);
    expect(await b.retryAfter('a@x.io', '10.0.0.2')).toBe(0);
    now += 30_000;
    expect(await b.retryAfter('a@x.io', '10.0.0.1')).toBe(30);
    now += 30_000;
    expect(await b.retryAfter('a@x.io', '10.0.0.1')).toBe(0);
  });

  it('brakes an address across accounts', async () => {
    const b = brake();
    for (let i = 0; i < 5; i++) await b.recordFailure(`u${i}@x.io`, '10.0.0.9');
    expect(await b.retryAfter('new@x.io', '10.0.0.9')).toBeGreaterThan(0);
  });

  it('a success clears the account count but not the address count', async () => {
    const b = brake();
    for (let i = 0; i < 2; i++) await b.recordFailure('a@x.io', '10.0.0.3');
    await b.recordSuccess('a@x.io', '10.0.0.3');
    await b.recordFailure('a@x.io', '10.0.0.3');
    await b.recordFailure('a@x.io', '10.0.0.3');
    expect(await b.retryAfter('a@x.io', '10.0.0.3')).toBe(0);
  });
});
