/**
 * deploy/k8s, checked offline: both overlays rendered by kubectl's kustomize, every
 * object validated against the Kubernetes API schemas, then what the services need
 * from them, read from the services' own config schemas, health controllers,
 * docker-compose.yml and the Dockerfile; the NetworkPolicies evaluated; the NATS
 * chart's values against deploy/nats/nats-server.conf; the CloudNativePG cluster
 * against the database URLs.
 *
 *   npx jest -c tools/jest.config.js k8s
 *
 * Needs kubectl (Debian's kubernetes-client, or $KUBECTL) and, for the stream's
 * init container, the local NATS with JetStream ($NATS_URL, default 127.0.0.1:4222).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Type } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { connect, NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { HealthController, loadConfig, READINESS_CHECKS } from '@gatehouse/platform';
// The manifests must match what the services read: their schemas and controllers are the source of truth.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { authEnvSchema } from '../../apps/auth/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { gatewayEnvSchema } from '../../apps/gateway/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { GatewayHealthController } from '../../apps/gateway/src/http/health.controller';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { identityEnvSchema } from '../../apps/identity/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { auditEnvSchema } from '../../apps/audit/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { policyEnvSchema } from '../../apps/policy/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { portalEnvSchema } from '../../apps/portal/src/config';
import { environmentOf, parseDockerfile, readCompose, repoPath } from '../compose/support';
import { SERVICES, ServiceSpec } from '@gatehouse/supervisor';
import {
  allContainers,
  allowed,
  Container,
  containerEnv,
  dependentVariables,
  Endpoint,
  K8sObject,
  parseNatsConf,
  parseYamlDocuments,
  podSpecOf,
  probePort,
  renderKustomization,
  resolveEnv,
  selects,
  validateModels,
} from './support';

const APP_SCHEMAS: Record<string, z.ZodObject<z.ZodRawShape>> = {
  audit: auditEnvSchema,
  auth: authEnvSchema,
  gateway: gatewayEnvSchema,
  identity: identityEnvSchema,
  policy: policyEnvSchema,
  portal: portalEnvSchema,
};
const APPS = Object.keys(APP_SCHEMAS);
/** The health controller each app serves, and the class name its module registers. */
const HEALTH_CONTROLLERS: Record<string, Type> = {
  audit: HealthController,
  auth: HealthController,
  identity: HealthController,
  policy: HealthController,
  gateway: GatewayHealthController,
  portal: HealthController,
};
const OVERLAYS = ['dev', 'prod'];
const NATS_CONF = parseNatsConf(readFileSync(repoPath('deploy/nats/nats-server.conf'), 'utf8'));
const NATS_VALUES = parseYaml(readFileSync(repoPath('deploy/k8s/nats/values.yaml'), 'utf8'));
const PG_OBJECTS = parseYamlDocuments(readFileSync(repoPath('deploy/k8s/postgres/cluster.yaml'), 'utf8'));
const PG_CLUSTER = PG_OBJECTS.find((o) => o.kind === 'Cluster') as K8sObject;
const compose = readCompose();
const dockerStages = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));

/** The variables a schema requires: those without a default. */
const requiredVars = (schema: z.ZodObject<z.ZodRawShape>): string[] =>
  Object.keys(schema.shape).filter((k) => !(schema.shape[k] as z.ZodType).safeParse(undefined).success);
const spec = (app: string) => SERVICES.find((s) => s.name === app) as ServiceSpec;
/** Stand-in secret values, shaped as the real ones must be. */
const KEK = randomBytes(32).toString('base64');
const secretValue = (_secret: string, key: string): string =>
  key === 'key-encryption-key' ? KEK : key === 'csrf-key' ? randomBytes(32).toString('base64url') : `p${randomBytes(12).toString('hex')}`;

interface Rendered {
  objects: K8sObject[];
  namespace: string;
  of: (kind: string, name: string) => K8sObject;
  kinds: (kind: string) => K8sObject[];
  app: (name: string) => Container;
  env: (name: string) => Record<string, string>;
}

const rendered: Record<string, Rendered> = {};

beforeAll(async () => {
  for (const overlay of OVERLAYS) {
    const objects = await renderKustomization(repoPath('deploy/k8s/overlays', overlay));
    const kinds = (kind: string) => objects.filter((o) => o.kind === kind);
    const of = (kind: string, name: string) => {
      const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
      if (!found) throw new Error(`${overlay}: no ${kind} ${name}`);
      return found;
    };
    const app = (name: string) => {
      const c = (podSpecOf(of('Deployment', name)).containers as Container[]).find((x) => x.name === name);
      if (!c) throw new Error(`${overlay}: Deployment ${name} has no container named ${name}`);
      return c;
    };
    const namespace = objects[0]?.metadata.namespace ?? '';
    rendered[overlay] = { objects, namespace, of, kinds, app, env: (name) => resolveEnv(app(name), objects, secretValue) };
  }
}, 60_000);

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const r = () => rendered[overlay];

  describe('objects', () => {
    it('renders into one namespace, with a Deployment, Service, HPA (autoscaling/v2) and PDB per service, and an Ingress', () => {
      const { objects, namespace } = r();
      expect(namespace).not.toBe('');
      expect(objects.filter((o) => o.metadata.namespace !== namespace).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
      for (const app of APPS) {
        for (const [apiVersion, kind] of [
          ['apps/v1', 'Deployment'],
          ['v1', 'Service'],
          ['autoscaling/v2', 'HorizontalPodAutoscaler'],
          ['policy/v1', 'PodDisruptionBudget'],
        ]) {
          expect({ app, kind, apiVersion: r().of(kind, app).apiVersion }).toEqual({ app, kind, apiVersion });
        }
      }
      expect(r().kinds('Ingress').map((o) => o.metadata.name)).toEqual(['gateway', 'portal']);
      expect(r().kinds('NetworkPolicy').length).toBeGreaterThan(0);
    });

    it('validates every object against the Kubernetes API schemas, and knows every kind', async () => {
      const results = await validateModels(r().objects);
      expect(results).toHaveLength(r().objects.length);
      expect(results.filter((x) => !x.known || x.errors).map((x) => `${x.apiVersion} ${x.kind}/${x.name}: ${x.known ? x.errors : 'unknown kind'}`)).toEqual([]);
    });

    it('holds no Secret: secrets are created out of band and only referenced', () => {
      expect(r().kinds('Secret')).toEqual([]);
      for (const d of r().kinds('Deployment')) {
        for (const c of allContainers(d)) {
          for (const [name, source] of containerEnv(c, r().objects)) {
            if (/PASSWORD|SECRET|ENCRYPTION_KEY|TOKEN/.test(name)) {
              expect({ deployment: d.metadata.name, name, from: source.from }).toEqual({ deployment: d.metadata.name, name, from: 'secret' });
            }
          }
        }
      }
    });
  });

  describe.each(APPS)('%s', (app) => {
    const schema = APP_SCHEMAS[app];
    const composeEnv = environmentOf(compose.services[app]);

    it("sets every variable the service's schema requires, and every one docker-compose.yml sets", () => {
      const names = [...containerEnv(r().app(app), r().objects).keys()];
      expect(requiredVars(schema).filter((k) => !names.includes(k))).toEqual([]);
      expect(Object.keys(composeEnv).filter((k) => !names.includes(k))).toEqual([]);
    });

    it('sets only variables the schema knows, besides those used only to build another ($(NAME))', () => {
      const sources = containerEnv(r().app(app), r().objects);
      const known = Object.keys(schema.shape);
      const helpers = new Set([...sources.values()].flatMap((s) => (s.from === 'value' ? dependentVariables(s.value) : [])));
      expect([...sources.keys()].filter((k) => !known.includes(k) && !helpers.has(k))).toEqual([]);
      for (const h of helpers) expect({ helper: h, defined: sources.has(h) }).toEqual({ helper: h, defined: true });
    });

    it('passes the service’s own config validation once the secrets are filled in', () => {
      expect(() => loadConfig(schema, r().env(app))).not.toThrow();
    });

    it('uses the image of the Dockerfile target docker-compose.yml builds it from', () => {
      const image = r().app(app).image;
      const repo = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
      const build = compose.services[app].build;
      const target = typeof build === 'object' ? build.target : undefined;
      expect(target).toBe(app);
      expect(dockerStages.map((s) => s.name)).toContain(target);
      expect(repo.split('/').pop()).toBe(`gatehouse-${target}`);
      const composeImage = compose.services[app].image;
      if (composeImage) expect(repo.split('/').pop()).toBe(composeImage.replace(/:[^/:]+$/, '').split('/').pop());
    });

    it('listens on every interface, on the container port docker-compose.yml and the Dockerfile use', () => {
      const { hostVar, portVar } = spec(app).health;
      const env = r().env(app);
      expect(env[hostVar]).toBe('0.0.0.0');
      const port = Number(env[portVar]);
      expect(port).toBe(Number(composeEnv[portVar]));
      const expose = dockerStages.find((s) => s.name === app)?.instructions.find((i) => i.keyword === 'EXPOSE')?.args;
      expect(expose?.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, '')))).toContain(port);
      expect((r().app(app).ports ?? []).map((p) => p.containerPort)).toEqual([port]);
    });

    it('probes (startup, liveness, readiness) health paths the service serves, on its port and scheme', async () => {
      const c = r().app(app);
      const { portVar, scheme } = spec(app).health;
      const port = Number(r().env(app)[portVar]);
      const paths: string[] = [];
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
        const probe = c[kind]?.httpGet;
        expect({ kind, httpGet: probe !== undefined }).toEqual({ kind, httpGet: true });
        if (!probe) continue;
        expect({ kind, port: probePort(c, probe.port) }).toEqual({ kind, port });
        expect({ kind, scheme: (probe.scheme ?? 'HTTP').toLowerCase() }).toEqual({ kind, scheme });
        paths.push(probe.path);
      }
      expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(c.livenessProbe?.httpGet?.path).toBe('/health');
      const served = await statusOf(HEALTH_CONTROLLERS[app], paths);
      expect(served).toEqual(Object.fromEntries(paths.map((p) => [p, 200])));
    });

    it('Service, HPA and PDB select and target this Deployment', () => {
      const d = r().of('Deployment', app);
      const podLabels = d.spec.template.metadata.labels;
      expect(selects(d.spec.selector, podLabels)).toBe(true);
      const svc = r().of('Service', app);
      expect(selects({ matchLabels: svc.spec.selector }, podLabels)).toBe(true);
      const portNames = (r().app(app).ports ?? []).map((p) => p.name);
      for (const p of svc.spec.ports) expect(portNames).toContain(p.targetPort);
      // The HPA owns the replica count: a `replicas` in the Deployment would be reset by every apply.
      expect(d.spec.replicas).toBeUndefined();
      const hpa = r().of('HorizontalPodAutoscaler', app);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
      expect(hpa.spec.metrics.map((m: any) => m.resource?.name)).toContain('cpu');
      const pdb = r().of('PodDisruptionBudget', app);
      expect(selects(pdb.spec.selector, podLabels)).toBe(true);
      // One pod may always go (a node drain never blocks, even at one replica).
      expect(pdb.spec.maxUnavailable).toBe(1);
    });
  });

  describe('every container (init containers too)', () => {
    const containers = () => r().kinds('Deployment').flatMap((d) => allContainers(d).map((c) => ({ d, c })));

    it('runs non-root, read-only, without privilege escalation or capabilities, under RuntimeDefault seccomp', () => {
      expect(containers().length).toBeGreaterThan(APPS.length); // identity's init container is among them
      for (const { d, c } of containers()) {
        const pod = podSpecOf(d).securityContext ?? {};
        const sc = c.securityContext ?? {};
        const where = `${d.metadata.name}/${c.name}`;
        expect({ where, runAsNonRoot: sc.runAsNonRoot ?? pod.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        // The image's user is a name (`node`): runAsNonRoot can only be checked against a numeric uid.
        expect({ where, uid: sc.runAsUser ?? pod.runAsUser }).toEqual({ where, uid: expect.any(Number) });
        expect(sc.runAsUser ?? pod.runAsUser).toBeGreaterThan(0);
        expect({ where, readOnlyRootFilesystem: sc.readOnlyRootFilesystem }).toEqual({ where, readOnlyRootFilesystem: true });
        expect({ where, allowPrivilegeEscalation: sc.allowPrivilegeEscalation }).toEqual({ where, allowPrivilegeEscalation: false });
        expect({ where, drop: sc.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
        expect({ where, add: sc.capabilities?.add }).toEqual({ where, add: undefined });
        expect({ where, privileged: sc.privileged }).not.toEqual({ where, privileged: true });
        expect({ where, seccomp: (sc.seccompProfile ?? pod.seccompProfile)?.type }).toEqual({ where, seccomp: 'RuntimeDefault' });
      }
    });

    it('has CPU and memory requests and limits, requests within limits', () => {
      const quantity = (q: string): number => {
        const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(q));
        if (!m) throw new Error(`unreadable quantity ${q}`);
        const unit = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] as 'm'] ?? 1;
        return Number(m[1]) * unit;
      };
      for (const { d, c } of containers()) {
        const where = `${d.metadata.name}/${c.name}`;
        for (const r of ['cpu', 'memory']) {
          const request = c.resources?.requests?.[r];
          const limit = c.resources?.limits?.[r];
          expect({ where, r, request: request !== undefined, limit: limit !== undefined }).toEqual({ where, r, request: true, limit: true });
          if (request && limit) expect(quantity(request)).toBeLessThanOrEqual(quantity(limit));
        }
      }
    });

    it('writes only to an emptyDir /tmp, mounted read-only where it is a Secret', () => {
      for (const d of r().kinds('Deployment')) {
        const volumes = podSpecOf(d).volumes ?? [];
        for (const c of allContainers(d)) {
          for (const m of c.volumeMounts ?? []) {
            const v = volumes.find((x: any) => x.name === m.name);
            if (v?.secret) expect({ mount: m.mountPath, readOnly: m.readOnly }).toEqual({ mount: m.mountPath, readOnly: true });
            else expect({ mount: m.mountPath, emptyDir: v?.emptyDir !== undefined }).toEqual({ mount: '/tmp', emptyDir: true });
          }
        }
      }
    });
  });

  describe('the gateway', () => {
    it('reads its certificate and key from the TLS Secret, mounted read-only', () => {
      const env = r().env('gateway');
      const d = r().of('Deployment', 'gateway');
      const c = r().app('gateway');
      for (const [file, key] of [
        [env.GATEWAY_TLS_CERT_FILE, 'tls.crt'],
        [env.GATEWAY_TLS_KEY_FILE, 'tls.key'],
      ]) {
        const mount = (c.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
        expect(mount?.readOnly).toBe(true);
        const volume = podSpecOf(d).volumes.find((v: any) => v.name === mount?.name);
        expect(volume?.secret?.secretName).toBe('gatehouse-gateway-tls');
        expect(file.slice((mount?.mountPath.length ?? 0) + 1)).toBe(key);
      }
    });

    it('is published by an Ingress in TLS passthrough, for the host the issuer names', () => {
      const ingress = r().of('Ingress', 'gateway');
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/ssl-passthrough']).toBe('true');
      const issuer = new URL(r().env('gateway').GATEWAY_ISSUER);
      expect(r().env('auth').AUTH_ISSUER).toBe(r().env('gateway').GATEWAY_ISSUER);
      expect(ingress.spec.rules.map((x: any) => x.host)).toEqual([issuer.hostname]);
      expect(issuer.protocol).toBe('https:');
      expect(issuer.port).toBe('');
      const backend = ingress.spec.rules[0].http.paths[0].backend.service;
      expect(backend.name).toBe('gateway');
      const svcPort = r()
        .of('Service', 'gateway')
        .spec.ports.find((p: any) => p.name === backend.port.name || p.port === backend.port.number);
      expect(probePort(r().app('gateway'), svcPort.targetPort)).toBe(Number(r().env('gateway').GATEWAY_PORT));
    });
  });

  describe('the portal', () => {
    it('reads its certificate and key from its TLS Secret, its CSRF key from its Secret, and shows the gateway\'s public URL', () => {
      const env = r().env('portal');
      const d = r().of('Deployment', 'portal');
      const c = r().app('portal');
      for (const [file, key] of [
        [env.PORTAL_TLS_CERT_FILE, 'tls.crt'],
        [env.PORTAL_TLS_KEY_FILE, 'tls.key'],
      ]) {
        const mount = (c.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
        expect(mount?.readOnly).toBe(true);
        const volume = podSpecOf(d).volumes.find((v: any) => v.name === mount?.name);
        expect(volume?.secret?.secretName).toBe('gatehouse-portal-tls');
        expect(file.slice((mount?.mountPath.length ?? 0) + 1)).toBe(key);
      }
      expect(containerEnv(c, r().objects).get('PORTAL_CSRF_KEY')).toMatchObject({ from: 'secret' });
      expect(env.PORTAL_API_URL).toBe(r().env('gateway').GATEWAY_ISSUER);
    });

    it('is published by an Ingress in TLS passthrough, on a host of its own', () => {
      const ingress = r().of('Ingress', 'portal');
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/ssl-passthrough']).toBe('true');
      const hosts = ingress.spec.rules.map((x: any) => x.host);
      expect(hosts).toHaveLength(1);
      expect(hosts[0]).not.toBe(new URL(r().env('gateway').GATEWAY_ISSUER).hostname);
      const backend = ingress.spec.rules[0].http.paths[0].backend.service;
      expect(backend.name).toBe('portal');
      const svcPort = r()
        .of('Service', 'portal')
        .spec.ports.find((p: any) => p.name === backend.port.name || p.port === backend.port.number);
      expect(probePort(r().app('portal'), svcPort.targetPort)).toBe(Number(r().env('portal').PORTAL_PORT));
    });
  });

  describe('PostgreSQL (deploy/k8s/postgres)', () => {
    it.each(['auth', 'identity'])('%s connects to the CloudNativePG primary, as the owner of its database, with the role’s Secret and its CA', (app) => {
      const urlVar = `${app.toUpperCase()}_DATABASE_URL`;
      const url = new URL(r().env(app)[urlVar]);
      expect(url.hostname).toBe(`${PG_CLUSTER.metadata.name}-rw`);
      const database = url.pathname.slice(1);
      const db = PG_OBJECTS.find((o) => o.kind === 'Database' && o.spec.name === database);
      expect(db?.spec.cluster.name).toBe(PG_CLUSTER.metadata.name);
      expect(decodeURIComponent(url.username)).toBe(db?.spec.owner);
      const role = PG_CLUSTER.spec.managed.roles.find((x: any) => x.name === db?.spec.owner);
      const sources = containerEnv(r().app(app), r().objects);
      const passwordRef = (url.password && dependentVariables(decodeURIComponent(containerEnvRaw(r().app(app), urlVar)))[0]) || '';
      const source = sources.get(passwordRef);
      expect(source).toEqual({ from: 'secret', secret: role.passwordSecret.name, key: 'password' });
      expect(url.searchParams.get('sslmode')).toBe('verify-full');
      const ca = url.searchParams.get('sslrootcert') ?? '';
      const mount = (r().app(app).volumeMounts ?? []).find((m) => ca.startsWith(`${m.mountPath}/`));
      const volume = podSpecOf(r().of('Deployment', app)).volumes.find((v: any) => v.name === mount?.name);
      // The CA's certificate only, never its key.
      expect(volume?.secret).toEqual({ secretName: `${PG_CLUSTER.metadata.name}-ca`, defaultMode: expect.any(Number), items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    });

    it('has a primary and at least one standby, and the database of every service that has one', () => {
      expect(PG_CLUSTER.apiVersion).toBe('postgresql.cnpg.io/v1');
      expect(PG_CLUSTER.spec.instances).toBeGreaterThanOrEqual(2);
      const names = PG_OBJECTS.filter((o) => o.kind === 'Database').map((o) => o.spec.name);
      expect(names.sort()).toEqual(['gatehouse_audit', 'gatehouse_auth', 'gatehouse_identity']);
      expect(PG_CLUSTER.spec.bootstrap.initdb.encoding).toBe('UTF8');
    });
  });

  describe('NATS', () => {
    const confUsers = (NATS_CONF.authorization as any).users as any[];

    it.each(APPS)('%s logs in as its own NATS user with the password the server reads for that user', (app) => {
      const env = containerEnv(r().app(app), r().objects);
      const user = env.get('NATS_USER');
      expect(user?.from === 'configMap' && user.value).toBe(app);
      const serverVar = confUsers.find((u) => u.user === app)?.password?.variable as string;
      expect(serverVar).toBe(`NATS_${app.toUpperCase()}_PASSWORD`);
      const serverRef = NATS_VALUES.container.env[serverVar]?.valueFrom?.secretKeyRef;
      expect(env.get('NATS_PASSWORD')).toEqual({ from: 'secret', secret: serverRef?.name, key: serverRef?.key });
      expect(new URL(r().env(app).NATS_URL).hostname).toBe('nats');
      expect(r().env(app).NATS_SUBJECT_PREFIX ?? '').toBe('');
    });

    it('identity’s init container makes the event stream with as many replicas as NATS has servers', () => {
      const init = podSpecOf(r().of('Deployment', 'identity')).initContainers as Container[];
      expect(init.map((c) => c.name)).toEqual(['identity-events-stream']);
      expect(init[0].image).toBe(r().app('identity').image);
      const env = resolveEnv(init[0], r().objects, secretValue);
      expect(Number(env.STREAM_REPLICAS)).toBe(NATS_VALUES.config.cluster.replicas);
      expect(env.NATS_USER).toBe('identity');
    });
  });

  describe('NetworkPolicies', () => {
    const pods = () => {
      const ns = r().namespace;
      const appPod = (name: string): Endpoint => {
        const d = r().of('Deployment', name);
        const ports = Object.fromEntries((r().app(name).ports ?? []).map((p) => [p.name ?? '', p.containerPort]));
        return { name, namespace: ns, labels: d.spec.template.metadata.labels, ports };
      };
      return {
        gateway: appPod('gateway'),
        audit: appPod('audit'),
        auth: appPod('auth'),
        identity: appPod('identity'),
        policy: appPod('policy'),
        portal: appPod('portal'),
        // As the NATS chart (release `nats`) and CloudNativePG label their pods.
        nats: { name: 'nats', namespace: ns, labels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'nats', 'app.kubernetes.io/component': 'nats' } },
        postgres: { name: 'postgres', namespace: ns, labels: { 'cnpg.io/cluster': PG_CLUSTER.metadata.name, 'cnpg.io/instanceRole': 'primary' } },
        ingressController: { name: 'ingress-nginx', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
        dns: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
        neighbour: { name: 'some pod beside them', namespace: ns, labels: { app: 'other' } },
        elsewhere: { name: 'a pod of another namespace', namespace: 'other', labels: { 'app.kubernetes.io/name': 'gateway' } },
        internet: { name: 'an address outside the cluster' },
      } satisfies Record<string, Endpoint>;
    };
    const policies = () => r().kinds('NetworkPolicy');
    const can = (from: Endpoint, to: Endpoint, port: number, protocol = 'TCP') => allowed(policies(), from, to, port, protocol);

    it('(the evaluator: with no policy, everything is open; so the checks below can fail)', () => {
      const p = pods();
      expect(allowed([], p.neighbour, p.gateway, 8443)).toBe(true);
      expect(allowed([], p.gateway, p.postgres, 5432)).toBe(true);
      expect(can(p.neighbour, p.gateway, 8443)).toBe(false);
    });

    it('only the ingress controller reaches the portal', () => {
      const p = pods();
      expect(can(p.ingressController, p.portal, 8444)).toBe(true);
      for (const from of [p.neighbour, p.elsewhere, p.auth, p.identity, p.policy, p.gateway, p.nats, p.postgres]) {
        expect({ from: from.name, ok: can(from, p.portal, 8444) }).toEqual({ from: from.name, ok: false });
      }
    });

    it('only the ingress controller reaches the gateway', () => {
      const p = pods();
      expect(can(p.ingressController, p.gateway, 8443)).toBe(true);
      for (const from of [p.neighbour, p.elsewhere, p.auth, p.identity, p.policy, p.nats, p.postgres]) {
        expect({ from: from.name, ok: can(from, p.gateway, 8443) }).toEqual({ from: from.name, ok: false });
      }
      expect(can(p.ingressController, p.gateway, 8081)).toBe(false);
    });

    it('Prometheus (namespace monitoring) reaches every /metrics port, and never the gateway’s public port', () => {
      const p = pods();
      const prometheus: Endpoint = { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
      const elsewhere: Endpoint = { ...prometheus, namespace: 'other' };
      for (const [app, port] of [['auth', 8081], ['identity', 8082], ['policy', 8083], ['gateway', 9464], ['portal', 9465]] as const) {
        expect({ app, ok: can(prometheus, p[app], port) }).toEqual({ app, ok: true });
        expect({ app, ok: can(elsewhere, p[app], port) }).toEqual({ app, ok: false });
        expect({ app, ok: can(p.neighbour, p[app], port) }).toEqual({ app, ok: false });
      }
      expect(can(prometheus, p.gateway, 8443)).toBe(false);
      expect(can(prometheus, p.portal, 8444)).toBe(false);
      expect(Number(r().env('gateway').GATEWAY_METRICS_PORT)).toBe(9464);
      expect(Number(r().env('portal').PORTAL_METRICS_PORT)).toBe(9465);
    });

    it('nothing reaches auth, identity or policy (their API is NATS; their health port is the kubelet’s)', () => {
      const p = pods();
      for (const to of [p.auth, p.identity, p.policy]) {
        for (const from of [p.ingressController, p.gateway, p.neighbour, p.nats, p.auth, p.identity, p.policy]) {
          const port = Object.values(to.ports ?? {})[0];
          expect({ from: from.name, to: to.name, ok: can(from, to, port) }).toEqual({ from: from.name, to: to.name, ok: false });
        }
      }
    });

    it.each(APPS)('%s reaches NATS and DNS, PostgreSQL only if it is audit, auth or identity, and nothing else', (app) => {
      const p = pods();
      const me = p[app as 'auth'];
      expect(can(me, p.nats, 4222)).toBe(true);
      expect(can(me, p.dns, 53, 'UDP')).toBe(true);
      expect(can(me, p.dns, 53, 'TCP')).toBe(true);
      expect(can(me, p.postgres, 5432)).toBe(app === 'audit' || app === 'auth' || app === 'identity');
      for (const to of [p.internet, p.neighbour, p.elsewhere, p.ingressController]) {
        expect({ to: to.name, ok: can(me, to, 443) }).toEqual({ to: to.name, ok: false });
      }
      expect(can(me, p.nats, 8222)).toBe(false); // NATS monitoring: nobody
      expect(can(me, p.nats, 6222)).toBe(false); // NATS routes: its servers only
      for (const other of APPS.filter((a) => a !== app)) {
        const to = p[other as 'auth'];
        expect({ to: other, ok: can(me, to, Object.values(to.ports ?? {})[0]) }).toEqual({ to: other, ok: false });
      }
    });

    it('only audit, auth and identity reach PostgreSQL (besides its own instances and its operator)', () => {
      const p = pods();
      expect(can(p.audit, p.postgres, 5432)).toBe(true);
      expect(can(p.auth, p.postgres, 5432)).toBe(true);
      expect(can(p.identity, p.postgres, 5432)).toBe(true);
      for (const from of [p.gateway, p.policy, p.neighbour, p.elsewhere, p.nats, p.ingressController]) {
        expect({ from: from.name, ok: can(from, p.postgres, 5432) }).toEqual({ from: from.name, ok: false });
      }
      const standby = { ...p.postgres, name: 'standby', labels: { ...p.postgres.labels, 'cnpg.io/instanceRole': 'replica' } };
      expect(can(standby, p.postgres, 5432)).toBe(true);
      const operator: Endpoint = { name: 'cnpg operator', namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } };
      expect(can(operator, p.postgres, 8000)).toBe(true);
    });

    it('NATS is reached by the four services and its own servers only', () => {
      const p = pods();
      for (const from of [p.neighbour, p.elsewhere, p.ingressController, p.postgres]) {
        expect({ from: from.name, ok: can(from, p.nats, 4222) }).toEqual({ from: from.name, ok: false });
      }
      const peer = { ...p.nats, name: 'nats-1' };
      expect(can(peer, p.nats, 6222)).toBe(true);
    });
  });
});

describe('the NATS chart values (deploy/k8s/nats/values.yaml)', () => {
  const confUsers = (NATS_CONF.authorization as any).users as any[];
  const valueUsers = NATS_VALUES.config.merge.authorization.users as any[];
  /** A user's permissions as the conf file writes them, passwords as the variable they name. */
  const normalize = (u: any, password: string) => ({
    user: u.user,
    password,
    publish: u.permissions?.publish?.allow ?? [],
    subscribe: u.permissions?.subscribe?.allow ?? [],
    deny: [u.permissions?.publish?.deny, u.permissions?.subscribe?.deny],
    allow_responses: u.permissions?.allow_responses ?? false,
    otherKeys: Object.keys(u.permissions ?? {}).filter((k) => !['publish', 'subscribe', 'allow_responses'].includes(k)),
  });

  it('(the parser reads the conf file: seven users, one per service and the operator)', () => {
    expect(confUsers.map((u) => u.user).sort()).toEqual(['audit', 'auth', 'cli', 'gateway', 'identity', 'policy', 'portal']);
    expect(NATS_CONF.jetstream).toBe('enabled');
  });

  it('has the same users, passwords variables and permissions as deploy/nats/nats-server.conf', () => {
    const fromConf = confUsers.map((u) => normalize(u, `$${u.password.variable}`));
    const fromValues = valueUsers.map((u) => {
      const m = /^<< (\$[A-Z0-9_]+) >>$/.exec(u.password);
      return normalize(u, m ? m[1] : `(not a variable: ${u.password})`);
    });
    expect(fromValues).toEqual(fromConf);
    expect(Object.keys(NATS_VALUES.config.merge.authorization)).toEqual(['users']);
  });

  it('gives the server each password from a Secret, and no password in the file', () => {
    for (const u of confUsers) {
      const ref = NATS_VALUES.container.env[u.password.variable]?.valueFrom?.secretKeyRef;
      expect({ user: u.user, ref }).toEqual({ user: u.user, ref: { name: `gatehouse-${u.user}-secrets`, key: 'nats-password' } });
    }
  });

  it('runs a 3-server cluster with JetStream on file storage', () => {
    expect(NATS_VALUES.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(NATS_VALUES.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true } });
  });
});

describe('identity’s stream init container, run against the local NATS', () => {
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const prefix = `k8s${randomBytes(4).toString('hex')}.`;
  const stream = `${prefix.replace(/\./g, '_')}IDENTITY_EVENTS`;
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: natsUrl });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  const script = (): string => {
    const init = podSpecOf(rendered.prod.of('Deployment', 'identity')).initContainers[0] as Container;
    expect(init.command?.slice(0, 2)).toEqual(['node', '-e']);
    // The kubelet would expand $(NAME) in a command: the script must hold none.
    expect(dependentVariables(init.command?.[2] ?? '')).toEqual([]);
    return init.command?.[2] ?? '';
  };
  const runScript = (env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['-e', script()], { cwd: repoPath(), env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });

  it('creates the stream as identity’s outbox relay would, with the replicas asked; a second run leaves it', async () => {
    const env = { NATS_URL: natsUrl, NATS_SUBJECT_PREFIX: prefix, STREAM_REPLICAS: '1' }; // one local server
    const first = await runScript(env);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(first.stdout)).toEqual({ stream, created: true, replicas: 1 });
    const info = await (await nc.jetstreamManager()).streams.info(stream);
    // The settings identity's relay creates the stream with (apps/identity/src/outbox/outbox-relay.service.ts).
    const relay = readFileSync(repoPath('apps/identity/src/outbox/outbox-relay.service.ts'), 'utf8');
    // The relay's own arithmetic, e.g. `7 * 24 * 3600 * 1e9`.
    const setting = (key: string): number =>
      ((new RegExp(`${key}: ([0-9e* ]+),`).exec(relay) ?? [])[1] ?? 'NaN').split('*').reduce((product, factor) => product * Number(factor.trim()), 1);
    expect(info.config).toMatchObject({
      subjects: [`${prefix}identity.v1.events.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: setting('max_age'),
      duplicate_window: setting('duplicate_window'),
      num_replicas: 1,
    });
    expect(relay).toContain('storage: StorageType.File');
    expect(relay).toContain('retention: RetentionPolicy.Limits');
    const second = await runScript(env);
    expect(JSON.parse(second.stdout)).toEqual({ stream, exists: true, replicas: 1 });
  }, 30_000);

  it('fails, and says why, when NATS refuses (here: 3 replicas on one server)', async () => {
    const result = await runScript({ NATS_URL: natsUrl, NATS_SUBJECT_PREFIX: `x${prefix}`, STREAM_REPLICAS: '3' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^identity-events-stream: .*replicas/);
  }, 30_000);
});

describe('each app registers the health controller whose paths the probes use', () => {
  it.each(APPS)('%s', (app) => {
    const moduleSource = readFileSync(repoPath('apps', app, 'src', 'app.module.ts'), 'utf8');
    const name = HEALTH_CONTROLLERS[app].name;
    expect(new RegExp(`controllers: \\[[^\\]]*\\b${name}\\b`).test(moduleSource)).toBe(true);
  });

  it('(and a path no controller serves answers 404, so the probe check can fail)', async () => {
    expect(await statusOf(HealthController, ['/healthz', '/health/live'])).toEqual({ '/healthz': 404, '/health/live': 404 });
  });
});

/** The status each path answers in a Nest app made of this one health controller (no readiness checks). */
async function statusOf(controller: Type, paths: string[]): Promise<Record<string, number>> {
  const moduleRef = await Test.createTestingModule({ controllers: [controller], providers: [{ provide: READINESS_CHECKS, useValue: [] }] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const out: Record<string, number> = {};
    for (const path of paths) out[path] = (await app.inject({ method: 'GET', url: path })).statusCode;
    return out;
  } finally {
    await app.close();
  }
}

/** A variable's value as written in the manifest (before $(NAME) expansion). */
function containerEnvRaw(container: Container, name: string): string {
  return container.env?.find((e) => e.name === name)?.value ?? '';
}
