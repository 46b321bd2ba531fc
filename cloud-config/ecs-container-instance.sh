#!/bin/bash
# Boot script of an ECS container instance (ECS-optimized Amazon Linux 2023).
# The ECS agent starts after cloud-init has run this, so the settings below are in place when it registers.
set -euo pipefail
ecs_config=/etc/ecs/ecs.config

# Without ECS_CLUSTER the agent would join a cluster named "default".
cat >> "$ecs_config" <<'CONFIG'
ECS_CLUSTER={{cluster_name}}
ECS_DISABLE_PRIVILEGED=true
ECS_ENABLE_CONTAINER_METADATA=true
CONFIG
