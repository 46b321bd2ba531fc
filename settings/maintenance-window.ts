// SSM maintenance window schedules, as the Systems Manager User Guide states them ("Reference: Cron and rate
// expressions for Systems Manager"): cron(...) with six fields (Minutes Hours Day-of-month Month Day-of-week Year),
// a ? in one of the two day fields, or rate(<n> <unit>) with the unit singular for 1 and plural otherwise. Stricter
// than SSM in one way: the optional seventh (seconds) field is refused, as one-time at(...) schedules are.

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names SSM accepts for the values min, min + 1, …. */
  readonly names?: readonly string[];
  /** Special forms this field accepts beyond numbers, ranges, lists, * and increments. */
  readonly special: readonly ("?" | "L" | "W" | "#")[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, special: [] },
  { name: "hours", min: 0, max: 23, special: [] },
  { name: "day-of-month", min: 1, max: 31, special: ["?", "L", "W"] },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], special: [] },
  { name: "day-of-week", min: 1, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], special: ["?", "L", "#"] },
  { name: "year", min: 1970, max: 2199, special: [] },
];

const EXAMPLE = "such as cron(0 6 ? * SUN *) (Sundays 06:00) or rate(7 days)";

/** Why `schedule` is not a maintenance window schedule SSM accepts, or undefined when it is. */
export function maintenanceWindowScheduleProblem(schedule: string): string | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(schedule);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1 || rate[1].startsWith("0")) return "expected a rate of at least 1, written without leading zeros";
    return (value === 1) === (rate[3] === "") ? undefined : `expected rate(1 ${rate[2]}) or rate(${value} ${rate[2]}s): SSM wants the unit singular for 1 and plural otherwise`;
  }
  const cron = /^cron\(([^()]*)\)$/.exec(schedule);
  if (!cron) return `expected an SSM maintenance window schedule, ${EXAMPLE}`;
  const fields = cron[1].split(" ");
  if (fields.length !== CRON_FIELDS.length) {
    return `expected six cron fields separated by single spaces (minutes hours day-of-month month day-of-week year), ${EXAMPLE}`;
  }
  for (const [i, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[i], field);
    if (problem) return `${field.name} field "${fields[i]}": ${problem}`;
  }
  if ((fields[2] === "?") === (fields[4] === "?")) {
    return "expected ? in exactly one of day-of-month and day-of-week: SSM does not take a value in both";
  }
  return undefined;
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
