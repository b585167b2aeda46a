/*
 * File names arrive from clients and end up in object keys, in download headers and on screens.
 * The original name is kept for display (NFC-normalised, stripped of any client path); control
 * and bidi-override characters are refused (they can disguise an extension: "gnp.exe" shown as
 * "exe.png"); the object key only ever uses a conservative ASCII form.
 */

const MAX_NAME_BYTES = 255;
const MAX_KEY_NAME_LENGTH = 100;
// C0/C1 controls, DEL, and the Unicode bidi embedding/override/isolate marks.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export type FileNameProblem = 'empty' | 'too-long' | 'forbidden-characters' | 'reserved';

/** NFC, trimmed, without any directory part (browsers send "C:\fakepath\photo.png"). */
export function normalizeFileName(raw: string): string {
  const normalized = raw.normalize('NFC').trim();
  const lastSeparator = Math.max(normalized.lastIndexOf('/'), normalized.lastIndexOf('\\'));
  return normalized.slice(lastSeparator + 1).trim();
}

/** Why a (normalised) display name is unacceptable, or null when it is fine. */
export function fileNameProblem(name: string): FileNameProblem | null {
  if (name.length === 0) return 'empty';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return 'too-long';
  if (FORBIDDEN_CHARACTERS.test(name)) return 'forbidden-characters';
  if (name === '.' || name === '..') return 'reserved';
  return null;
}

export const FILE_NAME_PROBLEM_MESSAGES: Record<FileNameProblem, string> = {
  empty: 'fileName must not be empty',
  'too-long': `fileName must be at most ${MAX_NAME_BYTES} bytes in UTF-8`,
  'forbidden-characters': 'fileName must not contain control or bidirectional-override characters',
  reserved: 'fileName must not be "." or ".."',
};

/**
 * The name as it appears in an object key: ASCII letters, digits, dot, dash and underscore,
 * no leading dots, at most 100 characters, extension kept. Never empty.
 */
export function keySafeFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const rawExtension = dot > 0 ? name.slice(dot + 1) : '';
  const hasExtension = /^[A-Za-z0-9]{1,15}$/.test(rawExtension);
  const extension = hasExtension ? `.${rawExtension}` : '';
  const stem = toAsciiSlug(hasExtension ? name.slice(0, dot) : name).slice(0, MAX_KEY_NAME_LENGTH - extension.length);
  return `${stem.replace(/[.-]+$/, '') || 'file'}${extension}`;
}

/** Accents dropped, anything outside [A-Za-z0-9._-] collapsed to one dash, no leading dots. */
function toAsciiSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
}
