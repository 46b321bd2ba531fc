import { Construct } from "constructs";
import { type ITerraformDependable, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { jsonDocument } from "./json-document";

const managedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;

/** AWS-managed policies, maintained by AWS as the services change, instead of hand-written wildcards. */
export const MANAGED_POLICIES = {
  ecsForEc2: managedPolicy("service-role/AmazonEC2ContainerServiceforEC2Role"),
  ssmCore: managedPolicy("AmazonSSMManagedInstanceCore"),
  ecsTaskExecution: managedPolicy("service-role/AmazonECSTaskExecutionRolePolicy"),
  backup: managedPolicy("service-role/AWSBackupServiceRolePolicyForBackup"),
  backupRestores: managedPolicy("service-role/AWSBackupServiceRolePolicyForRestores"),
};

/** The account, partition and region a stack deploys to, read once per stack from the provider's credentials. */
export class AwsAccount extends Construct {
  public readonly accountId: string;
  public readonly partition: string;
  public readonly region: string;

  /** The stack's one instance, made on first use. */
  static of(scope: Construct): AwsAccount {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild("aws-account") as AwsAccount | undefined) ?? new AwsAccount(stack, "aws-account");
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, "caller").accountId;
    this.partition = new DataAwsPartition(this, "partition").partition;
    this.region = new DataAwsRegion(this, "region").name;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` of this account and region. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}

/**
 * What each service we let assume a role presents when it does, as that service's guide documents it. The trust
 * policy requires it, so no other account's resources can borrow the role (the confused deputy). A service not
 * listed here has not been looked up, and the type system keeps it out of ServiceRole.
 */
const SERVICE_TRUST = {
  // VPC guide, "IAM role for publishing flow logs to CloudWatch Logs": both keys; the flow log's ID is not known
  // before the role exists, so any flow log of this account and region.
  "vpc-flow-logs.amazonaws.com": { sourceArn: (a: AwsAccount) => a.arn("ec2", "vpc-flow-log/*") },
  // ECS guide, "Amazon ECS task IAM role": both keys, ECS resources of the account and region (a single cluster
  // is not supported). The execution role is assumed the same way, by the same principal, for a task.
  "ecs-tasks.amazonaws.com": { sourceArn: (a: AwsAccount) => a.arn("ecs", "*") },
  // AWS Backup recommends the keys but documents no source ARN for its service role: it assumes the role for the
  // plan's jobs, for restores started by hand and for the lifecycle, so the account alone.
  "backup.amazonaws.com": { sourceArn: undefined },
  // EC2 presents neither key: its role is reached only through the instance profile, which iam:PassRole guards.
  "ec2.amazonaws.com": null,
} as const;

/** A service principal whose trust conditions are known (SERVICE_TRUST). */
export type TrustedService = keyof typeof SERVICE_TRUST;

/** The trust policy statement that lets `service` assume a role, with the conditions it documents. */
export function trustStatement(scope: Construct, service: TrustedService): Record<string, unknown> {
  const trust = SERVICE_TRUST[service];
  const statement = { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" };
  if (trust === null) return statement;
  const account = AwsAccount.of(scope);
  const sourceArn = trust.sourceArn?.(account);
  return {
    ...statement,
    Condition: {
      StringEquals: { "aws:SourceAccount": account.accountId },
      ...(sourceArn ? { ArnLike: { "aws:SourceArn": sourceArn } } : {}),
    },
  };
}

export interface ServiceRoleProps {
  /** Role name; IAM names are account-wide, so it should name the region. */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `ecs-tasks.amazonaws.com`. */
  readonly principal: TrustedService;
  /** ARNs of managed policies to attach. */
  readonly managedPolicyArns: string[];
  /**
   * Statements of an inline policy; each must name its actions and resources.
   * @default no inline policy
   */
  readonly statements?: PolicyStatement[];
}

export interface PolicyStatement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string[];
  readonly Resource: string[];
}

// A new name (a new region or prefix) replaces the role. Made before the old one goes, the services switch over
// to a role that already has its policies, and the old one is removed last; the names differ, so both can exist.
const REPLACE_SAFELY = { createBeforeDestroy: true };

/** An IAM role that one AWS service assumes, with managed policies and an optional inline policy. */
export class ServiceRole extends Construct {
  public readonly role: IamRole;
  /** The policies and attachments: a service that uses the role as soon as it starts depends on them. */
  public readonly policies: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      assumeRolePolicy: jsonDocument({ Version: "2012-10-17", Statement: [trustStatement(this, props.principal)] }),
      lifecycle: REPLACE_SAFELY,
    });
    props.managedPolicyArns.forEach((policyArn, i) => {
      this.policies.push(new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn, lifecycle: REPLACE_SAFELY }));
    });
    if (props.statements?.length) {
      this.policies.push(
        new IamRolePolicy(this, "inline", {
          role: this.role.id,
          name: "inline",
          policy: jsonDocument({ Version: "2012-10-17", Statement: props.statements }),
          lifecycle: REPLACE_SAFELY,
        }),
      );
    }
  }
}

/** A role for EC2 instances and the instance profile that hands it to them. */
export class InstanceRole extends ServiceRole {
  public readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: Omit<ServiceRoleProps, "principal">) {
    super(scope, id, { ...props, principal: "ec2.amazonaws.com" });
    this.instanceProfile = new IamInstanceProfile(this, "profile", { name: props.name, role: this.role.name, lifecycle: REPLACE_SAFELY });
  }
}
