// Backups that survive a bad day: a vault policy denies everyone deleting a recovery point or changing its
// lifecycle, and a vault lock keeps each one its minimum; off only with a reason, and never longer than the plan.
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type VolumeBackupsProps, VolumeBackups } from "../../constructs/volume-backups";
import { SettingsError } from "../../settings/errors";
import { resolveSettings } from "../../settings/load";
import { buildStacks, documentOf, only, resourcesOf, synthesize } from "../helpers";

function synth(props: Partial<VolumeBackupsProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "t");
  new AwsProvider(stack, "aws", { region: "us-west-1" });
  const backups = new VolumeBackups(stack, "backups", {
    name: "soa",
    iamName: "soa-us-west-1",
    schedule: "cron(0 3 * * ? *)",
    retentionDays: 35,
    volumeArns: ["arn:aws:ec2:us-west-1:123456789012:volume/vol-0123456789abcdef0"],
    ...props,
  });
  const warnings = backups.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
  return { json: JSON.parse(Testing.synth(stack)), warnings };
}

const LOCK = { enabled: true, reason: null, mode: "governance", minRetentionDays: null, changeableForDays: 3 } as const;

describe("by default (the built-in settings)", () => {
  const { json } = synthesize(buildStacks().aws);

  test("the vault policy denies everyone, with no exception, deleting a recovery point or changing its lifecycle", () => {
    const policy = only(json, "aws_backup_vault_policy");
    expect(policy.backup_vault_name).toMatch(/^\$\{aws_backup_vault\.[^.]+\.name\}$/);
    expect(documentOf(policy.policy).Statement).toEqual([
      {
        Sid: "RecoveryPointsOutliveMistakes",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
        Resource: "*",
      },
    ]);
  });

  test("a governance-mode lock (no grace period) keeps every recovery point the plan's 35 days", () => {
    const lock = only(json, "aws_backup_vault_lock_configuration");
    expect(lock).toEqual({ backup_vault_name: only(json, "aws_backup_vault_policy").backup_vault_name, min_retention_days: 35 });
    expect(lock).not.toHaveProperty("changeable_for_days");
  });

  test("no recovery point lands before the vault is protected, and no job starts before its role has its policies", () => {
    const addresses = (type: string) => Object.keys(resourcesOf(json, type)).map((n) => `${type}.${n}`);
    expect(only(json, "aws_backup_plan").depends_on.sort()).toEqual([...addresses("aws_backup_vault_lock_configuration"), ...addresses("aws_backup_vault_policy")].sort());
    const attachments = addresses("aws_iam_role_policy_attachment").filter((a) => a.includes("backups_role"));
    expect(attachments).toHaveLength(2);
    expect(only(json, "aws_backup_selection").depends_on).toEqual(attachments);
  });
});

test("compliance mode sets the grace period after which nobody can change or remove the lock", () => {
  const { json } = synth({ lock: { ...LOCK, mode: "compliance", minRetentionDays: 30, changeableForDays: 7 } });
  expect(only(json, "aws_backup_vault_lock_configuration")).toMatchObject({ min_retention_days: 30, changeable_for_days: 7 });
});

test("off, there is neither policy nor lock, and every synthesis warns with the reason", () => {
  const { json, warnings } = synth({ lock: { ...LOCK, enabled: false, reason: "a throwaway test account, torn down nightly" } });
  expect(json.resource.aws_backup_vault_policy).toBeUndefined();
  expect(json.resource.aws_backup_vault_lock_configuration).toBeUndefined();
  expect(only(json, "aws_backup_plan").depends_on).toBeUndefined();
  expect(warnings).toEqual([expect.stringContaining("backups.lock.enabled is false, so recovery points can be deleted before their retention ends: a throwaway test account")]);
});

test("the construct refuses a lock minimum beyond the retention, naming both", () => {
  expect(() => synth({ retentionDays: 7, lock: { ...LOCK, minRetentionDays: 30 } })).toThrow(
    /backups: lock.minRetentionDays \(30\) exceeds retentionDays \(7\)/,
  );
});

describe("settings", () => {
  const problems = (overrides: unknown) => {
    try {
      resolveSettings(overrides);
    } catch (error) {
      if (error instanceof SettingsError) return error.message;
      throw error;
    }
    return "";
  };

  test("a lock minimum beyond backups.retentionDays is refused before synthesis, naming both fields", () => {
    expect(problems({ backups: { retentionDays: 14, lock: { minRetentionDays: 30 } } })).toMatch(
      /backups\.lock\.minRetentionDays = 30: expected at most backups\.retentionDays \(14\)/,
    );
    expect(problems({ backups: { retentionDays: 30, lock: { minRetentionDays: 30 } } })).toBe("");
  });

  test("the lock is off only with a reason, and compliance mode's grace period is at least 3 days", () => {
    expect(problems({ backups: { lock: { enabled: false } } })).toMatch(/backups\.lock\.reason = null: expected a reason of at least 20 characters/);
    expect(problems({ backups: { lock: { enabled: false, reason: "a throwaway test account, torn down nightly" } } })).toBe("");
    expect(problems({ backups: { lock: { mode: "compliance", minRetentionDays: 30, changeableForDays: 2 } } })).toMatch(/backups\.lock\.changeableForDays = 2/);
  });

  test("compliance mode needs its own minimum: one that follows retentionDays would need a replacement the lock refuses", () => {
    expect(problems({ backups: { lock: { mode: "compliance" } } })).toMatch(/backups\.lock\.minRetentionDays = null: expected a number of days in compliance mode/);
    expect(problems({ backups: { lock: { mode: "compliance", minRetentionDays: 30 } } })).toBe("");
  });
});
