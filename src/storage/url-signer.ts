import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto';

import type { HttpMethod } from './storage.types.js';

export interface UrlToSign {
  method: HttpMethod;
  key: string;
  /** Query parameters of the operation (e.g. `partNumber`, `uploadId`, `response-content-disposition`). */
  query?: Record<string, string>;
  /** Headers bound into the signature: the client must send them exactly (e.g. content-type, content-length). */
  signedHeaders?: Record<string, string>;
  expiresInSeconds: number;
  /** Fixed only to compare with the SDK's presigner in tests. */
  signingDate?: Date;
}

export interface UrlSignerOptions {
  endpoint: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 's3';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * Presigned S3 URLs (SigV4 query-string authentication), computed here rather than through the
 * SDK (docs/adr/0008-sigv4-presigning-in-house.md). The signing key is an HMAC chain over the
 * secret, the day, the region and the service: it is derived once per day and reused, so a URL
 * costs one SHA-256 of its canonical request and one HMAC — what 10,000 part URLs need to stay
 * well under a second. The URLs are the ones `getSignedUrl` makes for the same inputs (same host,
 * path, signed headers, `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD`, no checksum parameters): a test
 * compares the two.
 */
export class UrlSigner {
  private readonly origin: string;
  private readonly host: string;
  private readonly basePath: string;
  private readonly accessKeyId: string;
  private readonly region: string;
  private readonly secretAccessKey: string;
  private signingDay: SigningDay | undefined;
  private lastDate: { second: number; text: string } | undefined;

  constructor(options: UrlSignerOptions) {
    const endpoint = new URL(options.endpoint);
    const hostname = options.forcePathStyle ? endpoint.hostname : `${options.bucket}.${endpoint.hostname}`;
    // URL drops the scheme's default port, as the SDK's presigner does.
    this.host = endpoint.port ? `${hostname}:${endpoint.port}` : hostname;
    this.origin = `${endpoint.protocol}//${this.host}`;
    const prefix = endpoint.pathname.replace(/\/+$/, '');
    this.basePath = options.forcePathStyle ? `${prefix}/${escapeUri(options.bucket)}` : prefix;
    this.accessKeyId = options.accessKeyId;
    this.region = options.region;
    this.secretAccessKey = options.secretAccessKey;
  }

  presign(input: UrlToSign): string {
    const amzDate = this.amzDate(input.signingDate ?? new Date());
    const day = this.day(amzDate.slice(0, 8));

    const headers: [string, string][] = [['host', this.host]];
    for (const [name, value] of Object.entries(input.signedHeaders ?? {})) {
      headers.push([name.toLowerCase(), value.trim().replace(/\s+/g, ' ')]);
    }
    headers.sort(byName);
    let canonicalHeaders = '';
    for (const [name, value] of headers) canonicalHeaders += `${name}:${value}\n`;
    const signedHeaders = headers.map(([name]) => name).join(';');

    // [name, value] pairs, escaped, sorted by name as SigV4 wants (names are unique). The X-Amz-*
    // values need no escaping but the credential's slashes (escaped once a day) and the signed
    // headers' semicolons.
    const parameters: [string, string][] = [
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Content-Sha256', UNSIGNED_PAYLOAD],
      ['X-Amz-Credential', day.credential],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', String(input.expiresInSeconds)],
      ['X-Amz-SignedHeaders', escapeUri(signedHeaders)],
    ];
    const query = input.query;
    if (query) {
      for (const name of Object.keys(query)) parameters.push([escapeUri(name), escapeUri(query[name] as string)]);
      parameters.sort(byName);
    }
    let canonicalQuery = '';
    for (const [name, value] of parameters) canonicalQuery += canonicalQuery ? `&${name}=${value}` : `${name}=${value}`;
    const path = `${this.basePath}/${input.key.includes('/') ? input.key.split('/').map(escapeUri).join('/') : escapeUri(input.key)}`;

    const canonicalRequest = `${input.method}\n${path}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\n${UNSIGNED_PAYLOAD}`;
    // One-shot `hash` and a KeyObject made once a day: no Hash object, no key copy per URL.
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${day.scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
    const signature = createHmac('sha256', day.key).update(stringToSign).digest('hex');
    return `${this.origin}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
  }

  /** `YYYYMMDDTHHMMSSZ`, kept for the second it names (a batch of part URLs shares it). */
  private amzDate(date: Date): string {
    const second = Math.floor(date.getTime() / 1000);
    if (this.lastDate?.second !== second) {
      this.lastDate = { second, text: date.toISOString().replace(/[-:]|\.\d{3}/g, '') };
    }
    return this.lastDate.text;
  }

  /** What depends only on the day (YYYYMMDD): the scope, the escaped credential and the SigV4 signing key, derived once a day. */
  private day(day: string): SigningDay {
    if (this.signingDay?.day !== day) {
      const scope = `${day}/${this.region}/${SERVICE}/aws4_request`;
      let key = hmac(`AWS4${this.secretAccessKey}`, day);
      for (const part of [this.region, SERVICE, 'aws4_request']) key = hmac(key, part);
      this.signingDay = { day, scope, credential: escapeUri(`${this.accessKeyId}/${scope}`), key: createSecretKey(key) };
    }
    return this.signingDay;
  }
}

function byName([a]: [string, string], [b]: [string, string]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface SigningDay {
  day: string;
  scope: string;
  credential: string;
  key: KeyObject;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 escaping, as SigV4 and S3 use it (encodeURIComponent leaves !'()* alone). */
function escapeUri(text: string): string {
  const encoded = encodeURIComponent(text);
  return RFC3986_EXTRA.test(encoded)
    ? encoded.replace(RFC3986_EXTRA_GLOBAL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : encoded;
}

const RFC3986_EXTRA = /[!'()*]/;
const RFC3986_EXTRA_GLOBAL = /[!'()*]/g;
