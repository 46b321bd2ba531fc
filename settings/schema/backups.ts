// Backups of the data volumes with AWS Backup, and the vault lock that keeps their recovery points.
import { z } from "zod";
import { backupScheduleProblem } from "../aws-cron";
import { AWS_RULES } from "../aws-rules";
import { checkedBy, offReason, requireReason } from "./common";

/** Recovery points that outlive a mistake or a stolen deploy role. */
export const backupLock = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("A vault access policy that denies everyone deleting a recovery point or changing its lifecycle, and an AWS Backup Vault Lock that keeps each one minRetentionDays"),
    reason: offReason(null),
    mode: z
      .enum(["governance", "compliance"])
      .default("governance")
      .describe(
        "governance: the lock holds until someone allowed backup:DeleteBackupVaultLockConfiguration removes it, a deliberate step CloudTrail records. compliance: once changeableForDays have passed nobody, the root user included, can change or remove the lock (a deploy that would, fails), delete a recovery point before minRetentionDays, or delete the vault while it holds one; irreversible, for data that must be kept",
      ),
    minRetentionDays: z
      .int()
      .min(1)
      .max(36500)
      .nullable()
      .default(null)
      .describe("Days a recovery point is kept at least (AWS Backup fails a backup job that would keep one shorter): at most backups.retentionDays; null: backups.retentionDays (governance mode only). A change replaces the lock"),
    changeableForDays: z
      .int()
      .min(3)
      .max(36500)
      .default(3)
      .describe("compliance mode only: days after the deploy during which the lock can still be changed or removed; then it is fixed for good"),
  })
  .prefault({})
  .superRefine((lock, ctx) => {
    requireReason(lock, ctx);
    // Every change of a lock replaces it, which compliance mode refuses once its grace period is over.
    if (lock.enabled && lock.mode === "compliance" && lock.minRetentionDays === null) {
      ctx.addIssue({
        code: "custom",
        path: ["minRetentionDays"],
        message: "expected a number of days in compliance mode: a lock that follows backups.retentionDays would have to be replaced when that changes, which compliance mode refuses after changeableForDays",
      });
    }
  })
  .describe("Protection of the recovery points in the backup vault");

export const backups = z
  .strictObject({
    enabled: z.boolean().default(true).describe("AWS Backup of every data volume"),
    reason: offReason("CKV2_AWS_9"),
    schedule: z
      .string()
      .regex(/^cron\([^()]+\)$/, { error: `expected an AWS Backup cron expression such as cron(0 3 * * ? *): ${AWS_RULES.backupSchedule.rule}` })
      // The fields and the frequency, once the shape is right: a malformed one is reported once, above.
      .superRefine(checkedBy((schedule) => (/^cron\([^()]+\)$/.test(schedule) ? backupScheduleProblem(schedule) : undefined)))
      .default("cron(0 3 * * ? *)")
      .describe("When recovery points are made (UTC), as an AWS Backup cron expression, at most hourly"),
    retentionDays: z.int().min(1).max(36500).default(35).describe("Days each recovery point is kept"),
    lock: backupLock,
  })
  .prefault({})
  .superRefine((backups, ctx) => {
    requireReason(backups, ctx);
    const { lock } = backups;
    if (backups.enabled && lock.enabled && lock.minRetentionDays !== null && lock.minRetentionDays > backups.retentionDays) {
      ctx.addIssue({
        code: "custom",
        path: ["lock", "minRetentionDays"],
        message: `expected at most backups.retentionDays (${backups.retentionDays}): the vault lock would fail every backup job, as each keeps its recovery point shorter than the lock's minimum`,
      });
    }
  })
  .describe("Backups of the ECS data volume and the Docker host's data volume");
