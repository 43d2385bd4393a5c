import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
/** Helm 3 as shipped inside the npm package @aws-cdk/asset-kubectl-v20 (a Lambda layer zip holding helm and kubectl). */
const LAYER_ZIP = join(ROOT, 'node_modules/@aws-cdk/asset-kubectl-v20/lib/layer.zip');
const HELM = join(ROOT, 'node_modules/.cache/one-api-helm/helm');

/** One stored or deflated entry of a zip file (no zip64: the layer is well below 4 GiB). */
function unzipEntry(zipFile: string, entry: string): Buffer {
  const zip = readFileSync(zipFile);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${zipFile}: not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory`);
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    if (name === entry) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${entry}: unsupported zip method ${method}`);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${entry} not found in ${zipFile}`);
}

/** The path of a working helm binary, unpacked once from the npm package. */
export function helmBinary(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the helm binary in @aws-cdk/asset-kubectl-v20 is linux/amd64 only (this is ${process.platform}/${process.arch})`,
    );
  }
  if (!existsSync(HELM)) {
    mkdirSync(dirname(HELM), { recursive: true });
    const tmp = `${HELM}.${process.pid}.tmp`;
    writeFileSync(tmp, unzipEntry(LAYER_ZIP, 'helm/helm'));
    chmodSync(tmp, 0o755);
    renameSync(tmp, HELM);
  }
  return HELM;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const home = join(ROOT, 'node_modules/.cache/one-api-helm/home');
  const res = spawnSync(helmBinary(), args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    },
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** The kubernetes-models class for an object (Kubernetes' own OpenAPI schemas, compiled to validators). */
function modelClass(o: K8sObject): { validate(): void } & (new (data: unknown) => { validate(): void }) {
  const path = `kubernetes-models/${o.apiVersion}/${o.kind}`;
  const mod = require(path) as Record<string, new (data: unknown) => { validate(): void }>;
  const cls = mod[o.kind];
  if (!cls) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return cls as never;
}

/** Validates against the Kubernetes schema: types, enums, required fields (kubernetes-models). */
export function validateSchema(o: K8sObject): void {
  const Model = modelClass(o);
  new Model(o).validate();
}

// The schemas allow unknown fields (Kubernetes ignores them, a typo silently disables a probe), so each key is also
// checked against the fields the Kubernetes type declares — read from kubernetes-models' type declarations, which are
// generated from the same OpenAPI document.
const declaredCache = new Map<string, { fields: Map<string, string | null>; open: boolean }>();

function declarationFile(fromDir: string, spec: string): string {
  if (spec.startsWith('.')) return resolve(fromDir, `${spec}.d.ts`);
  const parts = spec.split('/');
  const pkgName = spec.startsWith('@') ? parts.splice(0, 2).join('/') : parts.splice(0, 1)[0];
  const pkg = dirname(require.resolve(`${pkgName}/package.json`));
  return join(pkg, `${parts.join('/')}.d.ts`);
}

function declaredFields(file: string): { fields: Map<string, string | null>; open: boolean } {
  const cached = declaredCache.get(file);
  if (cached) return cached;
  const text = readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    if (!m[2].startsWith('@kubernetes-models/base')) imports.set(m[1], declarationFile(dirname(file), m[2]));
  }
  const body = /^export interface \w+(?: extends TypeMeta)? \{\n([\s\S]*?)^\}/m.exec(text);
  const fields = new Map<string, string | null>();
  if (!body) {
    // a type alias (IntOrString, Quantity, Time…): a scalar, nothing to check
    const result = { fields, open: true };
    declaredCache.set(file, result);
    return result;
  }
  if (/extends TypeMeta/.test(body[0])) {
    fields.set('apiVersion', null);
    fields.set('kind', null);
  }
  for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) {
    const type = /^(?:Array<)?(\w+)>?$/.exec(m[2].trim())?.[1] ?? '';
    fields.set(m[1], imports.get(type) ?? null);
  }
  const result = { fields, open: false };
  declaredCache.set(file, result);
  return result;
}

function checkFields(value: unknown, file: string, path: string, problems: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkFields(item, file, `${path}[${i}]`, problems));
    return;
  }
  const { fields, open } = declaredFields(file);
  if (open) return;
  for (const [key, child] of Object.entries(value)) {
    if (!fields.has(key)) {
      problems.push(
        `${path}.${key}: not a field of ${file.replace(/^.*node_modules\//, '').replace(/\.d\.ts$/, '')}`,
      );
      continue;
    }
    const childFile = fields.get(key);
    if (childFile) checkFields(child, childFile, `${path}.${key}`, problems);
  }
}

/** Every key of the object is a field its Kubernetes type declares (recursively). */
export function unknownFields(o: K8sObject): string[] {
  const problems: string[] = [];
  checkFields(o, declarationFile(ROOT, `kubernetes-models/${o.apiVersion}/${o.kind}`), o.kind, problems);
  return problems;
}
