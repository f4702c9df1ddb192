import { useRef } from 'react';

let lastKey = 0;
export const newKey = () => `k${++lastKey}`;

/**
 * Items and areas have no id of their own; these keys follow them while this editor adds, removes
 * and sorts them, so a field keeps what is typed in it. The editor changes `current` with the list.
 */
export function useStableKeys(count: number) {
  const keys = useRef<string[]>([]);
  while (keys.current.length < count) keys.current.push(newKey());
  if (keys.current.length > count) keys.current.length = count;
  return keys;
}
