import { Construct } from "constructs";
import { SsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { SsmPatchBaseline } from "@cdktf/provider-aws/lib/ssm-patch-baseline";
import { SsmPatchGroup } from "@cdktf/provider-aws/lib/ssm-patch-group";
import { maintenanceWindowScheduleProblem } from "../settings/maintenance-window";

/**
 * The instance tag Patch Manager reads the patch group from. Spelled without a space, it also works once instance
 * metadata tags are on, where "Patch Group" would not (Systems Manager User Guide, Patch groups).
 */
export const PATCH_GROUP_TAG = "PatchGroup";

/** The last hour of the window, in which no patching starts: a reboot then still ends inside the window. */
const CUTOFF_HOURS = 1;

export interface PatchScheduleProps {
  /** Name of the patch baseline, the patch group and the maintenance window. */
  readonly name: string;
  /**
   * The instance to patch: Amazon Linux 2023 with SSM Agent running (the ECS-optimized AMI has it) and a role with
   * AmazonSSMManagedInstanceCore, tagged PATCH_GROUP_TAG = `name` so that the baseline here applies to it.
   */
  readonly instanceId: string;
  /** When the window opens (UTC): an SSM maintenance window cron or rate expression. */
  readonly schedule: string;
  /** Hours the window stays open, 2 to 24; patching starts no later than an hour before it closes. */
  readonly durationHours: number;
}

/**
 * An Amazon Linux 2023 instance patched in place on a schedule: a patch baseline of its own, and a maintenance
 * window that runs AWS-RunPatchBaseline on it (Install, rebooting only when an update needs it).
 */
export class PatchSchedule extends Construct {
  public readonly baseline: SsmPatchBaseline;
  public readonly patchGroup: SsmPatchGroup;
  public readonly window: SsmMaintenanceWindow;
  public readonly target: SsmMaintenanceWindowTarget;
  public readonly task: SsmMaintenanceWindowTask;

  constructor(scope: Construct, id: string, props: PatchScheduleProps) {
    super(scope, id);
    const scheduleProblem = maintenanceWindowScheduleProblem(props.schedule);
    if (scheduleProblem) throw new Error(`PatchSchedule ${this.node.path}: schedule "${props.schedule}": ${scheduleProblem}`);
    if (!Number.isInteger(props.durationHours) || props.durationHours <= CUTOFF_HOURS || props.durationHours > 24) {
      throw new Error(`PatchSchedule ${this.node.path}: durationHours ${props.durationHours}: expected a whole number of hours from ${CUTOFF_HOURS + 1} to 24`);
    }

    // Declared here rather than left to the account's default baseline for the OS, which anyone may change.
    this.baseline = new SsmPatchBaseline(this, "baseline", {
      name: props.name,
      description: "Amazon Linux 2023 security updates of every severity, approved 7 days after release",
      operatingSystem: "AMAZON_LINUX_2023",
      // A week in which a broken update can be withdrawn before it reaches an instance that is never replaced.
      approvalRule: [{ approveAfterDays: 7, patchFilter: [{ key: "CLASSIFICATION", values: ["Security"] }] }],
    });
    this.patchGroup = new SsmPatchGroup(this, "patch-group", { baselineId: this.baseline.id, patchGroup: props.name });

    this.window = new SsmMaintenanceWindow(this, "window", {
      name: `${props.name}-patching`,
      description: `Patches ${props.name} in place; its containers stop while it reboots`,
      schedule: props.schedule,
      duration: props.durationHours,
      cutoff: CUTOFF_HOURS,
      allowUnassociatedTargets: false,
    });
    this.target = new SsmMaintenanceWindowTarget(this, "target", {
      windowId: this.window.id,
      name: props.name,
      resourceType: "INSTANCE",
      // By ID: a replaced instance is the new target at the same apply.
      targets: [{ key: "InstanceIds", values: [props.instanceId] }],
    });
    this.task = new SsmMaintenanceWindowTask(this, "task", {
      windowId: this.window.id,
      name: `${props.name}-install-patches`,
      description: "AWS-RunPatchBaseline: install what the patch group's baseline approves, reboot if an update needs it",
      taskType: "RUN_COMMAND",
      taskArn: "AWS-RunPatchBaseline",
      priority: 1,
      maxConcurrency: "1",
      maxErrors: "0",
      targets: [{ key: "WindowTargetIds", values: [this.target.id] }],
      // No service role: Systems Manager runs the task with its service-linked role, AWSServiceRoleForAmazonSSM,
      // and creates that role when the task is registered if the account has none. A role of our own would need
      // ssm:ListCommands and ssm:ListCommandInvocations, which take no resource but "*": policy rule CKV_AWS_355.
      taskInvocationParameters: {
        runCommandParameters: {
          timeoutSeconds: 600,
          parameter: [
            { name: "Operation", values: ["Install"] },
            { name: "RebootOption", values: ["RebootIfNeeded"] },
          ],
        },
      },
    });
  }
}
