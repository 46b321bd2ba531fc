# A mocked apply of the aws stack with the options of settings.json next to this file: an ACM certificate,
# registry credentials, admin CIDRs with a key pair, and an existing data volume in set zones.

mock_provider "aws" {
  source = "./tests/mocks"
}

# The account, partition and region the trust policies and ARNs are written for.
override_data {
  target = data.aws_caller_identity.aws-account_caller_8F198A0A
  values = { account_id = "123456789012" }
}
override_data {
  target = data.aws_partition.aws-account_partition_7F42276D
  values = { partition = "aws" }
}
override_data {
  target = data.aws_region.aws-account_region_D4DFE338
  values = { name = "us-west-1" }
}

# The zones of this account in us-west-1: both of those the settings name.
override_data {
  target = data.aws_availability_zones.network_zones_2241F3F0
  values = { names = ["us-west-1b", "us-west-1c"] }
}

# The existing volume lives in the first configured zone, as it must.
override_data {
  target = data.aws_ebs_volume.cluster-a_capacity_existing-volume_64D595FD
  values = { volume_id = "vol-0123456789abcdef0", availability_zone = "us-west-1b" }
}
override_resource {
  target = aws_instance.cluster-a_capacity_instance_F59B6C5A
  values = { id = "i-0000000000000000a", availability_zone = "us-west-1b" }
}

run "apply_with_options" {
  command = apply

  assert {
    condition = alltrue([
      for mo in [
        aws_instance.cluster-a_capacity_instance_F59B6C5A.metadata_options[0],
        aws_instance.docker-host_instance_1A6462EB.metadata_options[0],
        aws_launch_template.cluster-b_capacity_launch-template_4B580A81.metadata_options[0],
      ] : mo.http_tokens == "required" && mo.http_put_response_hop_limit == 1
    ])
    error_message = "Every instance and launch template must require IMDSv2 with a hop limit of 1."
  }

  # 0.0.0.0/0 reaches only 80/443 of the public load balancers and the Docker host; SSH and the Docker API
  # admit the admin range only.
  assert {
    condition = alltrue([
      for rule in [
        aws_vpc_security_group_ingress_rule.docker-host_api_in-0_94EDEFE8,
        aws_vpc_security_group_ingress_rule.docker-host_web_in-http_6E7F19FF,
        aws_vpc_security_group_ingress_rule.docker-host_web_in-https_433046A3,
        aws_vpc_security_group_ingress_rule.docker-host_ssh_in-0_9D372242,
        aws_vpc_security_group_ingress_rule.firewalls_container-instances_in-internal-load-balancers_0D377B4C,
        aws_vpc_security_group_ingress_rule.firewalls_container-instances_in-public-load-balancers_C7237EA0,
        aws_vpc_security_group_ingress_rule.firewalls_internal-load-balancers_in-http_F63D26AE,
        aws_vpc_security_group_ingress_rule.firewalls_internal-load-balancers_in-https_2C3EA10B,
        aws_vpc_security_group_ingress_rule.firewalls_public-load-balancers_in-http_9085CE7D,
        aws_vpc_security_group_ingress_rule.firewalls_public-load-balancers_in-https_E4AD0C26,
      ] : rule.cidr_ipv4 != "0.0.0.0/0" || (
        contains(["sg-00000000000000001", "sg-00000000000000004"], rule.security_group_id) && contains([80, 443], rule.from_port)
      )
    ])
    error_message = "Only the public load balancers' and the Docker host's 80/443 may be open to 0.0.0.0/0."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.docker-host_api_in-0_94EDEFE8.from_port == 2376 &&
      aws_vpc_security_group_ingress_rule.docker-host_api_in-0_94EDEFE8.cidr_ipv4 == "198.51.100.0/24" &&
      aws_vpc_security_group_ingress_rule.docker-host_ssh_in-0_9D372242.from_port == 22 &&
      aws_vpc_security_group_ingress_rule.docker-host_ssh_in-0_9D372242.cidr_ipv4 == "198.51.100.0/24" &&
      aws_instance.docker-host_instance_1A6462EB.key_name == "ops \"$${path.cwd}\" \\x"
    )
    error_message = "The Docker API and SSH must admit the admin range only, SSH only with the key pair."
  }

  # HTTPS with the certificate on every load balancer, HTTP redirecting to it.
  assert {
    condition = alltrue([
      for l in [
        aws_lb_listener.service-web_load-balancer_https_A656CB76,
        aws_lb_listener.service-db_load-balancer_https_A7A08542,
        aws_lb_listener.service-api_load-balancer_https_64218955,
      ] : l.port == 443 && l.protocol == "HTTPS" && l.certificate_arn == "arn:aws:acm:us-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100" && l.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    ])
    error_message = "Every load balancer must serve HTTPS with the configured certificate, TLS 1.2 or later (ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09)."
  }
  assert {
    condition = alltrue([
      for l in [
        aws_lb_listener.service-web_load-balancer_http_D2C56D71,
        aws_lb_listener.service-db_load-balancer_http_7E9B2CC5,
        aws_lb_listener.service-api_load-balancer_http_40AFA358,
      ] : l.port == 80 && l.default_action[0].type == "redirect" && l.default_action[0].redirect[0].protocol == "HTTPS" && l.default_action[0].redirect[0].port == "443"
    ])
    error_message = "HTTP must redirect to HTTPS when a certificate is set."
  }

  # The existing volume is attached, never created.
  assert {
    condition = (
      aws_volume_attachment.cluster-a_capacity_data-volume-attachment_6F9A7B9E.volume_id == "vol-0123456789abcdef0" &&
      aws_volume_attachment.cluster-a_capacity_data-volume-attachment_6F9A7B9E.device_name == "/dev/xvdh" &&
      aws_volume_attachment.cluster-a_capacity_data-volume-attachment_6F9A7B9E.instance_id == "i-0000000000000000a"
    )
    error_message = "The existing data volume must be attached as /dev/xvdh to cluster A's instance."
  }

  assert {
    condition = alltrue([
      for td in [
        aws_ecs_task_definition.service-web_task_996AAE4F,
        aws_ecs_task_definition.service-db_task_CFE925D0,
        aws_ecs_task_definition.service-api_task_22FB46F2,
        aws_ecs_task_definition.service-bot_task_C034BEDC,
      ] : jsondecode(td.container_definitions)[0].repositoryCredentials.credentialsParameter == "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf"
    ])
    error_message = "Every container must take its registry credentials from the secret."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.task-execution-role_inline_61707CCB.policy).Statement[0].Resource == ["arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf"]
    error_message = "The execution role may read that secret and nothing else."
  }

  # The existing data volume, attached by ID, is backed up as a created one would be.
  assert {
    condition = contains(aws_backup_selection.backups_selection_53E8DB6F.resources, data.aws_ebs_volume.cluster-a_capacity_existing-volume_64D595FD.arn)
    error_message = "The existing data volume must be in the backup plan."
  }

  # backups.lock in compliance mode: the plan keeps points 30 days, the lock at least 14, fixed after 7.
  assert {
    condition = (
      one(one(aws_backup_plan.backups_plan_07E5B56F.rule).lifecycle).delete_after == 30 &&
      aws_backup_vault_lock_configuration.backups_vault-lock_2F3ACB96.min_retention_days == 14 &&
      aws_backup_vault_lock_configuration.backups_vault-lock_2F3ACB96.changeable_for_days == 7 &&
      jsondecode(aws_backup_vault_policy.backups_vault-policy_ABC30B11.policy).Statement[0].Action == ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]
    )
    error_message = "A compliance-mode lock must keep recovery points its minimum, changeable for its grace period only."
  }

  # The execution role, named for its region, trusts ECS tasks of this account and region only.
  assert {
    condition = (
      aws_iam_role.task-execution-role_AACE36C4.name == "soa-us-west-1-ecs-task-execution" &&
      try(jsondecode(aws_iam_role.task-execution-role_AACE36C4.assume_role_policy).Statement[0].Condition, null) == {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:ecs:us-west-1:123456789012:*" }
      }
    )
    error_message = "The execution role must trust ECS tasks of this account and region only."
  }

  # Text from settings and task definitions arrives as written, quotes, backslashes and control characters
  # included: Terraform reads no file and shows no path.
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.service-bot_task_C034BEDC.container_definitions)[0].environment[1] == {
        name  = "HOSTILE"
        value = "$${file(\"/etc/hostname\")} %%{ if true }x%%{ endif } $${path.cwd}"
      } &&
      jsondecode(aws_ecs_task_definition.service-bot_task_C034BEDC.container_definitions)[0].environment[2] == {
        name  = "QUOTED"
        value = "say \"hi\" \\ C:\\new\\table \\\" [1] {x}\nnext\tline"
      } &&
      jsondecode(aws_ecs_task_definition.service-bot_task_C034BEDC.container_definitions)[0].command == ["echo", "$${path.cwd}"] &&
      aws_instance.docker-host_instance_1A6462EB.key_name == "ops \"$${path.cwd}\" \\x"
    )
    error_message = "Template syntax in settings and task definitions must reach the resources literally."
  }
}

# An existing volume in another zone than the instance's subnet stops the plan with a clear precondition.
run "volume_in_another_zone" {
  command = plan

  override_data {
    target = data.aws_ebs_volume.cluster-a_capacity_existing-volume_64D595FD
    values = { volume_id = "vol-0123456789abcdef0", availability_zone = "us-west-1c" }
  }

  expect_failures = [aws_instance.cluster-a_capacity_instance_F59B6C5A]
}

# A zone the settings name that this account does not have (us-west-1 has two of a, b and c, by account) stops the
# plan, before the VPC is created.
run "zone_the_account_lacks" {
  command = plan

  override_data {
    target = data.aws_availability_zones.network_zones_2241F3F0
    values = { names = ["us-west-1a", "us-west-1b"] }
  }

  expect_failures = [data.aws_availability_zones.network_zones_2241F3F0]
}
