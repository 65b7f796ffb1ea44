import { describe, expect, it } from "vitest";
import { parseCronSchedule } from "../../../src/apis/batch/v1/cron";
import { cronJobKind } from "../../../src/apis/batch/v1/cronjob";
import { isKnownTimeZone, validateTimeZone } from "../../../src/apis/batch/v1/timezone";
import { admit, ago, obj, problems, row } from "./kindtesting";

function cronJob(spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "backup", namespace: "default", creationTimestamp: ago(7200) },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: { spec: { template: { spec: { containers: [{ name: "backup", image: "busybox" }], restartPolicy: "OnFailure" } } } },
      ...spec,
    },
    ...extra,
  };
}

const errorOf = (schedule: string) => {
  const parsed = parseCronSchedule(schedule);
  return parsed.ok ? undefined : parsed.error;
};

describe("cron schedules", () => {
  it("parses the standard syntax", () => {
    const parsed = parseCronSchedule("0,30 9-17/2 * JAN-mar mon-FRI");
    expect(parsed).toEqual({
      ok: true,
      schedule: {
        kind: "fields",
        timeZone: undefined,
        minute: { values: [0, 30], star: false },
        hour: { values: [9, 11, 13, 15, 17], star: false },
        dayOfMonth: { values: Array.from({ length: 31 }, (_, i) => i + 1), star: true },
        month: { values: [1, 2, 3], star: false },
        dayOfWeek: { values: [1, 2, 3, 4, 5], star: false },
      },
    });
    for (const ok of ["*/5 * * * *", "5 0 * 8 *", "15 14 1 * *", "0 22 * * 1-5", "? * * * *", "1/10 * * * *", "0 0 31 12 6"]) expect(errorOf(ok), ok).toBeUndefined();
  });

  it("parses descriptors and intervals", () => {
    expect(parseCronSchedule("@hourly")).toMatchObject({ ok: true, schedule: { kind: "fields", minute: { values: [0] }, hour: { star: true } } });
    for (const d of ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight"]) expect(errorOf(d), d).toBeUndefined();
    expect(parseCronSchedule("@every 1h30m")).toEqual({ ok: true, schedule: { kind: "every", timeZone: undefined, seconds: 5400 } });
    expect(parseCronSchedule("@every 500ms")).toMatchObject({ schedule: { seconds: 1 } });
  });

  it("words errors as robfig/cron does", () => {
    expect(errorOf("")).toBe("empty spec string");
    expect(errorOf("* * * *")).toBe("expected exactly 5 fields, found 4: [* * * *]");
    expect(errorOf("0 0 * * * *")).toBe("expected exactly 5 fields, found 6: [0 0 * * * *]");
    expect(errorOf("60 * * * *")).toBe("end of range (60) above maximum (59): 60");
    expect(errorOf("* * 0 * *")).toBe("beginning of range (0) below minimum (1): 0");
    expect(errorOf("* * * * 7")).toBe("end of range (7) above maximum (6): 7");
    expect(errorOf("5-1 * * * *")).toBe("beginning of range (5) beyond end of range (1): 5-1");
    expect(errorOf("*/0 * * * *")).toBe("step of range should be a positive number: */0");
    expect(errorOf("1-2-3 * * * *")).toBe("too many hyphens: 1-2-3");
    expect(errorOf("*/2/3 * * * *")).toBe("too many slashes: */2/3");
    expect(errorOf("x * * * *")).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(errorOf("* * * foo *")).toBe('failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax');
    expect(errorOf("@fortnightly")).toBe("unrecognized descriptor: @fortnightly");
    expect(errorOf("@every 5d")).toBe('failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"');
    expect(errorOf("@every 5")).toBe('failed to parse duration @every 5: time: missing unit in duration "5"');
  });

  it("reads a leading time zone", () => {
    expect(parseCronSchedule("CRON_TZ=Europe/Paris 0 6 * * *")).toMatchObject({ ok: true, schedule: { timeZone: "Europe/Paris" } });
    expect(errorOf("TZ=Mars/Olympus 0 6 * * *")).toBe("provided bad location Mars/Olympus: unknown time zone Mars/Olympus");
  });
});

describe("time zones", () => {
  it("knows IANA names as Go's tz database spells them", () => {
    for (const tz of ["UTC", "Etc/UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "US/Eastern", "Etc/GMT+5"]) expect(isKnownTimeZone(tz), tz).toBe(true);
    for (const tz of ["utc", "europe/berlin", "Mars/Olympus", "+01:00", "GMT+5"]) expect(isKnownTimeZone(tz), tz).toBe(false);
  });

  it("words errors as batch/validation does", () => {
    const messages = (tz: string) => validateTimeZone(tz, "spec.timeZone").map((c) => c.message);
    expect(messages("Europe/Berlin")).toEqual([]);
    expect(messages("")).toEqual(['Invalid value: "": timeZone must be nil or non-empty string']);
    expect(messages("Mars/Olympus")).toEqual(['Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
    expect(messages("../etc/passwd")).toEqual(['Invalid value: "../etc/passwd": unknown time zone ../etc/passwd']);
    expect(messages("Local")).toEqual(['Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
  });
});

describe("CronJob", () => {
  it("defaults as Kubernetes does, the pod template included but not the Job's own defaults", () => {
    const cj = admit(cronJobKind, cronJob());
    expect(cj.spec).toMatchObject({ concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec).toMatchObject({ jobTemplate: { spec: { template: { spec: { dnsPolicy: "ClusterFirst" } } } } });
    expect((cj.spec as { jobTemplate: { spec: object } }).jobTemplate.spec).not.toHaveProperty("backoffLimit");
    expect(problems(cronJobKind, cj)).toEqual([]);
  });

  it("rejects bad schedules, time zones and policies", () => {
    const cj = admit(cronJobKind, cronJob({ schedule: "61 * * * *", timeZone: "Mars/Olympus", concurrencyPolicy: "Sometimes", startingDeadlineSeconds: -1 }));
    expect(problems(cronJobKind, cj)).toEqual([
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
      "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]);
    expect(problems(cronJobKind, admit(cronJobKind, cronJob({ schedule: "" })))).toEqual(["spec.schedule: Required value"]);
  });

  it("wants the time zone in its own field", () => {
    const cj = admit(cronJobKind, cronJob({ schedule: "TZ=UTC 0 * * * *" }));
    expect(problems(cronJobKind, cj)).toEqual(['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
    // An object that already had one may keep it, but not together with timeZone.
    expect(problems(cronJobKind, cj, cj)).toEqual([]);
    const both = admit(cronJobKind, cronJob({ schedule: "TZ=UTC 0 * * * *", timeZone: "UTC" }));
    expect(problems(cronJobKind, both, cj)).toEqual(['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule']);
  });

  it("generates the jobs' selector itself", () => {
    const base = cronJob();
    const jobSpec = { ...base.spec.jobTemplate.spec, selector: { matchLabels: { a: "b" } }, manualSelector: true };
    const cj = admit(cronJobKind, cronJob({ jobTemplate: { spec: jobSpec } }));
    expect(problems(cronJobKind, cj)).toEqual([
      'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
      'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
    ]);
  });

  it("checks the job template and the name length on create only", () => {
    const long = { ...cronJob(), metadata: { name: "n".repeat(53), namespace: "default" } };
    const cj = admit(cronJobKind, long);
    expect(problems(cronJobKind, cj)).toEqual([`metadata.name: Invalid value: "${"n".repeat(53)}": must be no more than 52 characters`]);
    expect(problems(cronJobKind, cj, cj)).toEqual([]);
    const always = admit(cronJobKind, cronJob({ jobTemplate: { spec: { template: { spec: { containers: [{ name: "a", image: "b" }] } } } } }));
    expect(problems(cronJobKind, always)).toEqual(['spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  });

  it("shows SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE", () => {
    const status = { active: [{ kind: "Job", name: "backup-1", namespace: "default" }], lastScheduleTime: ago(42) };
    const cj = obj(cronJob({ timeZone: "Europe/Berlin", suspend: false }, { status }));
    expect(row(cronJobKind, cj)).toEqual({
      Schedule: "*/5 * * * *",
      Timezone: "Europe/Berlin",
      Suspend: "False",
      Active: 1,
      "Last Schedule": "42s",
      Age: "120m",
      Containers: "backup",
      Images: "busybox",
      Selector: "<none>",
    });
    expect(row(cronJobKind, obj(cronJob()))).toMatchObject({ Timezone: "<none>", Suspend: "<unset>", Active: 0, "Last Schedule": "<none>" });
  });
});
