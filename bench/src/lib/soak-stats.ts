export function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Nearest-rank percentile of ascending values; NaN when there are none. */
export function percentile(ascending: Float64Array, p: number): number {
  if (ascending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * ascending.length);
  return ascending[Math.min(ascending.length, Math.max(1, rank)) - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(sorted(values), 50);
}

/** All windows' latencies in one ascending array, to take percentiles over a span of windows. */
export function pooled(parts: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all.sort();
}

export interface Trend {
  slope: number;
  /** The slope's standard error: how far noise alone moves it. */
  standardError: number;
}

/** Least-squares line of y over x; NaN where fewer than three points or one x cannot tell. */
export function trend(points: readonly (readonly [number, number])[]): Trend {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  if (n < 3 || variance === 0) return { slope: Number.NaN, standardError: Number.NaN };
  const slope = covariance / variance;
  const residuals = points.reduce((sum, [x, y]) => sum + (y - meanY - slope * (x - meanX)) ** 2, 0);
  return { slope, standardError: Math.sqrt(residuals / (n - 2) / variance) };
}

/**
 * Theil–Sen slope of y over x: the median of the slopes between every pair of points. One odd
 * point (a sample caught before a collection) moves it little, where it tips a least-squares
 * line. NaN with fewer than two points.
 */
export function medianSlope(points: readonly (readonly [number, number])[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const [x1, y1] = points[i] as readonly [number, number];
      const [x2, y2] = points[j] as readonly [number, number];
      if (x2 !== x1) slopes.push((y2 - y1) / (x2 - x1));
    }
  }
  return slopes.length === 0 ? Number.NaN : median(slopes);
}
