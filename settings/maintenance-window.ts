// SSM maintenance window schedules, as the Systems Manager User Guide states them ("Reference: Cron and rate
// expressions for Systems Manager"): cron(...) with six fields (Minutes Hours Day-of-month Month Day-of-week Year),
// a ? in one of the two day fields, or rate(<n> <unit>) with the unit singular for 1 and plural otherwise. Stricter
// than SSM in one way: the optional seventh (seconds) field is refused, as one-time at(...) schedules are.
import { cronProblem } from "./aws-cron";

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
  return cronProblem(cron[1], "SSM", EXAMPLE);
}

