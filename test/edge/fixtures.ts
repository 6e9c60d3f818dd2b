// The known-answer vectors of test/fixtures, the same files the Node suites read. The driver
// (run.mjs) inlines them into each bundle as `__EDGE_FIXTURES__`: the runtimes read no file.

export interface NovatradeVector {
  readonly name: string;
  readonly secret: string;
  readonly timestamp: number;
  readonly body: string;
  readonly bodyBytes: number;
  readonly signature: string;
  readonly header: string;
}

export interface EudrVector {
  readonly name: string;
  readonly secret: string;
  /** ISO 8601, the X-Webhook-Timestamp value. */
  readonly timestamp: string;
  readonly body: string;
  readonly bodyBytes: number;
  readonly signature: string;
  readonly header: string;
}

export interface StandardVector {
  readonly name: string;
  readonly secret: string;
  readonly id: string;
  readonly timestamp: number;
  readonly body: string;
  readonly bodyBytes: number;
  /** The `webhook-signature` value: `v1,<base64>`. */
  readonly signature: string;
}

declare const __EDGE_FIXTURES__: {
  readonly signatures: {
    readonly novatrade: readonly NovatradeVector[];
    readonly eudr: readonly EudrVector[];
  };
  readonly standard: { readonly standardWebhooks: readonly StandardVector[] };
};

export const novatradeVectors = __EDGE_FIXTURES__.signatures.novatrade;
export const eudrVectors = __EDGE_FIXTURES__.signatures.eudr;
export const standardVectors = __EDGE_FIXTURES__.standard.standardWebhooks;

/** The three headers of a Standard Webhooks vector, under their lowercase names. */
export function vectorHeaders(vector: StandardVector): Record<string, string> {
  return {
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': vector.signature,
  };
}
