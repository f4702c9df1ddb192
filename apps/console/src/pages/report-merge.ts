import type { Content } from './report-model';

type Json = unknown;

const isRecord = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Equal as data: object keys in any order, an absent key the same as undefined. */
function same(a: Json, b: Json): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => same(item, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => same(a[key], b[key]));
  }
  return a === b;
}

/**
 * Three-way merge: what this person changed since `base` goes onto `theirs`, field by field. A
 * field both changed takes this person's text (they chose to keep it); a list whose length both
 * changed is not merged item by item and takes this person's list.
 */
function merge(base: Json, mine: Json, theirs: Json): Json {
  if (same(mine, base)) return theirs;
  if (same(theirs, base)) return mine;
  if (isRecord(base) && isRecord(mine) && isRecord(theirs)) {
    const keys = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
    const merged: Record<string, Json> = {};
    for (const key of keys) {
      const value = merge(base[key], mine[key], theirs[key]);
      if (value !== undefined) merged[key] = value;
    }
    return merged;
  }
  if (Array.isArray(base) && Array.isArray(mine) && Array.isArray(theirs)) {
    if (mine.length === base.length && theirs.length === base.length) {
      return base.map((item, index) => merge(item, mine[index], theirs[index]));
    }
  }
  return mine;
}

/** The newer version with this person's own changes put in: what "keep mine" saves. */
export const mergeContents = (base: Content, mine: Content, theirs: Content): Content =>
  base.kind === mine.kind && mine.kind === theirs.kind ? (merge(base, mine, theirs) as Content) : mine;
