import type { Title } from './types';

/** Whether `title` may be shown to a viewer in `country` at `at`. */
export function availableIn(title: Title, country: string, at: number): boolean {
  const a = title.availability;
  if (!a) return true;
  if (a.countries && !a.countries.includes(country)) return false;
  return (a.from === undefined || at >= a.from) && (a.until === undefined || at < a.until);
}
