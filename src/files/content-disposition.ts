export type Disposition = 'attachment' | 'inline';

/**
 * A `Content-Disposition` header carrying the original file name (RFC 6266): a plain ASCII
 * `filename` for old clients and the exact UTF-8 name in `filename*` (RFC 5987 encoding).
 */
export function contentDisposition(disposition: Disposition, fileName: string): string {
  const fallback = fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
