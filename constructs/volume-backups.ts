import { Construct } from "constructs";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { MANAGED_POLICIES, ServiceRole } from "./iam";

export interface VolumeBackupsProps {
  /** Prefix of the vault, plan, selection and role names. */
  readonly name: string;
  /** When recovery points are made, as an AWS Backup cron expression (UTC). */
  readonly schedule: string;
  /** Days each recovery point is kept. */
  readonly retentionDays: number;
  /** ARNs of the EBS volumes to back up: the ones the stack created and existing ones alike. */
  readonly volumeArns: string[];
}

/**
 * Scheduled AWS Backup of EBS volumes, chosen by ARN: a volume the stack created and one given by ID are covered
 * alike, and nothing else is. Recovery points land in a vault of their own, encrypted by AWS Backup's key, and
 * are deleted after the retention. (DLM would select volumes by tag, which an existing volume does not carry.)
 */
export class VolumeBackups extends Construct {
  public readonly vault: BackupVault;
  public readonly plan: BackupPlan;
  public readonly selection: BackupSelection;
  public readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: VolumeBackupsProps) {
    super(scope, id);
    this.vault = new BackupVault(this, "vault", { name: `${props.name}-data` });
    this.plan = new BackupPlan(this, "plan", {
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
    // AWS's managed policies for the service: making recovery points, and restoring them (README: Restore).
    this.role = new ServiceRole(this, "role", {
      name: `${props.name}-backup`,
      principal: "backup.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.backup, MANAGED_POLICIES.backupRestores],
    });
    this.selection = new BackupSelection(this, "selection", {
      name: `${props.name}-data-volumes`,
      planId: this.plan.id,
      iamRoleArn: this.role.role.arn,
      resources: props.volumeArns,
    });
  }
}
