import { isUnavailable } from './unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', withCode('ECONNRESET')],
    ['admin shutdown (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['connection failure (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['a cut session', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a broken client', new Error('Client has encountered a connection error and is not queryable')],
    [
      "a transaction's connection cut and released (TypeORM)",
      Object.assign(new Error('Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.'), {
        name: 'QueryRunnerProviderAlreadyReleasedError',
      }),
    ],
    ["a transaction's runner released before its next query or COMMIT (TypeORM)", new Error('Query runner already released. Cannot run queries anymore.')],
    ['a closed client (node-postgres)', new Error('Client was closed and is not queryable')],
    ['wrapped by TypeORM', Object.assign(new Error('QueryFailedError'), { driverError: withCode('57P01') })],
  ])('%s → unavailable', (_name, err) => {
    expect(isUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a data exception (22021)', withCode('22021')],
    ['a syntax error (42601)', withCode('42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an error body', { code: 'not_found', message: 'Not found' }],
    ['nothing', undefined],
  ])('%s → not unavailable', (_name, err) => {
    expect(isUnavailable(err)).toBe(false);
  });
});
