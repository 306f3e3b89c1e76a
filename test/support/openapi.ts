import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates response bodies against X's OpenAPI document (v2.166), read from `shared/x-api/`
 * beside the checkout. The document is reference material, not part of the product: when it is
 * absent the validation tests skip and say which path is missing.
 */

const here = dirname(fileURLToPath(import.meta.url));
export const OPENAPI_PATH = process.env.X_OPENAPI_PATH ?? resolve(here, '../../../shared/x-api/openapi-v2.166.json');
export const openapiAvailable = existsSync(OPENAPI_PATH);
export const openapiMissing = `X's OpenAPI document not found at ${OPENAPI_PATH} (set X_OPENAPI_PATH to point at openapi-v2.166.json)`;

type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
interface Doc {
  paths: Record<string, Record<string, Operation>>;
}

let cached: { doc: Doc; ajv: Ajv; templates: Array<{ method: string; template: string; re: RegExp }> } | undefined;

function load() {
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Doc & { $id?: string };
  doc.$id = 'x-openapi';
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema(doc);
  const templates = Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.keys(ops).map((method) => ({
      method: method.toUpperCase(),
      template,
      re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
  );
  // Literal segments must win over parameters (`/2/users/me` before `/2/users/{id}`).
  templates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  cached = { doc, ajv, templates };
  return cached;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map<string, ValidateFunction>();

/**
 * Checks one response body against the schema X documents for it: the 200 schema for successes,
 * the `default` Problem (or Error) schema otherwise. Returns the problems found, [] when valid.
 */
export function validateResponse(method: string, path: string, status: number, body: unknown, contentType = 'application/json'): string[] {
  const { doc, ajv, templates } = load();
  const match = templates.find((t) => t.method === method && t.re.test(path));
  if (!match) return [`no operation ${method} ${path} in X's OpenAPI document`];
  const op = doc.paths[match.template]?.[method.toLowerCase()] as Operation;
  const code = status >= 200 && status < 300 ? String(status) : 'default';
  const response = op.responses[code] ?? op.responses['200'];
  const media = response?.content?.[contentType.includes('problem') ? 'application/problem+json' : 'application/json'] ? (contentType.includes('problem') ? 'application/problem+json' : 'application/json') : 'application/json';
  // Error bodies with `type` and `title` are Problems whatever the content type says.
  const isProblem = code === 'default' && typeof body === 'object' && body !== null && 'type' in body;
  const ref = isProblem
    ? 'x-openapi#/components/schemas/Problem'
    : `x-openapi#/${pointer('paths', match.template, method.toLowerCase(), 'responses', response === op.responses[code] ? code : '200', 'content', media, 'schema')}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) return [`no schema at ${ref}`];
    validators.set(ref, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${method} ${path} ${status}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Problem subtypes carry their own fields (`errors` for invalid requests, `period` for caps). */
export function validateProblem(body: unknown): string[] {
  const { ajv } = load();
  const type = (body as { type?: string }).type ?? '';
  const byType: Record<string, string> = {
    'https://api.twitter.com/2/problems/invalid-request': 'InvalidRequestProblem',
    'https://api.twitter.com/2/problems/usage-capped': 'UsageCapExceededProblem',
    'https://api.twitter.com/2/problems/resource-not-found': 'ResourceNotFoundProblem',
    'https://api.twitter.com/2/problems/not-authorized-for-resource': 'ResourceUnauthorizedProblem',
    'about:blank': 'GenericProblem',
  };
  const name = byType[type] ?? 'Problem';
  const validate = ajv.getSchema(`x-openapi#/components/schemas/${name}`);
  if (!validate) return [`no schema ${name}`];
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${name}: ${e.instancePath || '/'} ${e.message ?? ''}`);
}

// The default reporter shows only counts for skipped tests: say once why validation is skipped.
if (!openapiAvailable) console.warn(`skipping OpenAPI validation: ${openapiMissing}`);
