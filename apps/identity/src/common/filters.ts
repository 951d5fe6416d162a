import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { CreatedAtFilters } from '@gatehouse/contracts';

type Op = '=' | 'in' | 'not_in' | '>' | '<' | '>=' | '<=';

/** One filter parameter → one SQL condition on a column. */
export interface FilterSpec {
  column: string;
  op: Op;
  cast?: 'uuid' | 'timestamptz';
}

const CREATED_AT: Record<keyof CreatedAtFilters, FilterSpec> = {
  created_at__gt: { column: 'created_at', op: '>', cast: 'timestamptz' },
  created_at__lt: { column: 'created_at', op: '<', cast: 'timestamptz' },
  created_at__gte: { column: 'created_at', op: '>=', cast: 'timestamptz' },
  created_at__lte: { column: 'created_at', op: '<=', cast: 'timestamptz' },
};

export function withCreatedAt(specs: Record<string, FilterSpec>): Record<string, FilterSpec> {
  return { ...CREATED_AT, ...specs };
}

/** Applies the filters that are set, each as a bound parameter; unknown keys are ignored. */
export function applyFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  filters: Record<string, unknown>,
  specs: Record<string, FilterSpec>,
): void {
  let n = 0;
  for (const [key, value] of Object.entries(filters ?? {})) {
    const spec = specs[key];
    if (!spec || value === undefined || value === null) continue;
    const p = `f${n++}`;
    const col = `${alias}.${spec.column}`;
    const cast = spec.cast ? `::${spec.cast}` : '';
    if (spec.op === 'in') qb.andWhere(`${col} = ANY(:${p}${cast ? `${cast}[]` : ''})`, { [p]: asArray(value) });
    else if (spec.op === 'not_in') qb.andWhere(`NOT (${col} = ANY(:${p}${cast ? `${cast}[]` : ''}))`, { [p]: asArray(value) });
    else qb.andWhere(`${col} ${spec.op} CAST(:${p} AS ${spec.cast ?? 'text'})`, { [p]: value });
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}
