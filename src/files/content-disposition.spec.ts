import { describe, expect, it } from '@jest/globals';
import { parse } from 'content-disposition';

import { contentDisposition } from './content-disposition.js';

describe('contentDisposition', () => {
  it('writes a plain ASCII name as the filename alone', () => {
    expect(contentDisposition('attachment', 'report.pdf')).toBe('attachment; filename=report.pdf');
    expect(contentDisposition('inline', 'my photo (1).png')).toBe('inline; filename="my photo (1).png"');
  });

  it('encodes a Unicode name in filename* and gives an ASCII fallback', () => {
    expect(contentDisposition('inline', 'Résumé 写真.png')).toBe(
      `inline; filename="Resume __.png"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E5%86%99%E7%9C%9F.png`,
    );
  });

  it('cannot be broken out of by quotes, backslashes or RFC 5987 delimiters', () => {
    const header = contentDisposition('attachment', `a"b\\c'd(e)*f%.txt`);
    expect(header).toBe(`attachment; filename="a_b_c'd(e)*f_.txt"; filename*=UTF-8''a%22b%5Cc%27d%28e%29%2Af%25.txt`);
    expect(header.split(';')).toHaveLength(3);
  });

  it.each(['report.pdf', 'my photo (1).png', 'Résumé 写真.png', `a"b\\c'd(e)*f%.txt`, 'semi;colon.txt', '%41.txt'])(
    'reads back as exactly %j',
    (name) => {
      const header = contentDisposition('attachment', name);
      expect(parse(header)).toEqual({ type: 'attachment', parameters: expect.objectContaining({ filename: name }) });
    },
  );
});
