import type { Device } from '../domain/types';
import type { ViewingContext } from '../pipeline/viewing-context';

/** How much of a page a device shows: rows, titles per row, and how many of each fit one screen. */
export interface DeviceLayout {
  maxRows: number;
  rowLength: number;
  /** Rows visible without scrolling: no title appears twice within a screen. */
  screenRows: number;
  /** Titles visible in a row without scrolling sideways: a row's relevance is judged on them. */
  visibleItems: number;
  /** A row shorter than this is not worth its vertical space. */
  minItems: number;
}

/**
 * A TV is browsed with a remote (few titles across, long scrolls are slow but rows are long), a
 * phone in short vertical swipes with three posters across; tablets and the web sit between.
 */
export const DEVICE_LAYOUTS: Record<Device, DeviceLayout> = {
  TV: { maxRows: 10, rowLength: 20, screenRows: 2, visibleItems: 6, minItems: 4 },
  WEB: { maxRows: 12, rowLength: 20, screenRows: 3, visibleItems: 6, minItems: 4 },
  TABLET: { maxRows: 10, rowLength: 15, screenRows: 3, visibleItems: 5, minItems: 4 },
  PHONE: { maxRows: 8, rowLength: 10, screenRows: 4, visibleItems: 3, minItems: 3 },
};

/** Where the viewer is in the session: just arrived, choosing, or browsing long without playing. */
export type SessionStage = 'ARRIVING' | 'CHOOSING' | 'BROWSING_LONG';

export function sessionStage(ctx: ViewingContext): SessionStage {
  if (ctx.sessionSeconds < 120) return 'ARRIVING';
  return ctx.sessionSeconds < 900 ? 'CHOOSING' : 'BROWSING_LONG';
}

/** Short lunch break on a weekday, when a 20-minute episode fits and a film does not. */
export const isWeekdayLunch = (ctx: ViewingContext) => ctx.localWeekday < 5 && ctx.localHour >= 11 && ctx.localHour <= 14;

/** Friday or Saturday evening: film night on the big screen. */
export const isWeekendEvening = (ctx: ViewingContext) => (ctx.localWeekday === 4 || ctx.localWeekday === 5) && ctx.localHour >= 18;
