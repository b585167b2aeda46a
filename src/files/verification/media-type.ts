/** `type/subtype` of a media type, lower-cased, without parameters: `Text/Plain; charset=utf-8` → `text/plain`. */
export function mediaTypeEssence(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** Whether a media type is covered by an allow-list of exact types and `type/*` or `*\/*` wildcards. */
export function isMediaTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const essence = mediaTypeEssence(contentType);
  const [type] = essence.split('/');
  return allowed.some((pattern) => pattern === '*/*' || pattern === essence || pattern === `${type}/*`);
}
