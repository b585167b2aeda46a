/** One CORS rule of a bucket, in the store-neutral shape of S3's PutBucketCors. */
export interface BucketCorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/**
 * What browser uploads and downloads need from the bucket: PUT (with the signed Content-Type),
 * GET and HEAD from the app's origins, POST and DELETE for multipart uploads a browser drives
 * itself through `POST /uploads/sign` (Uppy 6: start and complete are POSTs, abort a DELETE), and a
 * readable `ETag` (multipart clients report each part's ETag back).
 */
export function uploadCorsRules(origins: string[], maxAgeSeconds: number): BucketCorsRule[] {
  return [
    {
      allowedOrigins: origins,
      allowedMethods: ['PUT', 'GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Content-Type'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds,
    },
  ];
}

/** The same rules as S3's XML CORS configuration (for stores configured from a file, like the local emulator). */
export function corsRulesToXml(rules: BucketCorsRule[]): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const tags = (name: string, values: string[]) => values.map((value) => `<${name}>${escape(value)}</${name}>`).join('');
  const body = rules
    .map(
      (rule) =>
        `<CORSRule>${tags('AllowedOrigin', rule.allowedOrigins)}${tags('AllowedMethod', rule.allowedMethods)}` +
        `${tags('AllowedHeader', rule.allowedHeaders)}${tags('ExposeHeader', rule.exposeHeaders)}` +
        `<MaxAgeSeconds>${rule.maxAgeSeconds}</MaxAgeSeconds></CORSRule>`,
    )
    .join('');
  return `<CORSConfiguration>${body}</CORSConfiguration>`;
}
