// Which changed arguments make Terraform replace a resource rather than update it in place. Terraform's provider
// schema does not carry this (providers decide it when they plan, which needs credentials), and the cdktf provider
// packages do not ship it: so it is this table, read from the providers' source (ForceNew, RequiresReplace) for the
// resource types the stacks create. A test fails when a stack gains a type that is not here. Conditional cases
// (user data with user_data_replace_on_change, an instance type of another CPU architecture, ...) are noted, and
// the two this project meets are handled in replacementOf().

/** Where the table comes from. */
export const REPLACEMENT_SOURCES = {
  aws:
    "hashicorp/terraform-provider-aws source at 1a5174b (2024-04, the 5.46 line), with attributes added since checked " +
    "against a later upstream version; not a line-by-line read of 5.100.0, so arguments added after 5.46 may be missing",
  docker: "kreuzwerker/terraform-provider-docker v3.6.2 (2f20f8c)",
  terraform_data: "hashicorp/terraform internal/builtin/providers/terraform/resource_data.go (1.9 to 1.15)",
} as const;

/** Per resource type, the arguments (dotted paths into blocks) whose change forces a replacement. */
export const FORCES_REPLACEMENT: Record<string, readonly string[]> = {
  aws_appautoscaling_policy: ["name", "resource_id", "scalable_dimension", "service_namespace"],
  aws_appautoscaling_target: ["resource_id", "scalable_dimension", "service_namespace"],
  aws_autoscaling_group: [
    "initial_lifecycle_hook", "initial_lifecycle_hook.default_result", "initial_lifecycle_hook.heartbeat_timeout",
    "initial_lifecycle_hook.lifecycle_transition", "initial_lifecycle_hook.name",
    "initial_lifecycle_hook.notification_metadata", "initial_lifecycle_hook.notification_target_arn",
    "initial_lifecycle_hook.role_arn", "name", "name_prefix",
  ],
  aws_backup_plan: ["name"],
  aws_backup_selection: [
    "condition", "condition.string_equals", "condition.string_equals.key", "condition.string_equals.value",
    "condition.string_like", "condition.string_like.key", "condition.string_like.value",
    "condition.string_not_equals", "condition.string_not_equals.key", "condition.string_not_equals.value",
    "condition.string_not_like", "condition.string_not_like.key", "condition.string_not_like.value", "iam_role_arn",
    "name", "not_resources", "plan_id", "resources", "selection_tag", "selection_tag.key", "selection_tag.type",
    "selection_tag.value",
  ],
  aws_backup_vault: ["kms_key_arn", "name"],
  aws_backup_vault_lock_configuration: ["backup_vault_name", "changeable_for_days", "max_retention_days", "min_retention_days"],
  aws_backup_vault_policy: ["backup_vault_name"],
  aws_cloudwatch_log_group: ["log_group_class", "name", "name_prefix"],
  aws_default_security_group: ["vpc_id"],
  aws_ebs_volume: [
    "availability_zone", "encrypted", "kms_key_id", "multi_attach_enabled", "outpost_arn", "snapshot_id",
  ],
  aws_ecs_capacity_provider: [
    "auto_scaling_group_provider", "auto_scaling_group_provider.auto_scaling_group_arn", "name",
  ],
  aws_ecs_cluster: ["name"],
  aws_ecs_cluster_capacity_providers: ["cluster_name"],
  aws_ecs_service: [
    "cluster", "deployment_controller.type", "iam_role", "launch_type", "name", "scheduling_strategy",
  ],
  aws_ecs_task_definition: [
    "container_definitions", "cpu", "enable_fault_injection", "ephemeral_storage", "ephemeral_storage.size_in_gib",
    "execution_role_arn", "family", "inference_accelerator", "inference_accelerator.device_name",
    "inference_accelerator.device_type", "ipc_mode", "memory", "network_mode", "pid_mode", "placement_constraints",
    "placement_constraints.expression", "placement_constraints.type", "proxy_configuration",
    "proxy_configuration.container_name", "proxy_configuration.properties", "proxy_configuration.type",
    "requires_compatibilities", "runtime_platform", "runtime_platform.cpu_architecture",
    "runtime_platform.operating_system_family", "task_role_arn", "volume", "volume.docker_volume_configuration",
    "volume.docker_volume_configuration.autoprovision", "volume.docker_volume_configuration.driver",
    "volume.docker_volume_configuration.driver_opts", "volume.docker_volume_configuration.labels",
    "volume.docker_volume_configuration.scope", "volume.efs_volume_configuration",
    "volume.efs_volume_configuration.authorization_config",
    "volume.efs_volume_configuration.authorization_config.access_point_id",
    "volume.efs_volume_configuration.authorization_config.iam", "volume.efs_volume_configuration.file_system_id",
    "volume.efs_volume_configuration.root_directory", "volume.efs_volume_configuration.transit_encryption",
    "volume.efs_volume_configuration.transit_encryption_port", "volume.fsx_windows_file_server_volume_configuration",
    "volume.fsx_windows_file_server_volume_configuration.authorization_config",
    "volume.fsx_windows_file_server_volume_configuration.authorization_config.credentials_parameter",
    "volume.fsx_windows_file_server_volume_configuration.authorization_config.domain",
    "volume.fsx_windows_file_server_volume_configuration.file_system_id",
    "volume.fsx_windows_file_server_volume_configuration.root_directory", "volume.host_path", "volume.name",
  ],
  aws_eip: ["address", "domain", "ipam_pool_id", "network_border_group", "public_ipv4_pool", "vpc"],
  aws_flow_log: [
    "deliver_cross_account_role", "destination_options", "destination_options.file_format",
    "destination_options.hive_compatible_partitions", "destination_options.per_hour_partition", "eni_id",
    "iam_role_arn", "log_destination", "log_destination_type", "log_format", "log_group_name",
    "max_aggregation_interval", "subnet_id", "traffic_type", "transit_gateway_attachment_id", "transit_gateway_id",
    "vpc_id",
  ],
  aws_iam_instance_profile: ["name", "name_prefix", "path"],
  aws_iam_role: ["name", "name_prefix", "path"],
  aws_iam_role_policy: ["name", "name_prefix", "role"],
  aws_iam_role_policy_attachment: ["policy_arn", "role"],
  aws_instance: [
    "ami", "associate_public_ip_address", "availability_zone", "cpu_core_count", "cpu_options.amd_sev_snp",
    "cpu_options.core_count", "cpu_options.threads_per_core", "cpu_threads_per_core",
    "ebs_block_device.delete_on_termination", "ebs_block_device.device_name", "ebs_block_device.encrypted",
    "ebs_block_device.iops", "ebs_block_device.kms_key_id", "ebs_block_device.snapshot_id",
    "ebs_block_device.throughput", "ebs_block_device.volume_size", "ebs_block_device.volume_type", "ebs_optimized",
    "enclave_options.enabled", "ephemeral_block_device", "hibernation", "host_id", "instance_market_options",
    "instance_market_options.market_type", "instance_market_options.spot_options",
    "instance_market_options.spot_options.instance_interruption_behavior",
    "instance_market_options.spot_options.max_price", "instance_market_options.spot_options.spot_instance_type",
    "instance_market_options.spot_options.valid_until", "ipv6_addresses", "key_name", "launch_template",
    "launch_template.id", "launch_template.name", "network_interface.delete_on_termination",
    "network_interface.device_index", "network_interface.network_card_index",
    "network_interface.network_interface_id", "placement_group", "placement_partition_number",
    "private_dns_name_options", "private_ip", "root_block_device.encrypted", "root_block_device.kms_key_id",
    "security_groups", "subnet_id", "tenancy",
  ],
  aws_internet_gateway: [],
  aws_launch_template: ["name", "name_prefix"],
  aws_lb: ["customer_owned_ipv4_pool", "internal", "load_balancer_type", "name", "name_prefix"],
  aws_lb_listener: ["load_balancer_arn"],
  aws_lb_target_group: [
    "ip_address_type", "name", "name_prefix", "port", "protocol", "protocol_version", "target_type", "vpc_id",
  ],
  aws_route53_record: ["name", "zone_id"],
  aws_route_table: ["vpc_id"],
  aws_route_table_association: ["gateway_id", "subnet_id"],
  aws_s3_bucket: ["bucket", "bucket_prefix", "object_lock_configuration.object_lock_enabled", "object_lock_enabled"],
  aws_s3_bucket_lifecycle_configuration: ["bucket", "expected_bucket_owner"],
  aws_s3_bucket_ownership_controls: ["bucket"],
  aws_s3_bucket_policy: ["bucket"],
  aws_s3_bucket_public_access_block: ["bucket"],
  aws_s3_bucket_server_side_encryption_configuration: ["bucket", "expected_bucket_owner"],
  aws_security_group: ["description", "name", "name_prefix", "vpc_id"],
  aws_ssm_maintenance_window: [],
  aws_ssm_maintenance_window_target: ["description", "name", "resource_type", "window_id"],
  aws_ssm_maintenance_window_task: ["task_type", "window_id"],
  aws_ssm_patch_baseline: ["operating_system"],
  aws_ssm_patch_group: ["baseline_id", "patch_group"],
  aws_subnet: ["availability_zone", "availability_zone_id", "cidr_block", "ipv6_native", "outpost_arn", "vpc_id"],
  aws_volume_attachment: ["device_name", "instance_id", "volume_id"],
  aws_vpc: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
  aws_vpc_security_group_egress_rule: ["security_group_id"],
  aws_vpc_security_group_ingress_rule: ["security_group_id"],
  docker_container: [
    "capabilities", "capabilities.add", "capabilities.drop", "cgroup_parent", "cgroupns_mode", "command", "cpus",
    "devices", "devices.container_path", "devices.host_path", "devices.permissions", "dns", "dns_opts", "dns_search",
    "domainname", "entrypoint", "env", "gpus", "group_add", "host", "host.host", "host.ip", "hostname", "image",
    "ipc_mode", "labels", "labels.label", "labels.value", "log_driver", "log_opts", "mounts", "mounts.tmpfs_options",
    "mounts.volume_options.labels.label", "mounts.volume_options.labels.value", "mounts.volume_options.subpath",
    "name", "network_mode", "networks_advanced", "networks_advanced.aliases", "networks_advanced.ipv4_address",
    "networks_advanced.ipv6_address", "networks_advanced.name", "pid_mode", "ports", "ports.external",
    "ports.internal", "ports.ip", "ports.protocol", "privileged", "publish_all_ports", "read_only", "runtime",
    "security_opts", "shm_size", "stdin_open", "stop_signal", "stop_timeout", "storage_opts", "sysctls", "tty",
    "ulimit", "ulimit.hard", "ulimit.name", "ulimit.soft", "upload", "upload.content", "upload.content_base64",
    "upload.executable", "upload.file", "upload.permissions", "upload.source", "upload.source_hash", "user",
    "userns_mode", "volumes", "volumes.container_path", "volumes.from_container", "volumes.host_path",
    "volumes.read_only", "volumes.volume_name", "working_dir",
  ],
  docker_image: [
    "build.build_args", "build.build_id", "build.build_log_file", "build.builder", "build.cache_from",
    "build.cgroup_parent", "build.context", "build.cpu_period", "build.cpu_quota", "build.cpu_set_cpus",
    "build.cpu_set_mems", "build.cpu_shares", "build.dockerfile", "build.extra_hosts", "build.force_remove",
    "build.isolation", "build.labels", "build.memory", "build.memory_swap", "build.network_mode", "build.no_cache",
    "build.platform", "build.pull_parent", "build.remote_context", "build.secrets.env", "build.secrets.id",
    "build.secrets.src", "build.security_opt", "build.session_id", "build.shm_size", "build.squash",
    "build.suppress_output", "build.target", "build.ulimit.hard", "build.ulimit.name", "build.ulimit.soft",
    "build.version", "name", "platform", "pull_triggers", "triggers",
  ],
  docker_network: [
    "attachable", "check_duplicate", "driver", "ingress", "internal", "ipam_config", "ipam_config.aux_address",
    "ipam_config.gateway", "ipam_config.ip_range", "ipam_config.subnet", "ipam_driver", "ipam_options", "ipv6",
    "labels", "labels.label", "labels.value", "name", "options",
  ],
  docker_volume: ["driver", "driver_opts", "labels", "labels.label", "labels.value", "name"],
  terraform_data: ["triggers_replace"],
};

/** `root_block_device[0].encrypted` -> `root_block_device.encrypted` */
const schemaPath = (path: string) => path.replace(/\[\d+\]/g, "");

/** The changed arguments, by path (`a.b[0].c`), that force `type` to be replaced; `after` is the new configuration. */
export function replacementOf(type: string, changes: readonly { readonly path: string }[], after: Record<string, any>): string[] {
  const forcing = FORCES_REPLACEMENT[type] ?? [];
  const found = new Set<string>();
  for (const change of changes) {
    const path = schemaPath(change.path);
    if (path.startsWith("lifecycle.") || path.startsWith("depends_on")) continue;
    // Arguments in ignore_changes never reach a plan.
    if ((after.lifecycle?.ignore_changes ?? []).some((i: string) => path === i || path.startsWith(`${i}.`))) continue;
    const hit = forcing.find((f) => path === f || path.startsWith(`${f}.`));
    if (hit) found.add(hit);
    // Conditional cases the table cannot express.
    if (type === "aws_instance" && /^user_data(_base64)?$/.test(path) && after.user_data_replace_on_change === true) found.add(path);
    if (type === "terraform_data" && path.startsWith("triggers_replace")) found.add("triggers_replace");
  }
  return [...found].sort();
}
