import { describe, expect, it } from 'vitest';
import { pageOf, readPageRequest, rubyToInt } from '../../src/core/paging.js';

const CUSTOMERS = { defaultPerPage: 100, maxPerPage: 100 };
const SUPPLIERS = { defaultPerPage: 50, maxPerPage: 50 };
const ROOMY = { defaultPerPage: 20, maxPerPage: 200 };

describe('rubyToInt', () => {
  it.each([
    ['42', 42],
    ['  42', 42],
    ['+7', 7],
    ['-3', -3],
    ['12abc', 12],
    ['2.9', 2],
    ['007', 7],
    ['abc', 0],
    ['', 0],
    [' ', 0],
    ['-', 0],
    ['0x10', 0],
  ])('%j → %d', (text, expected) => {
    expect(rubyToInt(text)).toBe(expected);
  });
});

describe('readPageRequest', () => {
  it('defaults: page 1 and the resource default size when absent or empty', () => {
    expect(readPageRequest(undefined, undefined, CUSTOMERS)).toEqual({ page: 1, perPage: 100 });
    expect(readPageRequest(undefined, undefined, SUPPLIERS)).toEqual({ page: 1, perPage: 50 });
    expect(readPageRequest('', '', ROOMY)).toEqual({ page: 1, perPage: 20 });
  });

  it('reads plain numbers', () => {
    expect(readPageRequest('3', '25', CUSTOMERS)).toEqual({ page: 3, perPage: 25 });
  });

  it('clamps page 0 and negative pages to 1', () => {
    expect(readPageRequest('0', undefined, CUSTOMERS).page).toBe(1);
    expect(readPageRequest('-5', undefined, CUSTOMERS).page).toBe(1);
  });

  it('clamps per_page 0 and negative sizes to 1', () => {
    expect(readPageRequest(undefined, '0', CUSTOMERS).perPage).toBe(1);
    expect(readPageRequest(undefined, '-10', CUSTOMERS).perPage).toBe(1);
  });

  it('clamps per_page above the maximum to the maximum', () => {
    expect(readPageRequest(undefined, '500', CUSTOMERS).perPage).toBe(100);
    expect(readPageRequest(undefined, '500', SUPPLIERS).perPage).toBe(50);
    expect(readPageRequest(undefined, '500', ROOMY).perPage).toBe(200);
    expect(readPageRequest(undefined, '99999999999999999999', CUSTOMERS).perPage).toBe(100);
  });

  it('reads text as Ruby to_i does: "abc" is 0, then clamped', () => {
    expect(readPageRequest('abc', 'abc', CUSTOMERS)).toEqual({ page: 1, perPage: 1 });
    expect(readPageRequest('2nd', '10 per page', CUSTOMERS)).toEqual({ page: 2, perPage: 10 });
  });

  it('an empty string means the default, not 0', () => {
    expect(readPageRequest('', '', CUSTOMERS)).toEqual({ page: 1, perPage: 100 });
    expect(readPageRequest('4', '', SUPPLIERS)).toEqual({ page: 4, perPage: 50 });
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 7 }, (_, i) => i + 1);

  it('slices the requested page', () => {
    expect(pageOf(items, { page: 1, perPage: 3 })).toEqual([1, 2, 3]);
    expect(pageOf(items, { page: 2, perPage: 3 })).toEqual([4, 5, 6]);
    expect(pageOf(items, { page: 3, perPage: 3 })).toEqual([7]);
  });

  it('is empty past the end', () => {
    expect(pageOf(items, { page: 4, perPage: 3 })).toEqual([]);
    expect(pageOf(items, { page: 1_000_000, perPage: 100 })).toEqual([]);
    expect(pageOf([], { page: 1, perPage: 100 })).toEqual([]);
  });

  it('does not change the list it pages', () => {
    const copy = [...items];
    pageOf(items, { page: 2, perPage: 2 });
    expect(items).toEqual(copy);
  });
});
