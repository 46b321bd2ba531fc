# A mocked apply of the aws stack synthesized from the built-in settings (npm run test:terraform).
# Addresses carry cdktf's stable hash suffixes; the harness fails when the stack gains an instance, a launch
# template or an ingress rule that no assertion here names.

mock_provider "aws" {
  source = "./tests/mocks"
}

# The zone look-up of the default settings (the AMI and SSM look-ups, and the security groups' IDs, are in mocks/).
override_data {
  target = data.aws_availability_zones.network_zones_2241F3F0
  values = { names = ["us-west-1a", "us-west-1c"] }
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

# Distinct identities where assertions must tell resources apart.
override_resource {
  target = aws_instance.cluster-a_capacity_instance_F59B6C5A
  values = { id = "i-0000000000000000a", availability_zone = "us-west-1a" }
}
override_resource {
  target = aws_instance.docker-host_instance_1A6462EB
  values = { id = "i-0000000000000000d", availability_zone = "us-west-1a" }
}
override_resource {
  target = aws_ebs_volume.docker-host_data-volume_65BACDF2
  values = { id = "vol-0000000000000000d" }
}
override_resource {
  target = aws_ecs_cluster.cluster-a_cluster_CCCCA850
  values = { id = "arn:aws:ecs:us-west-1:123456789012:cluster/berlin", arn = "arn:aws:ecs:us-west-1:123456789012:cluster/berlin" }
}
override_resource {
  target = aws_ecs_cluster.cluster-b_cluster_DD556083
  values = { id = "arn:aws:ecs:us-west-1:123456789012:cluster/munich", arn = "arn:aws:ecs:us-west-1:123456789012:cluster/munich" }
}
override_resource {
  target = aws_lb.service-web_load-balancer_C1B6136F
  values = { arn = "arn:aws:elasticloadbalancing:us-west-1:123456789012:loadbalancer/app/soa-web/0000000000000001", dns_name = "soa-web.us-west-1.elb.amazonaws.com" }
}
override_resource {
  target = aws_lb.service-db_load-balancer_FDC67FC0
  values = { arn = "arn:aws:elasticloadbalancing:us-west-1:123456789012:loadbalancer/app/soa-db/0000000000000002", dns_name = "internal-soa-db.us-west-1.elb.amazonaws.com" }
}
override_resource {
  target = aws_lb.service-api_load-balancer_D1CEDC23
  values = { arn = "arn:aws:elasticloadbalancing:us-west-1:123456789012:loadbalancer/app/soa-api/0000000000000003", dns_name = "soa-api.us-west-1.elb.amazonaws.com" }
}

run "apply_the_whole_stack" {
  command = apply

  # IMDSv2 on every instance and launch template.
  assert {
    condition = alltrue([
      for mo in [
        aws_instance.cluster-a_capacity_instance_F59B6C5A.metadata_options[0],
        aws_instance.docker-host_instance_1A6462EB.metadata_options[0],
        aws_launch_template.cluster-b_capacity_launch-template_4B580A81.metadata_options[0],
      ] : mo.http_tokens == "required" && mo.http_put_response_hop_limit == 1 && mo.http_endpoint == "enabled"
    ])
    error_message = "Every instance and launch template must require IMDSv2 with a hop limit of 1."
  }

  assert {
    condition = alltrue([
      aws_instance.cluster-a_capacity_instance_F59B6C5A.root_block_device[0].encrypted,
      aws_instance.docker-host_instance_1A6462EB.root_block_device[0].encrypted,
      aws_launch_template.cluster-b_capacity_launch-template_4B580A81.block_device_mappings[0].ebs[0].encrypted == "true",
      aws_ebs_volume.cluster-a_capacity_data-volume_E65FDAAD.encrypted,
      aws_ebs_volume.docker-host_data-volume_65BACDF2.encrypted,
    ])
    error_message = "Root and data volumes must be encrypted."
  }

  # Ingress from anywhere only to the internet-facing load balancers and to the Docker host, only on 80/443.
  assert {
    condition = alltrue([
      for rule in [
        aws_vpc_security_group_ingress_rule.docker-host_web_in-http_6E7F19FF,
        aws_vpc_security_group_ingress_rule.docker-host_web_in-https_433046A3,
        aws_vpc_security_group_ingress_rule.firewalls_container-instances_in-internal-load-balancers_0D377B4C,
        aws_vpc_security_group_ingress_rule.firewalls_container-instances_in-public-load-balancers_C7237EA0,
        aws_vpc_security_group_ingress_rule.firewalls_internal-load-balancers_in-http_F63D26AE,
        aws_vpc_security_group_ingress_rule.firewalls_public-load-balancers_in-http_9085CE7D,
      ] : rule.cidr_ipv4 != "0.0.0.0/0" || (
        contains(["sg-00000000000000001", "sg-00000000000000004"], rule.security_group_id) && contains([80, 443], rule.from_port) && rule.from_port == rule.to_port
      )
    ])
    error_message = "Only the public load balancers' and the Docker host's 80/443 may be open to 0.0.0.0/0."
  }

  # Container instances take traffic only from the load balancers' groups; the internal ones only from the VPC.
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.firewalls_container-instances_in-public-load-balancers_C7237EA0.referenced_security_group_id == "sg-00000000000000001" &&
      aws_vpc_security_group_ingress_rule.firewalls_container-instances_in-internal-load-balancers_0D377B4C.referenced_security_group_id == "sg-00000000000000002" &&
      aws_vpc_security_group_ingress_rule.firewalls_internal-load-balancers_in-http_F63D26AE.cidr_ipv4 == "10.20.0.0/16"
    )
    error_message = "Container instances must admit only the load balancers' groups."
  }

  # Without admin CIDRs and a key pair, the Docker host's only ingress rules are its web ports (the harness
  # fails when a rule appears that no assertion names, so these two are all there are).
  assert {
    condition = [
      for rule in [
        aws_vpc_security_group_ingress_rule.docker-host_web_in-http_6E7F19FF,
        aws_vpc_security_group_ingress_rule.docker-host_web_in-https_433046A3,
      ] : "${rule.security_group_id} ${rule.cidr_ipv4} ${rule.from_port}-${rule.to_port}"
    ] == ["sg-00000000000000004 0.0.0.0/0 80-80", "sg-00000000000000004 0.0.0.0/0 443-443"]
    error_message = "Without admin CIDRs the Docker host may take only HTTP and HTTPS."
  }
  assert {
    condition     = toset(aws_instance.docker-host_instance_1A6462EB.vpc_security_group_ids) == toset(["sg-00000000000000004", "sg-00000000000000005"])
    error_message = "Without a key pair the Docker host has the API and web groups and no SSH group."
  }

  # The boot configurations as Terraform renders them: the launch template's script decodes to the cluster's
  # join, and the Docker host's cloud-config parses, with the certificate files read into it.
  assert {
    condition = (
      strcontains(base64decode(aws_launch_template.cluster-b_capacity_launch-template_4B580A81.user_data), "\nECS_CLUSTER=munich\n") &&
      !strcontains(base64decode(aws_launch_template.cluster-b_capacity_launch-template_4B580A81.user_data), "$$${")
    )
    error_message = "The launch template's boot script must join munich, escaped exactly once."
  }
  assert {
    condition = (
      [for f in yamldecode(local.docker-host_cloud-config_2007F67B).write_files : "${f.path} ${f.permissions}"] ==
      ["/etc/docker/ca.pem 0644", "/etc/docker/server.pem 0644", "/etc/docker/server-key.pem 0600", "/etc/docker/daemon.json 0644", "/opt/bin/host-init.sh 0755", "/opt/bin/data-volume.sh 0755"] &&
      base64decode(yamldecode(local.docker-host_cloud-config_2007F67B).write_files[2].content) == file("../../../certs/server-key.pem") &&
      !strcontains(yamldecode(local.docker-host_cloud-config_2007F67B).write_files[4].content, "$$${") &&
      !strcontains(yamldecode(local.docker-host_cloud-config_2007F67B).write_files[5].content, "$$${") &&
      [for u in yamldecode(local.docker-host_cloud-config_2007F67B).coreos.units : u.name] == ["docker-data.service", "host-init.service", "docker-tls-tcp.socket", "docker.service"]
    )
    error_message = "The Docker host's cloud-config must parse and carry the TLS files, daemon.json, the scripts and the units."
  }
  # TLS reaches dockerd through daemon.json, a write_files entry, never through a key coreos-cloudinit ignores.
  assert {
    condition = (
      jsondecode(yamldecode(local.docker-host_cloud-config_2007F67B).write_files[3].content) == {
        tlsverify = true, tlscacert = "/etc/docker/ca.pem", tlscert = "/etc/docker/server.pem", tlskey = "/etc/docker/server-key.pem"
        features = { containerd-snapshotter = false }
      } &&
      !strcontains(local.docker-host_cloud-config_2007F67B, "drop-ins") &&
      yamldecode(local.docker-host_cloud-config_2007F67B).coreos.update == { reboot_strategy = "reboot" } &&
      yamldecode(local.docker-host_cloud-config_2007F67B).coreos.locksmith == { window_start = "Sun 04:00", window_length = "1h" }
    )
    error_message = "dockerd must get its TLS settings from daemon.json, and Flatcar reboot only in the Sunday window."
  }
  # Docker's data: the host's own encrypted volume, mounted at /var/lib/docker by the unit dockerd requires.
  assert {
    condition = (
      aws_volume_attachment.docker-host_data-volume-attachment_E9040A9A.device_name == "/dev/xvdf" &&
      aws_volume_attachment.docker-host_data-volume-attachment_E9040A9A.instance_id == "i-0000000000000000d" &&
      aws_volume_attachment.docker-host_data-volume-attachment_E9040A9A.volume_id == "vol-0000000000000000d" &&
      aws_ebs_volume.docker-host_data-volume_65BACDF2.encrypted &&
      strcontains(yamldecode(local.docker-host_cloud-config_2007F67B).coreos.units[0].content, "ExecStart=/opt/bin/data-volume.sh vol-0000000000000000d /dev/xvdf /var/lib/docker\n") &&
      strcontains(yamldecode(local.docker-host_cloud-config_2007F67B).coreos.units[0].content, "RequiredBy=docker.service\n")
    )
    error_message = "The Docker host's data volume must be attached as /dev/xvdf and mounted at /var/lib/docker before dockerd."
  }

  # The data volume: attached as /dev/xvdh to cluster A's instance, in its zone, kept on destroy.
  assert {
    condition = (
      aws_volume_attachment.cluster-a_capacity_data-volume-attachment_6F9A7B9E.device_name == "/dev/xvdh" &&
      aws_volume_attachment.cluster-a_capacity_data-volume-attachment_6F9A7B9E.instance_id == "i-0000000000000000a" &&
      aws_volume_attachment.cluster-a_capacity_data-volume-attachment_6F9A7B9E.volume_id == aws_ebs_volume.cluster-a_capacity_data-volume_E65FDAAD.id &&
      aws_ebs_volume.cluster-a_capacity_data-volume_E65FDAAD.availability_zone == "us-west-1a" &&
      aws_instance.cluster-a_capacity_instance_F59B6C5A.subnet_id == aws_subnet.network_public-0_A4E682E0.id
    )
    error_message = "The data volume must be attached as /dev/xvdh to cluster A's instance, in its zone."
  }

  # Backups: both data volumes, created here, in one plan that keeps recovery points 35 days.
  assert {
    condition = (
      toset(aws_backup_selection.backups_selection_53E8DB6F.resources) == toset([
        aws_ebs_volume.cluster-a_capacity_data-volume_E65FDAAD.arn,
        aws_ebs_volume.docker-host_data-volume_65BACDF2.arn,
      ]) &&
      aws_backup_selection.backups_selection_53E8DB6F.plan_id == aws_backup_plan.backups_plan_07E5B56F.id &&
      one(aws_backup_plan.backups_plan_07E5B56F.rule).schedule == "cron(0 3 * * ? *)" &&
      one(one(aws_backup_plan.backups_plan_07E5B56F.rule).lifecycle).delete_after == 35 &&
      one(aws_backup_plan.backups_plan_07E5B56F.rule).target_vault_name == aws_backup_vault.backups_vault_62432F40.name
    )
    error_message = "Every data volume must be in the backup plan, kept 35 days."
  }

  # Backups outlive a mistake: nobody may delete a recovery point or change its lifecycle, and a governance-mode
  # lock (no grace period) keeps each one the plan's 35 days.
  assert {
    condition = (
      aws_backup_vault_lock_configuration.backups_vault-lock_2F3ACB96.backup_vault_name == aws_backup_vault.backups_vault_62432F40.name &&
      aws_backup_vault_lock_configuration.backups_vault-lock_2F3ACB96.min_retention_days == 35 &&
      aws_backup_vault_lock_configuration.backups_vault-lock_2F3ACB96.changeable_for_days == null &&
      aws_backup_vault_policy.backups_vault-policy_ABC30B11.backup_vault_name == aws_backup_vault.backups_vault_62432F40.name &&
      jsondecode(aws_backup_vault_policy.backups_vault-policy_ABC30B11.policy).Statement == [{
        Sid       = "RecoveryPointsOutliveMistakes"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]
        Resource  = "*"
      }]
    )
    error_message = "The backup vault must deny deleting recovery points to everyone and lock them for the plan's retention."
  }

  # Every role is named for its region (IAM names are account-wide) and trusts its service for this account only,
  # for flow logs and ECS tasks their own resources of this region too; EC2 presents no such key.
  assert {
    condition = (
      [for r in [
        aws_iam_role.container-instance-role_FA33FA5D,
        aws_iam_role.task-execution-role_AACE36C4,
        aws_iam_role.network_flow-logs-role_15A229D7,
        aws_iam_role.backups_role_79A828F6,
      ] : r.name] == ["soa-us-west-1-ecs-instance", "soa-us-west-1-ecs-task-execution", "soa-us-west-1-vpc-flow-logs", "soa-us-west-1-backup"] &&
      aws_iam_instance_profile.container-instance-role_profile_17CF19BA.name == "soa-us-west-1-ecs-instance" &&
      !can(jsondecode(aws_iam_role.container-instance-role_FA33FA5D.assume_role_policy).Statement[0].Condition) &&
      try(jsondecode(aws_iam_role.backups_role_79A828F6.assume_role_policy).Statement[0].Condition, null) == {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      } &&
      try(jsondecode(aws_iam_role.network_flow-logs-role_15A229D7.assume_role_policy).Statement[0].Condition, null) == {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:ec2:us-west-1:123456789012:vpc-flow-log/*" }
      } &&
      try(jsondecode(aws_iam_role.task-execution-role_AACE36C4.assume_role_policy).Statement[0].Condition, null) == {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:ecs:us-west-1:123456789012:*" }
      }
    )
    error_message = "Roles must name their region and trust their service for this account (and its own resources) only."
  }

  # The flow log role: the VPC guide's permissions on its own group; listing groups on the region's.
  assert {
    condition = jsondecode(aws_iam_role_policy.network_flow-logs-role_inline_7196866A.policy).Statement == [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = [aws_cloudwatch_log_group.network_flow-logs_D7C94307.arn, "${aws_cloudwatch_log_group.network_flow-logs_D7C94307.arn}:*"]
      },
      {
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = ["arn:aws:logs:us-west-1:123456789012:log-group:*"]
      },
    ]
    error_message = "The flow log role may write to its own log group and list the region's groups, nothing else."
  }

  # Flow logs of the VPC, all traffic, to a log group kept as long as the other logs.
  assert {
    condition = (
      aws_flow_log.network_flow-log_4CEF6CCF.vpc_id == aws_vpc.network_vpc_4E8F0223.id &&
      aws_flow_log.network_flow-log_4CEF6CCF.traffic_type == "ALL" &&
      aws_flow_log.network_flow-log_4CEF6CCF.log_destination == aws_cloudwatch_log_group.network_flow-logs_D7C94307.arn &&
      aws_cloudwatch_log_group.network_flow-logs_D7C94307.retention_in_days == 30
    )
    error_message = "The VPC must log all traffic to its flow log group."
  }

  # Access logs: every load balancer writes to one private, encrypted bucket that expires them after 90 days.
  assert {
    condition = (
      alltrue([
        for lb in [aws_lb.service-web_load-balancer_C1B6136F, aws_lb.service-db_load-balancer_FDC67FC0, aws_lb.service-api_load-balancer_D1CEDC23] :
        one(lb.access_logs).enabled && one(lb.access_logs).bucket == aws_s3_bucket.access-logs_bucket_7E528747.id
      ]) &&
      aws_s3_bucket_public_access_block.access-logs_public-access_361B9E13.block_public_acls &&
      aws_s3_bucket_public_access_block.access-logs_public-access_361B9E13.block_public_policy &&
      aws_s3_bucket_public_access_block.access-logs_public-access_361B9E13.ignore_public_acls &&
      aws_s3_bucket_public_access_block.access-logs_public-access_361B9E13.restrict_public_buckets &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.access-logs_encryption_D38AB668.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256" &&
      one(one(aws_s3_bucket_lifecycle_configuration.access-logs_expiry_E784F488.rule).expiration).days == 90 &&
      jsondecode(aws_s3_bucket_policy.access-logs_policy_2426E534.policy).Statement[0].Principal.Service == "logdelivery.elasticloadbalancing.amazonaws.com" &&
      jsondecode(aws_s3_bucket_policy.access-logs_policy_2426E534.policy).Statement[0].Action == "s3:PutObject"
    )
    error_message = "Every load balancer must log to the private, encrypted, expiring access log bucket."
  }

  assert {
    condition = (
      aws_autoscaling_group.cluster-b_capacity_group_4E336B6D.min_size == 1 &&
      aws_autoscaling_group.cluster-b_capacity_group_4E336B6D.max_size == 2 &&
      aws_autoscaling_group.cluster-b_capacity_group_4E336B6D.desired_capacity == 1 &&
      aws_autoscaling_group.cluster-b_capacity_group_4E336B6D.health_check_type == "ELB" &&
      aws_autoscaling_group.cluster-b_capacity_group_4E336B6D.health_check_grace_period == 300 &&
      aws_autoscaling_group.cluster-b_capacity_group_4E336B6D.launch_template[0].id == aws_launch_template.cluster-b_capacity_launch-template_4B580A81.id
    )
    error_message = "Cluster B's group must run 1 to 2 instances from the launch template with ELB health checks."
  }

  assert {
    condition = (
      aws_ecs_capacity_provider.cluster-b_capacity_capacity-provider_643FCEB9.auto_scaling_group_provider[0].managed_scaling[0].status == "ENABLED" &&
      aws_ecs_cluster_capacity_providers.cluster-b_capacity-providers_749B5E6D.cluster_name == "munich"
    )
    error_message = "Cluster B must scale through a capacity provider with managed scaling."
  }

  # The services of each cluster.
  assert {
    condition = (
      aws_ecs_service.service-web_service_B591A6BB.cluster == "arn:aws:ecs:us-west-1:123456789012:cluster/berlin" &&
      aws_ecs_service.service-db_service_28F80378.cluster == "arn:aws:ecs:us-west-1:123456789012:cluster/berlin"
    )
    error_message = "web and db must run on cluster A (berlin)."
  }
  assert {
    condition = (
      aws_ecs_service.service-api_service_454F4786.cluster == "arn:aws:ecs:us-west-1:123456789012:cluster/munich" &&
      aws_ecs_service.service-bot_service_A525DB1B.cluster == "arn:aws:ecs:us-west-1:123456789012:cluster/munich"
    )
    error_message = "api and bot must run on cluster B (munich)."
  }
  assert {
    condition     = length(aws_ecs_service.service-bot_service_A525DB1B.load_balancer) == 0
    error_message = "bot runs without a load balancer."
  }
  assert {
    condition     = [for c in aws_ecs_service.service-db_service_28F80378.placement_constraints : c.expression] == ["attribute:data-volume == mounted"]
    error_message = "db runs only where the data volume is mounted."
  }

  assert {
    condition = alltrue([
      for s in [
        aws_ecs_service.service-web_service_B591A6BB,
        aws_ecs_service.service-db_service_28F80378,
        aws_ecs_service.service-api_service_454F4786,
        aws_ecs_service.service-bot_service_A525DB1B,
      ] : s.deployment_circuit_breaker[0].enable && s.deployment_circuit_breaker[0].rollback
    ])
    error_message = "Every service must roll back failed deployments."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.service-db_task_CFE925D0.container_definitions)[0].mountPoints[0].containerPath == "/data/db"
    error_message = "dbtask must keep its data on the data volume."
  }

  assert {
    condition = (
      output.cluster_names == { a = "berlin", b = "munich" } &&
      output.load_balancer_dns_names == {
        web = "soa-web.us-west-1.elb.amazonaws.com"
        db  = "internal-soa-db.us-west-1.elb.amazonaws.com"
        api = "soa-api.us-west-1.elb.amazonaws.com"
      } &&
      output.docker_host == "tcp://ec2-198-51-100-7.us-west-1.compute.amazonaws.com:2376"
    )
    error_message = "The outputs must give the clusters, the load balancers' names and the Docker host behind its gate."
  }
}
