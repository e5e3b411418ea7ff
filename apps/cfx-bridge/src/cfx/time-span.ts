// A .NET TimeSpan as Json.NET writes it: [-][d.]hh:mm:ss[.fffffff] ("6.00:00:00" is six days). Not ISO 8601.
const TIME_SPAN = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Seconds in a .NET TimeSpan string, or undefined if it is not one. */
export function parseTimeSpan(text: string): number | undefined {
  const m = TIME_SPAN.exec(text.trim());
  if (!m) return undefined;
  const [, minus, days, hours, minutes, seconds, fraction] = m;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const total =
    Number(days ?? 0) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds) + Number(`0.${fraction ?? '0'}`);
  return minus ? -total : total;
}
