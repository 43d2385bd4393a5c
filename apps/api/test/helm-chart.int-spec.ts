import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV_BINDINGS } from '@one-api/server-config';
import { helm, K8sObject, parseManifests, unknownFields, validateSchema } from './k8s-tools';

const ROOT = resolve(__dirname, '../../..');
const CHART = 'k8s/one-api';
const KUBE_VERSION = '1.29.0';
const KNOWN_ENV = new Set<string>(ENV_BINDINGS.map(([name]) => name));

function render(args: string[] = []): K8sObject[] {
  const res = helm(['template', 'gw', CHART, '--namespace', 'llm', '--kube-version', KUBE_VERSION, ...args]);
  if (res.status !== 0) throw new Error(`helm template failed: ${res.stderr}`);
  return parseManifests(res.stdout);
}

function renderError(args: string[]): string {
  const res = helm(['template', 'gw', CHART, '--kube-version', KUBE_VERSION, ...args]);
  expect(res.status).not.toBe(0);
  return res.stderr;
}

const find = (objects: K8sObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(
      `${kind} ${name} not rendered; got ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`,
    );
  return o;
};
const container = (d: K8sObject) => d.spec.template.spec.containers[0];
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Checks shared by every rendering: schema-valid objects, no unknown fields, env wiring resolvable in the release. */
function checkAll(objects: K8sObject[]): void {
  for (const o of objects) {
    expect(() => validateSchema(o)).not.toThrow();
    expect([`${o.kind}/${o.metadata.name}`, unknownFields(o)]).toEqual([`${o.kind}/${o.metadata.name}`, []]);
    expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe('gw');
  }
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
  const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, o]));
  for (const cm of configMaps.values())
    for (const key of Object.keys(cm.data ?? {})) expect([key, KNOWN_ENV.has(key)]).toEqual([key, true]);
  for (const s of secrets.values())
    for (const key of Object.keys(s.stringData ?? {})) expect([key, KNOWN_ENV.has(key)]).toEqual([key, true]);

  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const pod = d.spec.template;
    // the selector picks exactly this Deployment's pods
    expect(selects(d.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    for (const c of pod.spec.containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      });
      expect(c.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.resources.limits).toMatchObject({ memory: expect.anything() });
      expect(c.image).toMatch(/:.+$/);
      for (const ref of c.envFrom ?? []) {
        // the chart's own ConfigMap/Secret exist in the release; other names are the user's existing Secrets
        if (ref.configMapRef) expect(configMaps.has(ref.configMapRef.name)).toBe(true);
      }
      for (const e of c.env ?? []) expect([e.name, KNOWN_ENV.has(e.name)]).toEqual([e.name, true]);
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe].filter(Boolean)) {
        // probes hit a named port the container declares
        expect(c.ports.map((p: { name: string }) => p.name)).toContain(probe.httpGet.port);
      }
      const volumes = new Set(pod.spec.volumes?.map((v: { name: string }) => v.name) ?? []);
      for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name)).toBe(true);
    }
  }
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const pods = objects.filter(
      (o) => o.kind === 'Deployment' && selects(s.spec.selector, o.spec.template.metadata.labels),
    );
    expect(pods).toHaveLength(1);
    const ports = container(pods[0]).ports.map((p: { name: string }) => p.name);
    for (const p of s.spec.ports) expect(ports).toContain(p.targetPort);
  }
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const targets = objects.filter(
      (o) =>
        o.kind === 'Deployment' && selects(pdb.spec.selector.matchLabels, o.spec.template.metadata.labels),
    );
    expect(targets).toHaveLength(1);
    const hpa = objects.find(
      (o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === targets[0].metadata.name,
    );
    const floor = hpa ? hpa.spec.minReplicas : targets[0].spec.replicas;
    expect(pdb.spec.minAvailable).toBeLessThan(floor);
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of ing.spec.rules) {
      for (const path of rule.http.paths) {
        const svc = find(objects, 'Service', path.backend.service.name);
        expect(svc.spec.ports.map((p: { name: string }) => p.name)).toContain(path.backend.service.port.name);
      }
    }
  }
}

describe('Helm chart k8s/one-api', () => {
  it('passes helm lint --strict with the default and the production values', () => {
    for (const args of [[], ['-f', `${CHART}/values-production.yaml`]]) {
      const res = helm(['lint', CHART, '--strict', ...args]);
      expect([res.status, res.stdout + res.stderr]).toEqual([
        0,
        expect.stringContaining('0 chart(s) failed'),
      ]);
    }
  });

  describe('default values: one API replica on SQLite', () => {
    const objects = render();

    it('renders only the API with its volume, every object valid against the Kubernetes schemas', () => {
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/gw-one-api',
        'Deployment/gw-one-api-api',
        'PersistentVolumeClaim/gw-one-api-data',
        'Secret/gw-one-api',
        'Service/gw-one-api',
        'ServiceAccount/gw-one-api',
      ]);
      checkAll(objects);
    });

    it('runs the image CMD with probes on /api/status and the SQLite file on the claim', () => {
      const dockerCmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8'))![1];
      const api = find(objects, 'Deployment', 'gw-one-api-api');
      const c = container(api);
      expect(c.command).toEqual(JSON.parse(dockerCmd));
      expect(api.spec.replicas).toBe(1);
      expect(api.spec.strategy.type).toBe('Recreate');
      expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
      expect(c.env).toEqual([
        { name: 'PORT', value: '3000' },
        { name: 'SHUTDOWN_TIMEOUT_SEC', value: '50' },
      ]);
      expect(api.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(c[probe].httpGet).toEqual({ path: '/api/status', port: 'http' });
      }
      expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(120);
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
      expect(c.envFrom).toEqual([
        { configMapRef: { name: 'gw-one-api' } },
        { secretRef: { name: 'gw-one-api' } },
      ]);
      expect(find(objects, 'ConfigMap', 'gw-one-api').data).toMatchObject({
        SQLITE_PATH: '/data/one-api.db',
        HOST: '0.0.0.0',
      });
      expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
      expect(api.spec.template.spec.volumes).toContainEqual({
        name: 'data',
        persistentVolumeClaim: { claimName: 'gw-one-api-data' },
      });
      expect(find(objects, 'PersistentVolumeClaim', 'gw-one-api-data').metadata.annotations).toEqual({
        'helm.sh/resource-policy': 'keep',
      });
      // a generated session secret, and config/secret checksums that roll the pods when either changes
      expect(find(objects, 'Secret', 'gw-one-api').stringData.SESSION_SECRET).toMatch(/^[A-Za-z0-9]{48}$/);
      expect(api.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
      const changed = find(render(['--set', 'config.SYNC_FREQUENCY=30']), 'Deployment', 'gw-one-api-api');
      expect(changed.spec.template.metadata.annotations['checksum/config']).not.toBe(
        api.spec.template.metadata.annotations['checksum/config'],
      );
    });
  });

  describe('production values: external PostgreSQL and Redis, autoscaled API, worker, admin, ingress', () => {
    const objects = render(['-f', `${CHART}/values-production.yaml`]);

    it('renders every component, every object valid against the Kubernetes schemas', () => {
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/gw-one-api',
        'Deployment/gw-one-api-admin',
        'Deployment/gw-one-api-api',
        'Deployment/gw-one-api-worker',
        'HorizontalPodAutoscaler/gw-one-api-api',
        'Ingress/gw-one-api',
        'PodDisruptionBudget/gw-one-api-admin',
        'PodDisruptionBudget/gw-one-api-api',
        'PodDisruptionBudget/gw-one-api-worker',
        'Secret/gw-one-api',
        'Service/gw-one-api',
        'Service/gw-one-api-admin',
        'ServiceAccount/gw-one-api',
      ]);
      checkAll(objects);
    });

    it('wires the database and Redis from existing Secrets into the API and the worker', () => {
      const api = find(objects, 'Deployment', 'gw-one-api-api');
      const worker = find(objects, 'Deployment', 'gw-one-api-worker');
      const fromSecrets = [
        { name: 'SQL_DSN', valueFrom: { secretKeyRef: { name: 'one-api-database', key: 'SQL_DSN' } } },
        {
          name: 'REDIS_CONN_STRING',
          valueFrom: { secretKeyRef: { name: 'one-api-redis', key: 'REDIS_CONN_STRING' } },
        },
      ];
      // the worker runs the jobs: the API hands them over through Redis
      expect(container(api).env).toEqual([
        { name: 'PORT', value: '3000' },
        { name: 'SHUTDOWN_TIMEOUT_SEC', value: '110' },
        { name: 'RUN_WORKER_IN_API', value: 'false' },
        ...fromSecrets,
      ]);
      expect(container(worker).env).toEqual([{ name: 'SHUTDOWN_TIMEOUT_SEC', value: '25' }, ...fromSecrets]);
      for (const d of [api, worker]) {
        expect(container(d).envFrom).toEqual([
          { configMapRef: { name: 'gw-one-api' } },
          { secretRef: { name: 'gw-one-api' } },
          { secretRef: { name: 'one-api-secrets' } },
        ]);
        expect(d.spec.template.spec.volumes).not.toContainEqual(
          expect.objectContaining({ persistentVolumeClaim: expect.anything() }),
        );
      }
      const config = find(objects, 'ConfigMap', 'gw-one-api').data;
      expect(config.SQLITE_PATH).toBeUndefined();
      expect(config).toMatchObject({ SQL_MAX_OPEN_CONNS: '50', ENABLE_COOKIE_SECURE: 'true' });
      // the session secret comes from the user's Secret, not generated
      expect(find(objects, 'Secret', 'gw-one-api').stringData).toEqual({});
      expect(container(worker).command).toEqual(['node', 'apps/worker/dist/main.js']);
    });

    it('autoscales the API (no fixed replica count), keeps two up during disruptions, rolls without downtime', () => {
      const api = find(objects, 'Deployment', 'gw-one-api-api');
      expect(api.spec.replicas).toBeUndefined();
      expect(api.spec.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' },
      });
      const hpa = find(objects, 'HorizontalPodAutoscaler', 'gw-one-api-api');
      expect(hpa.spec).toMatchObject({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gw-one-api-api' },
        minReplicas: 3,
        maxReplicas: 20,
      });
      expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu', 'memory']);
      expect(find(objects, 'PodDisruptionBudget', 'gw-one-api-api').spec.minAvailable).toBe(2);
      expect(container(api).resources).toEqual({
        requests: { cpu: '500m', memory: '512Mi' },
        limits: { memory: '2Gi' },
      });
      expect(api.spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    });

    it('serves the admin app on its own and routes /api, /v1 and /dashboard to the API', () => {
      const admin = find(objects, 'Deployment', 'gw-one-api-admin');
      const c = container(admin);
      expect(c.command).toEqual(['node', 'tools/scripts/serve-admin.mjs']);
      expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      const ingress = find(objects, 'Ingress', 'gw-one-api');
      expect(ingress.spec.tls).toEqual([{ secretName: 'one-api-tls', hosts: ['one-api.example.com'] }]);
      const routes = Object.fromEntries(
        ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]),
      );
      expect(routes).toEqual({
        '/api': 'gw-one-api',
        '/v1': 'gw-one-api',
        '/dashboard': 'gw-one-api',
        '/': 'gw-one-api-admin',
      });
    });
  });

  it('puts a given DSN and Redis URL in the chart Secret', () => {
    const objects = render([
      '--set',
      'database.dsn=postgres://u:p@pg:5432/oneapi',
      '--set',
      'redis.url=redis://redis:6379',
      '--set',
      'api.replicaCount=2',
      '--set',
      'worker.enabled=true',
      '--set',
      'secretEnv.INITIAL_ROOT_TOKEN=abc',
    ]);
    checkAll(objects);
    expect(find(objects, 'Secret', 'gw-one-api').stringData).toMatchObject({
      SQL_DSN: 'postgres://u:p@pg:5432/oneapi',
      REDIS_CONN_STRING: 'redis://redis:6379',
      INITIAL_ROOT_TOKEN: 'abc',
    });
    expect(container(find(objects, 'Deployment', 'gw-one-api-api')).env).toEqual([
      { name: 'PORT', value: '3000' },
      { name: 'SHUTDOWN_TIMEOUT_SEC', value: '50' },
      { name: 'RUN_WORKER_IN_API', value: 'false' },
    ]);
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
  });

  it('refuses settings that cannot work', () => {
    expect(renderError(['--set', 'api.replicaCount=3'])).toMatch(/SQLite .* supports one API replica only/);
    expect(renderError(['--set', 'worker.enabled=true'])).toMatch(
      /worker.enabled needs an external database/,
    );
    expect(renderError(['-f', `${CHART}/values-production.yaml`, '--set', 'api.pdb.minAvailable=3'])).toMatch(
      /api.pdb.minAvailable \(3\) must be below the API's minimum replica count \(3\)/,
    );
    expect(renderError(['--set', 'database.dsn=x', '--set', 'database.existingSecret=y'])).toMatch(
      /not both/,
    );
  });
});
