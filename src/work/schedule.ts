/**
 * Refresh schedules: a word (hourly, daily, weekly, monthly) or a cron expression (cron-parser),
 * in Belgian time, so that "0 6 * * *" means six in the morning in Namur, summer and winter.
 */
import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../errors.ts';

export const SCHEDULE_WORDS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export const SCHEDULE_TIME_ZONE = 'Europe/Brussels';

/**
 * The words run at a quiet hour rather than "24 h after the last run", so that many communes'
 * refreshes do not drift into office hours: hourly at minute 7, daily at 04:17, weekly on Monday,
 * monthly on the 1st.
 */
const WORD_CRON: Record<(typeof SCHEDULE_WORDS)[number], string> = {
  hourly: '7 * * * *',
  daily: '17 4 * * *',
  weekly: '17 4 * * 1',
  monthly: '17 4 1 * *',
};

/** A schedule as given, checked; throws a clear error when it is neither a word nor a valid cron expression. */
export function validateSchedule(schedule: string): string {
  const s = schedule.trim();
  if ((SCHEDULE_WORDS as readonly string[]).includes(s.toLowerCase())) return s.toLowerCase();
  try {
    const fields = s.split(/\s+/);
    if (fields.length < 5 || fields.length > 6) throw new Error('a cron expression has 5 fields (minute hour day month weekday)');
    const it = CronExpressionParser.parse(s, { tz: SCHEDULE_TIME_ZONE });
    const a = it.next().getTime();
    const b = it.next().getTime();
    // A source fetched every few seconds would hammer its server and fill the disk with runs.
    if (b - a < 5 * 60_000) throw new Error('runs are less than 5 minutes apart');
    return s;
  } catch (e) {
    throw new AppError('validation_failed', `The schedule "${schedule}" is not valid (${e instanceof Error ? e.message : String(e)}). Use hourly, daily, weekly, monthly, or a cron expression such as "0 6 * * 1-5" (06:00 on weekdays, Belgian time), at least 5 minutes apart.`);
  }
}

/** The next run after `after`. */
export function nextRunAt(schedule: string, after: Date): Date {
  const s = validateSchedule(schedule);
  const cron = (WORD_CRON as Record<string, string>)[s] ?? s;
  return CronExpressionParser.parse(cron, { currentDate: after, tz: SCHEDULE_TIME_ZONE }).next().toDate();
}
