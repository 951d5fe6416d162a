import { requestContract } from '@gatehouse/contracts';
import { median } from './load';

export interface ContractCheckCost {
  /** What the server runs per message: the subject's precompiled check, or its schema when it has none. */
  serverNs: number;
  /** The schema's safeParse alone (what the check would cost without a precompiled one). */
  schemaNs: number;
  /** Whether the precompiled check accepts the payload (else the server parses it). */
  accepted: boolean;
}

let sink = 0;

function time(iterations: number, body: () => boolean): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (body()) sink++;
  return Number(process.hrtime.bigint() - t0) / iterations;
}

/**
 * ns per contract check of `subject`'s request, on `payload` as the server sees
 * it (freshly parsed JSON), in-process on one core: the server's path
 * (GatehouseNatsServer: the precompiled check, the schema when that is unsure)
 * and the schema's safeParse alone. Medians over `repetitions` runs.
 */
export function measureContractCheck(subject: string, payload: unknown, iterations: number, repetitions: number): ContractCheckCost {
  const contract = requestContract(subject);
  const data: unknown = JSON.parse(JSON.stringify(payload));
  const accepted = contract.accepts?.(data) === true;
  const server = (): boolean => contract.accepts?.(data) === true || contract.request.safeParse(data).success;
  const schema = (): boolean => contract.request.safeParse(data).success;
  const runsOf = (body: () => boolean): number[] => {
    time(Math.min(iterations, 100_000), body);
    return Array.from({ length: repetitions }, () => time(iterations, body));
  };
  const serverNs = median(runsOf(server));
  const schemaNs = median(runsOf(schema));
  if (sink < 0) process.stderr.write(String(sink));
  return { serverNs, schemaNs, accepted };
}
