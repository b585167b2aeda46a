import { create } from 'content-disposition';

export type Disposition = 'attachment' | 'inline';

/**
 * A `Content-Disposition` header carrying the original file name (RFC 6266), built by the
 * `content-disposition` library: the exact name in `filename*` (RFC 8187, UTF-8) whenever the plain
 * `filename` cannot carry it, and a plain ASCII `filename` for old clients. Our fallback keeps
 * accented letters' base letter and writes `_` (the library would write `?`, which Windows refuses
 * in file names) for anything else, and for `"`, `\` and `%` so old clients never have to unescape.
 */
export function contentDisposition(disposition: Disposition, fileName: string): string {
  return create(fileName, { type: disposition, fallback: asciiFallback(fileName) });
}

function asciiFallback(fileName: string): string {
  return fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
}
