import { Construct } from "constructs";
import { Annotations } from "cdktf";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import type { BackupLockSettings } from "../settings/schema";
import { MANAGED_POLICIES, ServiceRole } from "./iam";
import { jsonDocument } from "./json-document";

export interface VolumeBackupsProps {
  /** Prefix of the vault, plan and selection names. */
  readonly name: string;
  /** Prefix of the role's name: IAM names are account-wide, so it should name the region. */
  readonly iamName: string;
  /** When recovery points are made, as an AWS Backup cron expression (UTC). */
  readonly schedule: string;
  /** Days each recovery point is kept. */
  readonly retentionDays: number;
  /** ARNs of the EBS volumes to back up: the ones the stack created and existing ones alike. */
  readonly volumeArns: string[];
  /**
   * The vault's access policy and lock (settings `backups.lock`); off only with a reason.
   * @default on, in governance mode, for at least retentionDays
   */
  readonly lock?: BackupLockSettings;
}

/** What a recovery point must survive: nobody may delete it or change its lifecycle through AWS Backup. */
const PROTECTED_ACTIONS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"];

/**
 * Scheduled AWS Backup of EBS volumes, chosen by ARN: a volume the stack created and one given by ID are covered
 * alike, and nothing else is. Recovery points land in a vault of their own, encrypted by AWS Backup's key, and
 * are deleted after the retention, not before: the vault's policy denies deleting them to everyone, and a vault
 * lock keeps them at least the lock's minimum. (DLM would select volumes by tag, which an existing volume does not
 * carry.)
 */
export class VolumeBackups extends Construct {
  public readonly vault: BackupVault;
  public readonly plan: BackupPlan;
  public readonly selection: BackupSelection;
  public readonly role: ServiceRole;
  /** The vault's access policy; undefined when the lock is off. */
  public readonly vaultPolicy?: BackupVaultPolicy;
  /** The vault lock; undefined when it is off. */
  public readonly vaultLock?: BackupVaultLockConfiguration;

  constructor(scope: Construct, id: string, props: VolumeBackupsProps) {
    super(scope, id);
    const lock = props.lock ?? { enabled: true, reason: null, mode: "governance", minRetentionDays: null, changeableForDays: 3 };
    const minRetentionDays = lock.minRetentionDays ?? props.retentionDays;
    if (lock.enabled && minRetentionDays > props.retentionDays) {
      throw new Error(
        `${this.node.path}: lock.minRetentionDays (${minRetentionDays}) exceeds retentionDays (${props.retentionDays}): the vault lock would fail every backup job`,
      );
    }
    this.vault = new BackupVault(this, "vault", { name: `${props.name}-data` });
    if (lock.enabled) {
      // Everyone, with no exception: recovery points leave by the plan's lifecycle, which AWS Backup runs itself
      // (AWS's own EFS vaults deny the same), and an exempt role would be the first thing a stolen one tries.
      // A new retention goes through the plan, for new points; the lock still guards them from whoever removes this policy.
      this.vaultPolicy = new BackupVaultPolicy(this, "vault-policy", {
        backupVaultName: this.vault.name,
        policy: jsonDocument({
          Version: "2012-10-17",
          Statement: [{ Sid: "RecoveryPointsOutliveMistakes", Effect: "Deny", Principal: { AWS: "*" }, Action: PROTECTED_ACTIONS, Resource: "*" }],
        }),
      });
      this.vaultLock = new BackupVaultLockConfiguration(this, "vault-lock", {
        backupVaultName: this.vault.name,
        minRetentionDays,
        // Governance mode has no grace period; compliance mode's is the time to undo it, after which nobody can.
        ...(lock.mode === "compliance" ? { changeableForDays: lock.changeableForDays } : {}),
      });
    } else {
      Annotations.of(this).addWarning(`backups.lock.enabled is false, so recovery points can be deleted before their retention ends: ${lock.reason}`);
    }
    this.plan = new BackupPlan(this, "plan", {
      // No recovery point lands before the vault protects it.
      dependsOn: this.vaultPolicy && this.vaultLock && [this.vaultPolicy, this.vaultLock],
      name: `${props.name}-data`,
      rule: [
        {
          ruleName: "scheduled",
          targetVaultName: this.vault.name,
          schedule: props.schedule,
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: props.retentionDays },
        },
      ],
    });
    // AWS's managed policies: making recovery points, and restoring them (docs/backups-and-environments.md, Restore).
    this.role = new ServiceRole(this, "role", {
      name: `${props.iamName}-backup`,
      principal: "backup.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.backup, MANAGED_POLICIES.backupRestores],
    });
    this.selection = new BackupSelection(this, "selection", {
      // A job that starts before the policies are attached fails.
      dependsOn: this.role.policies,
      name: `${props.name}-data-volumes`,
      planId: this.plan.id,
      iamRoleArn: this.role.role.arn,
      resources: props.volumeArns,
    });
  }
}
