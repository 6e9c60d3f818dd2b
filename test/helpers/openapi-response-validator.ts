// Checks answers of the management API against the OpenAPI 3.1 document the API itself serves
// (`GET /openapi.json`): the operation exists, the status is documented for it, the documented
// required headers are present (and every documented header that is present fits its schema),
// and the body fits the documented schema of its media type, validated with Ajv's JSON Schema
// 2020-12 dialect (the dialect of OpenAPI 3.1). A problem+json body must also repeat the HTTP
// status, name the request path as `instance` and the `X-Request-Id` as `traceId`.
//
// The document is added to Ajv whole, under an `$id`, and each schema is compiled by JSON pointer
// into it, so its `#/components/schemas/...` references resolve against the document itself.
// `strict: false` lets OpenAPI's own keywords (`example`, …) pass.

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** An OpenAPI document as parsed JSON. */
export type OpenApiDocument = Readonly<Record<string, unknown>>;

/** The operation a method and a concrete path resolve to. */
export interface ResolvedOperation {
  /** The path template of the document, e.g. `/v1/webhooks/{id}`. */
  readonly template: string;
  /** The lower-case method, e.g. `get`. */
  readonly method: string;
  /** The operation object of the document. */
  readonly operation: Readonly<Record<string, unknown>>;
}

/** A problem body, as the document's `Problem` schema describes it. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly traceId: string;
  readonly errors?: readonly {
    readonly field: string;
    readonly message: string;
    readonly rejectedValue?: unknown;
  }[];
  readonly [extension: string]: unknown;
}

/** What {@link createOpenApiResponseValidator} returns. */
export interface OpenApiResponseValidator {
  /** The document the answers are checked against. */
  readonly document: OpenApiDocument;
  /**
   * The operation of `method` on `path` (a concrete path, a path template, or a URL; any query is
   * ignored). The template with the most literal segments wins, as in the router.
   *
   * @throws Error when no documented path matches, or the path has no such method.
   */
  readonly resolve: (method: string, path: string) => ResolvedOperation;
  /**
   * Checks `response` as the answer of `method` on `path` and returns its parsed body
   * (`undefined` when empty). Reads the body.
   *
   * @throws Error naming the operation and the status, with Ajv's errors, on any mismatch.
   */
  readonly assertResponse: (method: string, path: string, response: Response) => Promise<unknown>;
  /**
   * Checks a problem answer that belongs to no operation (an unknown path, a 405, the document
   * path switched off): `application/problem+json`, `status`, the document's `Problem` schema and
   * the problem invariants. Returns the body.
   */
  readonly assertProblem: (
    path: string,
    response: Response,
    expectedStatus: number,
  ) => Promise<ProblemBody>;
}

const DOCUMENT_ID = 'https://openapi.test/management-api.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const escapePointer = (segment: string): string =>
  segment.replaceAll('~', '~0').replaceAll('/', '~1');

function pathOf(pathOrUrl: string): string {
  const path = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

function templatePattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

const literalSegments = (template: string): number =>
  template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length;

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? e.keyword}`)
    .join('; ');
}

// A header value as the schema sees it: digits for an integer or number schema, else the string.
function headerValue(raw: string, schema: unknown): unknown {
  const type = isObject(schema) ? schema.type : undefined;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/**
 * A validator of answers against `document`, the parsed OpenAPI 3.1 document of the API under
 * test (fetch it from the API: `GET /openapi.json`).
 *
 * @param document - the served document.
 * @returns `{ document, resolve, assertResponse, assertProblem }`.
 */
export function createOpenApiResponseValidator(
  document: OpenApiDocument,
): OpenApiResponseValidator {
  if (document.openapi !== '3.1.0' || !isObject(document.paths)) {
    throw new Error(
      'createOpenApiResponseValidator: expected an OpenAPI 3.1.0 document with paths',
    );
  }
  const paths = document.paths;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...structuredClone(document), $id: DOCUMENT_ID });
  const compiled = new Map<string, ValidateFunction>();

  const validatorAt = (pointer: string): ValidateFunction => {
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      validate = ajv.getSchema(`${DOCUMENT_ID}#${pointer}`);
      if (validate === undefined) throw new Error(`No schema at #${pointer} of the document`);
      compiled.set(pointer, validate);
    }
    return validate;
  };

  // A local `$ref` (`#/components/responses/...`) to the object it names.
  const deref = (value: unknown): unknown => {
    let current = value;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 10; hops++) {
      const ref = current.$ref;
      if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), document);
    }
    return current;
  };

  const resolve = (method: string, path: string): ResolvedOperation => {
    const lower = method.toLowerCase();
    const concrete = pathOf(path);
    const matching = Object.keys(paths).filter(
      (template) => template === concrete || templatePattern(template).test(concrete),
    );
    if (matching.length === 0) {
      throw new Error(`OpenAPI: no documented path matches ${concrete}`);
    }
    const withMethod = matching
      .filter((template) => isObject(paths[template]) && isObject((paths[template] as Json)[lower]))
      .sort((a, b) => literalSegments(b) - literalSegments(a));
    const template = withMethod[0];
    if (template === undefined) {
      const documented = matching.flatMap((t) =>
        Object.keys(paths[t] as Json)
          .filter((m) => (METHODS as readonly string[]).includes(m))
          .map((m) => m.toUpperCase()),
      );
      throw new Error(
        `OpenAPI: ${method.toUpperCase()} ${matching.join(' | ')} is not documented (documented: ${documented.join(', ')})`,
      );
    }
    return { template, method: lower, operation: (paths[template] as Json)[lower] as Json };
  };

  const checkProblemInvariants = (
    label: string,
    path: string,
    response: Response,
    body: Json,
  ): void => {
    const failures: string[] = [];
    if (body.status !== response.status) failures.push(`body status is not ${response.status}`);
    if (body.instance !== pathOf(path)) failures.push('instance is not the request path');
    const requestId = response.headers.get('x-request-id');
    if (requestId !== null && body.traceId !== requestId) {
      failures.push('traceId is not the X-Request-Id header');
    }
    if (failures.length > 0) throw new Error(`${label}: problem body: ${failures.join('; ')}`);
  };

  const readJson = async (label: string, response: Response): Promise<unknown> => {
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`${label}: the body is not JSON (${text.length} characters)`);
    }
  };

  const assertResponse = async (
    method: string,
    path: string,
    response: Response,
  ): Promise<unknown> => {
    const { template, method: lower, operation } = resolve(method, path);
    const status = response.status;
    const label = `${lower.toUpperCase()} ${template} -> ${status}`;
    const responses = isObject(operation.responses) ? operation.responses : {};
    const key = [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((k) =>
      Object.hasOwn(responses, k),
    );
    if (key === undefined) {
      throw new Error(
        `${label}: status not documented (documented: ${Object.keys(responses).join(', ')})`,
      );
    }
    const documented = deref(responses[key]);
    if (!isObject(documented))
      throw new Error(`${label}: the documented response is not an object`);
    const pointer = `/paths/${escapePointer(template)}/${lower}/responses/${escapePointer(key)}`;

    // Headers: the required ones present; every documented one that is present fits its schema.
    const headers = isObject(documented.headers) ? documented.headers : {};
    for (const [name, rawHeader] of Object.entries(headers)) {
      const header = deref(rawHeader);
      if (!isObject(header)) continue;
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required === true) throw new Error(`${label}: required header ${name} missing`);
        continue;
      }
      if (isObject(header.schema)) {
        const validate = validatorAt(`${pointer}/headers/${escapePointer(name)}/schema`);
        if (!validate(headerValue(value, header.schema))) {
          throw new Error(
            `${label}: header ${name} does not match its schema: ${describeErrors(validate.errors)}`,
          );
        }
      }
    }

    // Body: none for a 204 or a response without content, else the documented media type.
    const content = isObject(documented.content) ? documented.content : undefined;
    if (status === 204 || content === undefined || Object.keys(content).length === 0) {
      const text = await response.text();
      if (text !== '') {
        throw new Error(`${label}: expected an empty body, got ${text.length} characters`);
      }
      return undefined;
    }
    const contentType = response.headers.get('content-type');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!Object.hasOwn(content, mediaType)) {
      throw new Error(
        `${label}: content type ${contentType ?? '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`,
      );
    }
    const body = await readJson(label, response);
    const media = content[mediaType];
    if (isObject(media) && media.schema !== undefined) {
      const validate = validatorAt(`${pointer}/content/${escapePointer(mediaType)}/schema`);
      if (!validate(body)) {
        throw new Error(
          `${label}: the ${mediaType} body does not match the documented schema: ${describeErrors(validate.errors)}`,
        );
      }
    }
    if (mediaType === 'application/problem+json' && isObject(body)) {
      checkProblemInvariants(label, path, response, body);
    }
    return body;
  };

  const assertProblem = async (
    path: string,
    response: Response,
    expectedStatus: number,
  ): Promise<ProblemBody> => {
    const label = `${pathOf(path)} -> ${response.status}`;
    if (response.status !== expectedStatus) {
      throw new Error(`${label}: expected status ${expectedStatus}`);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.split(';')[0]?.trim().toLowerCase() !== 'application/problem+json') {
      throw new Error(`${label}: content type ${contentType || '(none)'} is not problem+json`);
    }
    const body = await readJson(label, response);
    const validate = validatorAt('/components/schemas/Problem');
    if (!validate(body)) {
      throw new Error(
        `${label}: the body does not match the Problem schema: ${describeErrors(validate.errors)}`,
      );
    }
    checkProblemInvariants(label, path, response, body as Json);
    return body as ProblemBody;
  };

  return { document, resolve, assertResponse, assertProblem };
}

/** A Fetch handler, as `createManagementApi` returns it. */
export interface FetchHandler {
  readonly fetch: (request: Request) => Promise<Response>;
}

/**
 * Fetches the API's own OpenAPI document through its Fetch handler (`GET <openApiPath>`,
 * unauthenticated) and checks that it is served as JSON.
 */
export async function fetchOpenApiDocument(
  api: FetchHandler,
  openApiPath = '/openapi.json',
): Promise<OpenApiDocument> {
  const response = await api.fetch(new Request(`http://api.test${openApiPath}`));
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !contentType.startsWith('application/json')) {
    throw new Error(`GET ${openApiPath}: expected 200 application/json, got ${response.status}`);
  }
  return (await response.json()) as OpenApiDocument;
}

/** One answer of the API, checked against the document. */
export interface CheckedAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed body, `undefined` when empty. */
  readonly body: T;
}

/** A request to send through a {@link ValidatingClient}. */
export interface ClientRequest {
  /** Extra or replacing headers (the client adds `Authorization` unless given). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** A JSON value (stringified, `Content-Type: application/json`) or a raw string. */
  readonly json?: unknown;
  readonly body?: string | undefined;
  /** The Idempotency-Key of a write; a fresh one when omitted, none with `false`. */
  readonly idempotencyKey?: string | false | undefined;
}

/** Sends requests through an API's Fetch handler and checks every answer. */
export interface ValidatingClient {
  readonly validator: OpenApiResponseValidator;
  /** Sends `method path` and returns the checked answer. */
  readonly send: <T = unknown>(
    method: string,
    pathAndQuery: string,
    request?: ClientRequest,
  ) => Promise<CheckedAnswer<T>>;
}

/**
 * A client over `api` that sends every request with the bearer `token` and checks every answer
 * with `validator` (`assertResponse` for documented operations, `assertProblem` otherwise).
 */
export function createValidatingClient(
  api: FetchHandler,
  validator: OpenApiResponseValidator,
  options: { readonly token: string; readonly baseUrl?: string | undefined },
): ValidatingClient {
  const baseUrl = options.baseUrl ?? 'http://api.test';
  const send = async <T>(
    method: string,
    pathAndQuery: string,
    request: ClientRequest = {},
  ): Promise<CheckedAnswer<T>> => {
    const upper = method.toUpperCase();
    const headers = new Headers({ authorization: `Bearer ${options.token}` });
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(upper);
    if (write && request.idempotencyKey !== false) {
      headers.set('idempotency-key', request.idempotencyKey ?? crypto.randomUUID());
    }
    let body: string | undefined = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers.set('content-type', 'application/json');
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
    const response = await api.fetch(
      new Request(`${baseUrl}${pathAndQuery}`, {
        method: upper,
        headers,
        ...(body === undefined ? {} : { body }),
      }),
    );
    let documented = true;
    try {
      validator.resolve(upper, pathAndQuery);
    } catch {
      documented = false;
    }
    const parsed = documented
      ? await validator.assertResponse(upper, pathAndQuery, response)
      : await validator.assertProblem(pathAndQuery, response, response.status);
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
  return { validator, send };
}

// Compiling the schemas costs tens of milliseconds; APIs with the same document share one.
const validatorsByDocument = new Map<string, OpenApiResponseValidator>();

/** The validator of `document`, compiled once per distinct document. */
export function validatorFor(document: OpenApiDocument): OpenApiResponseValidator {
  const key = JSON.stringify(document);
  let validator = validatorsByDocument.get(key);
  if (validator === undefined) {
    validator = createOpenApiResponseValidator(document);
    validatorsByDocument.set(key, validator);
  }
  return validator;
}

/** An API as the checked fetch needs it: its handler and its document. */
export interface DocumentedApi extends FetchHandler {
  readonly openApiDocument: () => OpenApiDocument;
}

/**
 * `api.fetch` that checks every answer against the API's own document before returning it: a
 * documented operation's answer against its schema; with `problemsOutsideOperations`, any other
 * error answer against the `Problem` schema (the Novatrade24 API; the EUDR API's errors are not
 * problems). HEAD answers (no body) and the document itself (served outside the operations) are
 * not checked. The path checked is the one the URL parser left (`/./x` is `/x`), as the API saw it.
 */
export function createCheckedFetch(
  api: DocumentedApi,
  options: { readonly problemsOutsideOperations: boolean },
): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await api.fetch(request);
    if (request.method === 'HEAD') return response;
    const validator = validatorFor(api.openApiDocument());
    const { pathname, search } = new URL(request.url);
    let documented = true;
    try {
      validator.resolve(request.method, pathname);
    } catch {
      documented = false;
    }
    if (documented) {
      await validator.assertResponse(request.method, pathname + search, response.clone());
    } else if (options.problemsOutsideOperations && response.status >= 400) {
      await validator.assertProblem(pathname, response.clone(), response.status);
    }
    return response;
  };
}
