import { describe, expect, it } from '@jest/globals';

import { fileNameProblem, keySafeFileName, normalizeFileName } from './file-name.js';

describe('normalizeFileName', () => {
  it('drops any client-side directory, with either separator', () => {
    expect(normalizeFileName('C:\\fakepath\\photo.png')).toBe('photo.png');
    expect(normalizeFileName('../../etc/passwd')).toBe('passwd');
  });

  it('normalises to NFC so visually equal names are equal', () => {
    const decomposed = 'Cafe\u0301.txt';
    expect(normalizeFileName(decomposed)).toBe('Caf\u00e9.txt');
    expect(normalizeFileName(decomposed)).not.toBe(decomposed);
  });

  it('reduces a bare directory to an empty name', () => {
    expect(normalizeFileName('folder/')).toBe('');
  });
});

describe('fileNameProblem', () => {
  it.each([
    ['', 'empty'],
    ['.', 'reserved'],
    ['..', 'reserved'],
    ['a\u0000b.png', 'forbidden-characters'],
    ['line\nbreak.txt', 'forbidden-characters'],
    ['invoice\u202egnp.exe', 'forbidden-characters'],
    ['x'.repeat(256), 'too-long'],
    ['é'.repeat(128), 'too-long'],
  ])('refuses %j as %s', (name, problem) => {
    expect(fileNameProblem(name)).toBe(problem);
  });

  it.each(['photo.png', 'Résumé 2026.pdf', '写真.jpg', 'x'.repeat(255)])('accepts %j', (name) => {
    expect(fileNameProblem(name)).toBeNull();
  });
});

describe('keySafeFileName', () => {
  it.each([
    ['photo.png', 'photo.png'],
    ['My Holiday Photo.JPG', 'My-Holiday-Photo.JPG'],
    ['Résumé.pdf', 'Resume.pdf'],
    ['写真.jpg', 'file.jpg'],
    ['.env', 'env'],
    ['..', 'file'],
    ['a/b\\c.txt', 'a-b-c.txt'],
  ])('turns %j into %j', (name, safe) => {
    expect(keySafeFileName(name)).toBe(safe);
  });

  it('caps the length but keeps the extension', () => {
    const safe = keySafeFileName(`${'a'.repeat(300)}.tar`);
    expect(safe.length).toBeLessThanOrEqual(100);
    expect(safe.endsWith('.tar')).toBe(true);
  });
});
