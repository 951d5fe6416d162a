/**
 * Helpers for k8s.spec.ts: rendering the kustomize overlays with kubectl, validating
 * objects against the Kubernetes API schemas (validate-models.mjs), reading what a
 * container is given, a NATS config parser (for deploy/nats/nats-server.conf) and a
 * NetworkPolicy evaluator. Everything runs offline.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoPath } from '../compose/support';

// ---- objects ----------------------------------------------------------------

export type Labels = Record<string, string>;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: any;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface Probe {
  httpGet?: { path: string; port: number | string; scheme?: string };
  tcpSocket?: unknown;
  exec?: unknown;
  grpc?: unknown;
}

// ---- kubectl ----------------------------------------------------------------

/** kubectl: $KUBECTL, else on PATH (CI installs Debian's kubernetes-client when missing). */
export function kubectlBinary(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const found = (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, 'kubectl'))
    .find((f) => existsSync(f));
  if (!found) throw new Error('kubectl not found: install it (apt-get install kubernetes-client) or set KUBECTL');
  return found;
}

function run(file: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export function parseYamlDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`YAML: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && o !== undefined);
}

/** `kubectl kustomize <dir>`: the objects an apply would send. */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  const { stdout } = await run(kubectlBinary(), ['kustomize', dir]);
  return parseYamlDocuments(stdout);
}

export interface ModelResult {
  apiVersion: string;
  kind: string;
  name: string;
  known: boolean;
  errors: string | null;
}

/** Each object checked against the Kubernetes API schemas (kubernetes-models, offline). */
export async function validateModels(objects: unknown[]): Promise<ModelResult[]> {
  const { stdout } = await run(process.execPath, [repoPath('tools', 'k8s', 'validate-models.mjs')], JSON.stringify(objects));
  return JSON.parse(stdout) as ModelResult[];
}

// ---- what a container is given ------------------------------------------------

export type EnvSource =
  | { from: 'value'; value: string }
  | { from: 'configMap'; configMap: string; value: string }
  | { from: 'secret'; secret: string; key: string }
  | { from: 'other' };

/**
 * Every variable a container gets, in Kubernetes' order: envFrom first (later
 * sources win), then env (wins over envFrom). ConfigMaps are looked up among `objects`.
 */
export function containerEnv(container: Container, objects: K8sObject[]): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef?.name);
      if (!cm) throw new Error(`container ${container.name}: ConfigMap ${source.configMapRef.name} is not in the rendered objects`);
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set(k, { from: 'configMap', configMap: cm.metadata.name, value: String(v) });
    } else {
      throw new Error(`container ${container.name}: envFrom other than a ConfigMap`);
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env.set(e.name, { from: 'value', value: e.value });
    else if (e.valueFrom?.secretKeyRef) env.set(e.name, { from: 'secret', secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key });
    else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref.name);
      env.set(e.name, { from: 'configMap', configMap: ref.name, value: String(cm?.data?.[ref.key] ?? '') });
    } else env.set(e.name, { from: 'other' });
  }
  return env;
}

/** The names a value refers to with Kubernetes' `$(NAME)` (`$$(` escapes one). */
export function dependentVariables(value: string): string[] {
  return [...value.matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]);
}

/**
 * The environment as the process would see it: secrets replaced by `secretValue`,
 * `$(NAME)` expanded from variables defined earlier (as the kubelet does).
 */
export function resolveEnv(container: Container, objects: K8sObject[], secretValue: (secret: string, key: string) => string): Record<string, string> {
  const sources = containerEnv(container, objects);
  const out: Record<string, string> = {};
  for (const [name, source] of sources) {
    if (source.from === 'secret') out[name] = secretValue(source.secret, source.key);
    else if (source.from === 'value') out[name] = source.value.replace(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, ref: string) => (ref in out ? out[ref] : whole));
    else if (source.from === 'configMap') out[name] = source.value;
  }
  return out;
}

export function podSpecOf(deployment: K8sObject): any {
  return deployment.spec?.template?.spec ?? {};
}

export function allContainers(deployment: K8sObject): Container[] {
  const spec = podSpecOf(deployment);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** A named or numbered probe port, as the container's port number. */
export function probePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

// ---- label selectors and NetworkPolicies ----------------------------------------

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A pod as NetworkPolicies see it, or (pod undefined) an address outside the cluster. */
export interface Endpoint {
  name: string;
  namespace?: string;
  labels?: Labels;
  /** Container ports by name, for named ports in policies. */
  ports?: Record<string, number>;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: Array<{ port?: number | string; protocol?: string; endPort?: number }>;
}

const namespaceLabels = (ns: string): Labels => ({ 'kubernetes.io/metadata.name': ns });

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  // ipBlock is meant for addresses outside the cluster; these policies use none, and
  // an ipBlock is taken to match nothing here (a test that adds one must extend this).
  if (peer.ipBlock) return false;
  if (other.namespace === undefined) return false; // outside the cluster: only ipBlock could match
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(other.namespace)) : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? selects(peer.podSelector, other.labels ?? {}) : true;
  return nsOk && podOk;
}

function portMatches(rule: PolicyRule, port: number, protocol: string, target: Endpoint): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const n = typeof p.port === 'number' ? p.port : target.ports?.[p.port];
    if (n === undefined) return false;
    return p.endPort !== undefined ? port >= n && port <= p.endPort : port === n;
  });
}

/**
 * Whether `from` may open a connection to `to` on port/protocol under these
 * NetworkPolicies (Kubernetes' semantics: a pod selected by no policy of a type is
 * open in that direction; otherwise some rule of a policy selecting it must allow).
 */
export function allowed(policies: K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const typesOf = (p: K8sObject): string[] => p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const selecting = (e: Endpoint, type: string) =>
    e.namespace === undefined ? [] : policies.filter((p) => (p.metadata.namespace ?? '') === (e.namespace ?? '') && typesOf(p).includes(type) && selects(p.spec.podSelector, e.labels ?? {}));

  const egressPolicies = selecting(from, 'Egress');
  const egressOk =
    egressPolicies.length === 0 ||
    egressPolicies.some((p) =>
      ((p.spec.egress ?? []) as PolicyRule[]).some(
        (r) => (r.to === undefined || r.to.length === 0 || r.to.some((peer) => peerMatches(peer, p.metadata.namespace ?? '', to))) && portMatches(r, port, protocol, to),
      ),
    );
  const ingressPolicies = selecting(to, 'Ingress');
  const ingressOk =
    ingressPolicies.length === 0 ||
    ingressPolicies.some((p) =>
      ((p.spec.ingress ?? []) as PolicyRule[]).some(
        (r) => (r.from === undefined || r.from.length === 0 || r.from.some((peer) => peerMatches(peer, p.metadata.namespace ?? '', from))) && portMatches(r, port, protocol, to),
      ),
    );
  return egressOk && ingressOk;
}

// ---- NATS configuration files ------------------------------------------------------

export type NatsValue = string | number | boolean | NatsValue[] | { [key: string]: NatsValue } | { variable: string };

/**
 * A parser for the NATS server configuration format as deploy/nats/nats-server.conf
 * uses it: `#` and `//` comments, `key: value`, `key = value` and `key { … }`, maps,
 * arrays (items separated by commas or new lines), quoted and bare strings, numbers,
 * booleans and `$VARIABLE` references (kept as `{ variable }`, not resolved).
 */
export function parseNatsConf(text: string): Record<string, NatsValue> {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`nats conf line ${line}: ${what}`);
  };
  const skip = (newlines: boolean) => {
    for (;;) {
      const c = text[i];
      if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || (newlines && (c === '\n' || c === ',' || c === ';'))) i++;
      else return;
    }
  };
  const bareWord = (): string => {
    const start = i;
    while (i < text.length && !/[\s,;}\]=:{[#]/.test(text[i])) i++;
    if (i === start) fail(`unexpected ${JSON.stringify(text[i] ?? 'end of file')}`);
    return text.slice(start, i);
  };
  const quoted = (): string => {
    const q = text[i++];
    let out = '';
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\' && q === '"') {
        out += text[i + 1];
        i += 2;
      } else out += text[i++];
    }
    if (text[i] !== q) fail('unterminated string');
    i++;
    return out;
  };
  const value = (): NatsValue => {
    skip(false);
    const c = text[i];
    if (c === '{') {
      i++;
      const m = map('}');
      i++;
      return m;
    }
    if (c === '[') {
      i++;
      const items: NatsValue[] = [];
      for (;;) {
        skip(true);
        if (text[i] === ']') {
          i++;
          return items;
        }
        if (i >= text.length) fail('unterminated array');
        items.push(value());
      }
    }
    if (c === '"' || c === "'") return quoted();
    const word = bareWord();
    if (word.startsWith('$')) return { variable: word.slice(1) };
    if (word === 'true' || word === 'false') return word === 'true';
    if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
    return word;
  };
  const map = (close: string | undefined): Record<string, NatsValue> => {
    const out: Record<string, NatsValue> = {};
    for (;;) {
      skip(true);
      if (i >= text.length) {
        if (close) fail(`missing ${close}`);
        return out;
      }
      if (close && text[i] === close) return out;
      const key = text[i] === '"' ? quoted() : bareWord();
      skip(false);
      if (text[i] === ':' || text[i] === '=') i++;
      out[key] = value();
    }
  };
  return map(undefined);
}
