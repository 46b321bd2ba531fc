// The six-field cron expressions of AWS schedules (EventBridge "Cron expressions reference", which the Systems
// Manager and AWS Backup guides repeat): Minutes Hours Day-of-month Month Day-of-week Year, with a ? in exactly one
// of the two day fields. Shared by SSM maintenance windows and AWS Backup plans.
import { AWS_RULES } from "./aws-rules";

export interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names AWS accepts for the values min, min + 1, …. */
  readonly names?: readonly string[];
  /** Special forms this field accepts beyond numbers, ranges, lists, * and increments. */
  readonly special: readonly ("?" | "L" | "W" | "#")[];
}

export const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, special: [] },
  { name: "hours", min: 0, max: 23, special: [] },
  { name: "day-of-month", min: 1, max: 31, special: ["?", "L", "W"] },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], special: [] },
  { name: "day-of-week", min: 1, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], special: ["?", "L", "#"] },
  { name: "year", min: 1970, max: 2199, special: [] },
];

/**
 * Why the body of `cron(...)` is not six valid fields, or undefined when it is. `service` names who refuses a value
 * in both day fields; `example` ends the message about the field count.
 */
export function cronProblem(body: string, service: string, example: string): string | undefined {
  const fields = body.split(" ");
  if (fields.length !== CRON_FIELDS.length) {
    return `expected six cron fields separated by single spaces (minutes hours day-of-month month day-of-week year), ${example}`;
  }
  for (const [i, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[i], field);
    if (problem) return `${field.name} field "${fields[i]}": ${problem}`;
  }
  if ((fields[2] === "?") === (fields[4] === "?")) {
    return `expected ? in exactly one of day-of-month and day-of-week: ${service} does not take a value in both`;
  }
  return undefined;
}

/** The minutes of the hour a valid minutes field names (`0/15` → 0, 15, 30, 45). */
export function cronMinutes(text: string): number[] {
  const minutes = new Set<number>();
  for (const item of text.split(",")) {
    const [base, step] = item.split("/");
    const [from, to] = base === "*" ? ["0", "59"] : base.split("-");
    const last = to ?? (step === undefined ? from : "59");
    for (let m = Number(from); m <= Number(last); m += step === undefined ? 1 : Number(step)) minutes.add(m);
  }
  return [...minutes].sort((a, b) => a - b);
}

function cronFieldProblem(text: string, field: CronField): string | undefined {
  const allows = (form: CronField["special"][number]) => field.special.includes(form);
  if (text === "?") return allows("?") ? undefined : "? is only for day-of-month or day-of-week";
  if (text === "L" && allows("L")) return undefined;
  const items = text.split(",");
  for (const item of items) {
    const problem = cronItemProblem(item, field, allows, items.length > 1);
    if (problem) return problem;
  }
  return undefined;
}

function cronItemProblem(item: string, field: CronField, allows: (form: "?" | "L" | "W" | "#") => boolean, inList: boolean): string | undefined {
  const value = (token: string): number | undefined => {
    const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
    if (named >= 0) return field.min + named;
    return /^\d+$/.test(token) ? Number(token) : undefined;
  };
  const inRange = (token: string): string | undefined => {
    const v = value(token);
    if (v === undefined) return `expected a number${field.names ? ` or a name (${field.names[0]}–${field.names[field.names.length - 1]})` : ""}, not "${token}"`;
    return v < field.min || v > field.max ? `expected values from ${field.min} to ${field.max}, not ${token}` : undefined;
  };
  // Day-of-week: the n-th such day of the month (THU#3), or the last one (6L); day-of-month: the weekday nearest (15W).
  const nth = /^([^#]+)#(\d)$/.exec(item);
  if (nth) {
    if (!allows("#") || inList) return "# (the n-th such day of the month) is only for day-of-week, alone";
    return inRange(nth[1]) ?? (Number(nth[2]) >= 1 && Number(nth[2]) <= 5 ? undefined : "expected #1 to #5 after the day");
  }
  const last = /^(.+)L$/.exec(item);
  if (last && allows("L") && field.name === "day-of-week") return inRange(last[1]);
  const weekday = /^(.+)W$/.exec(item);
  if (weekday && allows("W")) return inRange(weekday[1]);
  const [base, step, ...extra] = item.split("/");
  if (extra.length > 0) return "expected at most one /";
  if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return `expected a whole number of at least 1 after /, not "${step}"`;
  if (base === "*") return undefined;
  const [from, to, ...more] = base.split("-");
  if (more.length > 0) return "expected a range of two values, such as MON-FRI";
  return inRange(from) ?? (to === undefined ? undefined : inRange(to));
}

const BACKUP_EXAMPLE = "such as cron(0 3 * * ? *) (daily 03:00 UTC)";

/** Why `schedule` is not an AWS Backup schedule, or undefined: a valid cron, at most once an hour. */
export function backupScheduleProblem(schedule: string): string | undefined {
  const cron = /^cron\(([^()]*)\)$/.exec(schedule);
  if (!cron) return `expected an AWS Backup cron expression ${BACKUP_EXAMPLE}: ${AWS_RULES.backupSchedule.rule}`;
  const problem = cronProblem(cron[1], "AWS Backup", BACKUP_EXAMPLE);
  if (problem) return `${problem}: ${AWS_RULES.backupSchedule.rule}`;
  const minutes = cronMinutes(cron[1].split(" ")[0]);
  if (minutes.length > 1) {
    return `expected one minute of the hour in the minutes field, not ${minutes.length}: ${AWS_RULES.backupSchedule.rule}`;
  }
  return undefined;
}
