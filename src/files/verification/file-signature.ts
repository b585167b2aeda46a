import { mediaTypeEssence } from './media-type.js';

/*
 * "Magic numbers" of formats whose first bytes identify them. An upload declared as one of these
 * types must start with its signature, so a renamed executable cannot pose as a PNG. Only the
 * first SIGNATURE_PREFIX_LENGTH bytes are ever read from the store.
 */

type Signature = { offset: number; bytes: number[] }[];

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const SIGNATURES: Record<string, Signature[]> = {
  'image/png': [[{ offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }]],
  'image/jpeg': [[{ offset: 0, bytes: [0xff, 0xd8, 0xff] }]],
  'image/gif': [[{ offset: 0, bytes: ascii('GIF87a') }], [{ offset: 0, bytes: ascii('GIF89a') }]],
  'image/webp': [
    [
      { offset: 0, bytes: ascii('RIFF') },
      { offset: 8, bytes: ascii('WEBP') },
    ],
  ],
  'application/pdf': [[{ offset: 0, bytes: ascii('%PDF-') }]],
};

export const SIGNATURE_PREFIX_LENGTH = 16;

/** Whether the type has a known signature (and so needs its first bytes checked). */
export function hasKnownSignature(contentType: string): boolean {
  return mediaTypeEssence(contentType) in SIGNATURES;
}

/** True when `prefix` (the object's first bytes) carries a signature of the declared type. */
export function matchesSignature(contentType: string, prefix: Uint8Array): boolean {
  const candidates = SIGNATURES[mediaTypeEssence(contentType)];
  if (!candidates) return true;
  return candidates.some((signature) => signature.every(({ offset, bytes }) => bytes.every((byte, i) => prefix[offset + i] === byte)));
}
