import { SettingsError } from "../../settings/errors";
import { resolveSettings } from "../../settings/load";
import { maintenanceWindowScheduleProblem } from "../../settings/maintenance-window";

describe("SSM maintenance window schedules", () => {
  // The Systems Manager User Guide's own maintenance window examples, and ours.
  test.each([
    "cron(0 6 ? * SUN *)",
    "cron(0 2 ? * THU#3 *)",
    "cron(15 10 ? * * *)",
    "cron(15 10 ? * MON-FRI *)",
    "cron(0 2 L * ? *)",
    "cron(15 10 ? * 6L *)",
    "cron(30 09 ? * * *)",
    "cron(0/15 * * * ? *)",
    "cron(0 4 1,15 JAN-JUN ? 2026-2030)",
    "cron(0 4 15W * ? *)",
    "rate(30 minutes)",
    "rate(1 hour)",
    "rate(5 hours)",
    "rate(1 day)",
    "rate(25 days)",
  ])("accepts %s", (schedule) => {
    expect(maintenanceWindowScheduleProblem(schedule)).toBeUndefined();
  });

  test.each([
    ["0 6 * * 0", /expected an SSM maintenance window schedule, such as cron\(0 6 \? \* SUN \*\)/],
    ["at(2026-07-07T15:55:00)", /expected an SSM maintenance window schedule/],
    ["cron(0 6 ? * SUN)", /expected six cron fields/],
    ["cron(24 0 6 ? * SUN *)", /expected six cron fields/],
    ["cron(0  6 ? * SUN *)", /expected six cron fields/],
    ["cron(0 6 * * SUN *)", /\? in exactly one of day-of-month and day-of-week/],
    ["cron(0 6 ? * ? *)", /\? in exactly one/],
    ["cron(0 24 ? * SUN *)", /hours field "24": expected values from 0 to 23/],
    ["cron(60 6 ? * SUN *)", /minutes field "60"/],
    ["cron(0 6 ? * FUNDAY *)", /day-of-week field "FUNDAY": expected a number or a name \(SUN–SAT\)/],
    ["cron(0 6 ? * SUN#6 *)", /expected #1 to #5/],
    ["cron(0 6 32 * ? *)", /day-of-month field "32"/],
    ["cron(0 6 ? 13 SUN *)", /month field "13"/],
    ["cron(0 6 ? * SUN 1969)", /year field "1969"/],
    ["cron(0/0 6 ? * SUN *)", /after \//],
    ["cron(? 6 ? * SUN *)", /\? is only for day-of-month or day-of-week/],
    ["cron(0 6 ? * MON#1,FRI *)", /# \(the n-th such day of the month\) is only for day-of-week, alone/],
    ["rate(1 days)", /rate\(1 day\) or rate\(1 days\)|singular for 1/],
    ["rate(7 day)", /singular for 1 and plural otherwise/],
    ["rate(0 days)", /at least 1/],
    ["rate(7 weeks)", /expected an SSM maintenance window schedule/],
  ])("refuses %s", (schedule, message) => {
    expect(maintenanceWindowScheduleProblem(schedule)).toMatch(message);
  });
});

describe("clusters.<key>.capacity.patching", () => {
  test("is checked at synth: a bad schedule stops the app, naming the setting", () => {
    const bad = { clusters: { a: { capacity: { patching: { schedule: "0 6 * * 0" } } } } };
    expect(() => resolveSettings(bad, "prod.json")).toThrow(SettingsError);
    expect(() => resolveSettings(bad, "prod.json")).toThrow(/^prod\.json: clusters\.a\.capacity\.patching\.schedule = "0 6 \* \* 0": expected an SSM maintenance window schedule/m);
  });

  test("defaults to weekly on, two hours from Sundays 06:00 UTC, an hour after the Docker host's reboot window has closed", () => {
    const s = resolveSettings({});
    const capacity = s.clusters.a.capacity;
    if (capacity.type !== "instance") throw new Error("cluster a is a single instance");
    expect(capacity.patching).toEqual({ enabled: true, reason: null, schedule: "cron(0 6 ? * SUN *)", durationHours: 2 });
    // Flatcar's locksmith window, by default "Sun 04:00" for "1h": over before berlin's opens.
    const [day, time] = s.dockerHost.updates.windowStart.split(" ");
    const flatcarEnds = Number(time.split(":")[0]) + Number(/^(\d+)h$/.exec(s.dockerHost.updates.windowLength)![1]);
    const [minute, hour, , , weekday] = /^cron\((.*)\)$/.exec(capacity.patching.schedule)![1].split(" ");
    expect([day.toUpperCase(), weekday]).toEqual(["SUN", "SUN"]);
    expect(Number(hour)).toBeGreaterThan(flatcarEnds);
    expect(minute).toBe("0");
  });

  test("goes off only with a reason, and the window must leave an hour to start patching in", () => {
    expect(() => resolveSettings({ clusters: { a: { capacity: { patching: { enabled: false } } } } })).toThrow(
      /clusters\.a\.capacity\.patching\.reason = null: expected a reason of at least 20 characters/,
    );
    expect(() => resolveSettings({ clusters: { a: { capacity: { patching: { durationHours: 1 } } } } })).toThrow(
      /clusters\.a\.capacity\.patching\.durationHours = 1: expected at least 2/,
    );
  });

  test("is for a single instance only: an autoscaling group is replaced instead", () => {
    expect(() => resolveSettings({ clusters: { b: { capacity: { patching: {} } } } })).toThrow(/clusters\.b\.capacity\.patching = \{\}: unknown setting/);
  });
});
