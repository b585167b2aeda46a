import { parse } from 'content-type';
import typeIs from 'type-is';

/** `type/subtype` of a media type, lower-cased, without parameters: `Text/Plain; charset=utf-8` → `text/plain`. */
export function mediaTypeEssence(contentType: string): string {
  return parse(contentType, { parameters: false }).type;
}

/**
 * Whether a media type is covered by an allow-list of exact types and `type/*` or `*\/*` wildcards
 * (entries are validated as such at boot: see UPLOAD_ALLOWED_TYPES). An invalid media type matches nothing.
 */
export function isMediaTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  return allowed.length > 0 && typeIs.is(contentType, [...allowed]) !== false;
}
