import { Construct } from "constructs";
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

export interface ServiceRoleProps {
  /** Role name. */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `ec2.amazonaws.com`. */
  readonly principal: string;
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

/** An IAM role that one AWS service assumes, with managed policies and an optional inline policy. */
export class ServiceRole extends Construct {
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      assumeRolePolicy: jsonDocument({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: props.principal }, Action: "sts:AssumeRole" }],
      }),
    });
    props.managedPolicyArns.forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn });
    });
    if (props.statements?.length) {
      new IamRolePolicy(this, "inline", {
        role: this.role.id,
        name: "inline",
        policy: jsonDocument({ Version: "2012-10-17", Statement: props.statements }),
      });
    }
  }
}

/** A role for EC2 instances and the instance profile that hands it to them. */
export class InstanceRole extends ServiceRole {
  public readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: Omit<ServiceRoleProps, "principal">) {
    super(scope, id, { ...props, principal: "ec2.amazonaws.com" });
    this.instanceProfile = new IamInstanceProfile(this, "profile", { name: props.name, role: this.role.name });
  }
}
