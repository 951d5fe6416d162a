#!/usr/bin/env node
// Validates Kubernetes objects against the API schemas, offline, with kubernetes-models
// (ESM only, hence this script beside the jest suite that runs it).
//
//   node tools/k8s/validate-models.mjs < objects.json
//
// Reads a JSON array of objects on stdin; prints a JSON array, one entry per object:
// { apiVersion, kind, name, known, errors } — `known` is false for a kind the library
// has no model of (a custom resource), `errors` is null when the object is valid.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
if (!Array.isArray(objects)) throw new Error('expected a JSON array of objects on stdin');

/** kubernetes-models lays modules out by apiVersion: `v1`, `apps/v1`, `networking.k8s.io/v1`. */
const modules = new Map();
async function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || !/^[a-z0-9.-]+(\/[a-z0-9]+)?$/.test(apiVersion)) return undefined;
  if (!modules.has(apiVersion)) {
    modules.set(apiVersion, await import(`kubernetes-models/${apiVersion}`).catch(() => null));
  }
  const mod = modules.get(apiVersion);
  return mod && typeof mod[kind] === 'function' ? mod[kind] : undefined;
}

const results = [];
for (const object of objects) {
  const { apiVersion, kind } = object ?? {};
  const name = object?.metadata?.name;
  const Model = await modelOf(apiVersion, kind);
  if (!Model) {
    results.push({ apiVersion, kind, name, known: false, errors: null });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ apiVersion, kind, name, known: true, errors: null });
  } catch (err) {
    results.push({ apiVersion, kind, name, known: true, errors: String(err?.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(results));
